import { createHash } from 'node:crypto';
import { Prisma } from '@sentinel/db';

/** The prev_hash of the first chain row. */
export const GENESIS_HASH = '0'.repeat(64);

/** An activity entry as the chain hashes it: every column, read the same way by sequencer and verifier. */
export interface ChainedEntry {
  id: string;
  action: string;
  actor_id: string | null;
  target_type: string | null;
  target_id: string | null;
  workspace_id: string | null;
  /** The jsonb column as text (NULL stays null, distinct from a JSON null). */
  detail: string | null;
  /** created_at in UTC with all six fractional digits (the column's full precision). */
  created_at: string;
}

/** The select list that reads an activity_logs row (aliased `l`) as a ChainedEntry. */
export const ENTRY_COLUMNS = Prisma.sql`
  l.id::text AS id, l.action, l.actor_id::text AS actor_id, l.target_type, l.target_id::text AS target_id,
  l.workspace_id::text AS workspace_id, l.detail::text AS detail,
  to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at`;

/** JSON with object keys sorted at every level, so equal values always serialize alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The canonical serialization of an entry: a JSON array of its fields in a fixed order (so no
 * field can bleed into the next), detail as canonical JSON.
 */
export function serializeEntry(entry: ChainedEntry): string {
  const detail = entry.detail === null ? null : canonicalJson(JSON.parse(entry.detail));
  return JSON.stringify([
    entry.id,
    entry.action,
    entry.actor_id,
    entry.target_type,
    entry.target_id,
    entry.workspace_id,
    detail,
    entry.created_at,
  ]);
}

/** SHA-256 (hex) over the entry's canonical serialization followed by the previous row's hash. */
export function chainHash(entry: ChainedEntry, prevHash: string): string {
  return createHash('sha256').update(serializeEntry(entry)).update(prevHash).digest('hex');
}
