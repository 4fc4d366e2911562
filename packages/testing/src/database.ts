import { randomBytes } from 'node:crypto';
import pg from 'pg';

const DEFAULT_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
/** Set by global-setup.ts for the test files of this run. */
export const TEMPLATE_ENV = 'SENTINEL_TEST_TEMPLATE_DB';
export const TEMPLATE_PREFIX = 'sentinel_tpl_';
export const TEST_DATABASE_PREFIX = 'sentinel_test_';

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, closing any connection still open to it. Safe to call twice. */
  drop: () => Promise<void>;
}

/** The test server's maintenance database (`TEST_DATABASE_URL`, default the local server). */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER_URL;
}

/** The URL of database `name` on the test server. */
export function testDatabaseUrl(name: string): string {
  const url = new URL(testServerUrl());
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** A database of this test file's own, cloned from the run's migrated template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env[TEMPLATE_ENV];
  if (template === undefined || template === '') {
    throw new Error(`${TEMPLATE_ENV} is not set: run tests through the root jest config (its globalSetup migrates the template)`);
  }
  return createDatabase(template);
}

/** An empty database of this test file's own (no tables, no migrations): for migration tests. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  return createDatabase('template0');
}

async function createDatabase(template: string): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  await withServer(async (client) => {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
    await markCreated(client, name);
  });
  return {
    url: testDatabaseUrl(name),
    name,
    drop: () => withServer((client) => dropDatabase(client, name)),
  };
}

/** Runs `fn` with a connection to the test server's maintenance database, then closes it. */
export async function withServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testServerUrl() });
  client.on('error', () => undefined); // a dropped connection fails the pending query instead
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
}

/**
 * Records the creation time in the database's comment, so that a later run can tell a database
 * leaked by a crashed run (old) from one that a concurrent run is using (recent).
 */
export async function markCreated(client: pg.Client, name: string): Promise<void> {
  await client.query(`COMMENT ON DATABASE ${pg.escapeIdentifier(name)} IS ${pg.escapeLiteral(`created ${new Date().toISOString()}`)}`);
}

/** Drops databases named `prefix…` (except `keep`) that were created more than `maxAgeMs` ago. */
export async function dropStaleDatabases(client: pg.Client, prefix: string, keep: string, maxAgeMs: number): Promise<string[]> {
  const { rows } = await client.query<{ datname: string; note: string | null; datistemplate: boolean }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS note, datistemplate
       FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2`,
    [prefix, keep],
  );
  const dropped: string[] = [];
  for (const row of rows) {
    const created = Date.parse(row.note?.replace(/^created /, '') ?? '');
    if (Number.isNaN(created) || Date.now() - created < maxAgeMs) continue;
    if (row.datistemplate) await client.query(`ALTER DATABASE ${pg.escapeIdentifier(row.datname)} IS_TEMPLATE false`);
    await dropDatabase(client, row.datname);
    dropped.push(row.datname);
  }
  return dropped;
}
