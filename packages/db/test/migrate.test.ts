import { createEmptyDatabase, type TestDatabase } from '@sentinel/testing';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrateDatabase, MIGRATIONS_DIR, readMigrations } from '../src/migrate';

interface MigrationRow {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function migrationRows(url: string): Promise<MigrationRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<MigrationRow>(
      'SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name',
    );
    return rows;
  } finally {
    await client.end();
  }
}

async function migrationNames(): Promise<string[]> {
  const { migrationDirectories } = await readMigrations(MIGRATIONS_DIR);
  return migrationDirectories.map((dir) => dir.path);
}

describe('migrateDatabase', () => {
  const created: TestDatabase[] = [];
  const emptyDatabase = async (): Promise<TestDatabase> => {
    const database = await createEmptyDatabase();
    created.push(database);
    return database;
  };

  afterAll(async () => {
    for (const database of created) await database.drop();
  });

  it('when the database is empty, then it applies every migration, and a second run applies none', async () => {
    const expected = await migrationNames();
    expect(expected.length).toBeGreaterThan(0);
    const { url } = await emptyDatabase();

    expect(await migrateDatabase(url)).toEqual({ applied: expected });
    expect(await migrateDatabase(url)).toEqual({ applied: [] });

    const rows = await migrationRows(url);
    expect(rows.map((row) => row.migration_name)).toEqual(expected);
  });

  it('when two processes migrate the same database at once, then each migration is applied exactly once', async () => {
    const expected = await migrationNames();
    const { url } = await emptyDatabase();

    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url)]);

    // One call applied everything, the other waited for the lock and found nothing pending.
    expect(results.map((r) => r.applied).sort((a, b) => a.length - b.length)).toEqual([[], expected]);
    const rows = await migrationRows(url);
    expect(rows.map((row) => row.migration_name)).toEqual(expected);
    for (const row of rows) {
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it('when the database does not exist yet, then it creates it (also when two calls race to create it)', async () => {
    const expected = await migrationNames();
    const database = await emptyDatabase();
    await database.drop(); // keep its fresh name and its drop(), lose the database

    const results = await Promise.all([migrateDatabase(database.url), migrateDatabase(database.url)]);

    expect(results.flatMap((r) => r.applied)).toEqual(expected);
    expect((await migrationRows(database.url)).map((row) => row.migration_name)).toEqual(expected);
  });

  it('when the migrations folder does not exist, then it applies nothing and still records the history table', async () => {
    const { url } = await emptyDatabase();

    expect(await migrateDatabase(url, { migrationsDir: `${MIGRATIONS_DIR}-missing` })).toEqual({ applied: [] });
    expect(await migrationRows(url)).toEqual([]);
  });

  it('when a migration fails halfway, then none of its statements stay applied', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sentinel-migrations-'));
    try {
      await mkdir(path.join(dir, '20990101000000_broken'));
      await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
      await writeFile(
        path.join(dir, '20990101000000_broken', 'migration.sql'),
        'CREATE TABLE "half" ("id" int);\nCREATE TABLE "broken" (;\n',
      );
      const { url } = await emptyDatabase();

      await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(/syntax error/);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string | null }>(`SELECT to_regclass('public.half')::text AS name`);
        expect(rows).toEqual([{ name: null }]);
      } finally {
        await client.end();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
