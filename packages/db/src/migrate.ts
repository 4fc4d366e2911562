import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import pg from 'pg';
import { withSchemaEngine } from './engine';

/** `prisma/migrations` of this package, found from this file (not the working directory). */
export const MIGRATIONS_DIR = path.join(__dirname, '..', 'prisma', 'migrations');

export interface MigrateOptions {
  log?: (message: string) => void;
  /** Another migrations folder in Prisma's layout (tests); defaults to MIGRATIONS_DIR. */
  migrationsDir?: string;
}

/** One session advisory lock key for all migrators; advisory locks are scoped to a database. */
const MIGRATE_LOCK_KEY = advisoryLockKey('sentinel:migrate');

/**
 * Brings the database up to date with the migrations folder, recording them in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does. Creates the database if it does
 * not exist. Processes that start together serialize on an advisory lock: one applies the
 * migrations, the others then find nothing pending. Returns the migrations this call applied.
 */
export async function migrateDatabase(databaseUrl: string, opts: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => undefined);
  const migrationsList = await readMigrations(opts.migrationsDir ?? MIGRATIONS_DIR);
  const lock = await connectCreatingDatabase(databaseUrl, log);
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK_KEY]);
    try {
      const { appliedMigrationNames } = await withSchemaEngine({ connectionString: databaseUrl }, (engine) =>
        engine.applyMigrations({ migrationsList, filters: { externalTables: [], externalEnums: [] } }),
      );
      for (const name of appliedMigrationNames) log(`applied migration ${name}`);
      if (appliedMigrationNames.length === 0) log('no pending migrations');
      return { applied: appliedMigrationNames };
    } finally {
      // Ending the session below releases the lock too; never mask the migration's own error.
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await lock.end();
  }
}

/**
 * The migrations folder as the engine wants it, read the way Prisma's CLI reads it: every
 * sub-folder (sorted by name) with its `migration.sql`, plus `migration_lock.toml`.
 * A missing folder means no migrations.
 */
export async function readMigrations(migrationsDir: string): Promise<MigrationList> {
  const lockfileContent = await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(() => null);
  const entries: Dirent[] = await readdir(migrationsDir, { withFileTypes: true }).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  });
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    directories.map(async (name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: unknown) => ({ tag: 'error' as const, value: error instanceof Error ? error.message : String(error) }),
        ),
      },
    })),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: lockfileContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** The URL of the same server's `postgres` maintenance database. */
export function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** The database name of a connection URL. */
export function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (name === '') throw new Error('The database URL names no database');
  return name;
}

/** A signed 64-bit advisory lock key (as a string, for pg) derived from a name. */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}

async function connectCreatingDatabase(databaseUrl: string, log: (message: string) => void): Promise<pg.Client> {
  try {
    return await connect(databaseUrl);
  } catch (error) {
    if (errorCode(error) !== '3D000') throw error; // invalid_catalog_name: the database does not exist
  }
  const name = databaseName(databaseUrl);
  const admin = await connect(maintenanceUrl(databaseUrl));
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    log(`created database ${name}`);
  } catch (error) {
    // Another process created it at the same moment: 42P04 duplicate_database, or 23505 when
    // both inserts reached pg_database's unique index.
    const code = errorCode(error);
    if (code !== '42P04' && code !== '23505') throw error;
  } finally {
    await admin.end();
  }
  return connect(databaseUrl);
}

async function connect(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined); // a dropped connection fails the pending query instead
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/** The `code` of a Node system error or the SQLSTATE of a pg error (no `instanceof`: errors may come from another realm). */
function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
