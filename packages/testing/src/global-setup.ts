import { createHash } from 'node:crypto';
import { advisoryLockKey, migrateDatabase, MIGRATIONS_DIR, readMigrations } from '@sentinel/db';
import pg from 'pg';
import {
  dropDatabase,
  dropStaleDatabases,
  markCreated,
  TEMPLATE_ENV,
  TEMPLATE_PREFIX,
  TEST_DATABASE_PREFIX,
  testDatabaseUrl,
  withServer,
} from './database';

const TEMPLATE_LOCK = 'sentinel:test-template';
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * jest globalSetup: makes sure the template database for the current migrations exists
 * (`sentinel_tpl_<hash of the migrations>`, migrated once and shared by runs until the migrations
 * change) and tells test files its name through SENTINEL_TEST_TEMPLATE_DB. Concurrent runs
 * serialize on an advisory lock. Templates of other migrations and test databases that were
 * created more than a day ago (left behind by crashed runs) are dropped.
 */
export default async function globalSetup(): Promise<void> {
  const template = `${TEMPLATE_PREFIX}${await migrationsHash()}`;
  await withServer(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [advisoryLockKey(TEMPLATE_LOCK)]);
    try {
      await ensureTemplate(client, template);
      await dropStaleDatabases(client, TEMPLATE_PREFIX, template, STALE_AFTER_MS);
      await dropStaleDatabases(client, TEST_DATABASE_PREFIX, '', STALE_AFTER_MS);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [advisoryLockKey(TEMPLATE_LOCK)]).catch(() => undefined);
    }
  });
  process.env[TEMPLATE_ENV] = template;
}

async function ensureTemplate(client: pg.Client, template: string): Promise<void> {
  const { rows } = await client.query<{ datistemplate: boolean }>(
    'SELECT datistemplate FROM pg_database WHERE datname = $1',
    [template],
  );
  if (rows[0]?.datistemplate === true) return;
  // Left half-built by an interrupted run: start again.
  if (rows[0] !== undefined) await dropDatabase(client, template);
  await migrateDatabase(testDatabaseUrl(template));
  await markCreated(client, template);
  // No connections: CREATE DATABASE … TEMPLATE fails while anyone is connected to the template.
  await client.query(`ALTER DATABASE ${pg.escapeIdentifier(template)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
}

/** 12 hex digits over every migration's folder name and SQL. */
async function migrationsHash(): Promise<string> {
  const { migrationDirectories } = await readMigrations(MIGRATIONS_DIR);
  const hash = createHash('sha256');
  for (const { path, migrationFile } of migrationDirectories) {
    hash.update(`${path}\0${migrationFile.content.value}\0`);
  }
  return hash.digest('hex').slice(0, 12);
}
