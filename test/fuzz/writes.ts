/**
 * Detects writes cheaply: a row trigger on every table of the suite's own database records the
 * table and operation into `fuzz_writes`; after each case the suite takes (reads and clears) it.
 * Row triggers, not statement triggers, so that an UPDATE that matched nothing is not a write.
 */
import type { RunningSystem } from '@sentinel/testing';

/** What docs/api.md lets a refused request write: its activity-log entry and that entry's chain row. */
export const ALLOWED_ON_REFUSAL = new Set(['activity_logs:INSERT', 'activity_chain:INSERT']);

export async function installWriteLog(system: RunningSystem): Promise<void> {
  await system.sql(`
    CREATE TABLE fuzz_writes (id bigserial PRIMARY KEY, table_name text NOT NULL, op text NOT NULL);
    CREATE FUNCTION fuzz_record_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO fuzz_writes (table_name, op) VALUES (TG_TABLE_NAME, TG_OP);
      RETURN NULL;
    END $$;
    DO $$
    DECLARE t text;
    BEGIN
      FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'fuzz_writes' LOOP
        EXECUTE format('CREATE TRIGGER fuzz_write AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION fuzz_record_write()', t);
        EXECUTE format('CREATE TRIGGER fuzz_truncate AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION fuzz_record_write()', t);
      END LOOP;
    END $$;
  `);
}

/** The writes since the last call, as `table:OP` (one entry per row), and clears the log. */
export async function takeWrites(system: RunningSystem): Promise<string[]> {
  const rows = await system.sql<{ w: string }>("DELETE FROM fuzz_writes RETURNING table_name || ':' || op AS w");
  return rows.map((r) => r.w);
}
