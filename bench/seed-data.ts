/**
 * The permission benchmark's data set, built with set-based SQL (generate_series) in one
 * transaction: one workspace, its members, groups, resources and shares. Ids are derived from
 * md5 of a name and a number, so the benchmark can name any seeded row without reading it back.
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';

export interface SeedSizes {
  users: number;
  groups: number;
  resources: number;
  /** Each user is in (their number mod (this + 1)) groups, so at most this many. */
  maxGroupsPerUser: number;
}

export const FULL_SIZES: SeedSizes = { users: 10_000, groups: 1_000, resources: 100_000, maxGroupsPerUser: 10 };

export const BENCH_SLUG = 'bench-permissions';
export const BENCH_SERVICE = 'bench';
export const BENCH_TYPE = 'document';

/**
 * md5 of the name as a uuid, with the version (4) and variant bits set so it passes strict uuid
 * validation; `idSql` is the same in SQL.
 */
export function seededId(name: string): string {
  const hex = createHash('md5').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const idSql = (nameExpr: string) => `overlay(overlay(md5(${nameExpr}) placing '4' from 13) placing '8' from 17)::uuid`;

export const workspaceId = () => seededId('bench-workspace');
export const userId = (n: number) => seededId(`bench-user-${n}`);
export const groupId = (n: number) => seededId(`bench-group-${n}`);
/** The service's own id of resource n (1-based), what checks name. */
export const resourceId = (n: number) => seededId(`bench-resource-${n}`);

export interface SeedSummary {
  workspaceId: string;
  users: number;
  groups: number;
  groupMemberships: number;
  resources: number;
  workspaceVisible: number;
  shares: number;
}

/**
 * Roles: user 1 owns the workspace, every 100th user is an admin, every 3rd an editor, the rest
 * viewers. Resource n is owned by user (n mod users) + 1 and is workspace-visible when n mod 10 is
 * 0; it is shared to one user (view, or edit for even n) and, for even n, to one group (view).
 * Refuses (throws) when the benchmark workspace already exists.
 */
export async function seedBench(databaseUrl: string, sizes: SeedSizes = FULL_SIZES): Promise<SeedSummary> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const ws = workspaceId();
  const { users, groups, resources, maxGroupsPerUser } = sizes;
  try {
    await client.query('BEGIN');
    // Two seeds racing: the second waits here, then finds the workspace and refuses.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('sentinel:bench-seed'))`);
    const existing = await client.query(`SELECT 1 FROM workspaces WHERE slug = $1 OR id = $2::uuid`, [BENCH_SLUG, ws]);
    if (existing.rowCount !== 0) {
      throw new Error(`this database already holds the benchmark data set (workspace '${BENCH_SLUG}'); use a fresh database`);
    }
    const run = (sql: string, params: unknown[] = []) => client.query(sql, params).then((r) => r.rowCount ?? 0);
    await run(`INSERT INTO workspaces (id, slug, name) VALUES ($1::uuid, $2, 'Permission benchmark')`, [ws, BENCH_SLUG]);
    await run(
      `INSERT INTO users (id, email, name)
       SELECT ${idSql("'bench-user-' || n")}, 'bench-user-' || n || '@bench.example', 'Bench user ' || n
       FROM generate_series(1, $1::int) n`,
      [users],
    );
    await run(
      `INSERT INTO workspace_memberships (id, workspace_id, user_id, role)
       SELECT gen_random_uuid(), $1::uuid, ${idSql("'bench-user-' || n")},
              CASE WHEN n = 1 THEN 'owner' WHEN n % 100 = 0 THEN 'admin' WHEN n % 3 = 0 THEN 'editor' ELSE 'viewer' END
       FROM generate_series(1, $2::int) n`,
      [ws, users],
    );
    await run(
      `INSERT INTO groups (id, workspace_id, name)
       SELECT ${idSql("'bench-group-' || n")}, $1::uuid, 'Bench group ' || n FROM generate_series(1, $2::int) n`,
      [ws, groups],
    );
    const groupMemberships = await run(
      `INSERT INTO group_memberships (id, group_id, user_id)
       SELECT gen_random_uuid(), ${idSql("'bench-group-' || ((n * 7 + j * 131) % $2::int + 1)")}, ${idSql("'bench-user-' || n")}
       FROM generate_series(1, $1::int) n, generate_series(1, $3::int) j
       WHERE j <= n % ($3::int + 1)
       ON CONFLICT DO NOTHING`,
      [users, groups, maxGroupsPerUser],
    );
    await run(
      `INSERT INTO resource_permissions (id, service_name, resource_type, resource_id, workspace_id, owner_id, visibility)
       SELECT ${idSql("'bench-permission-' || n")}, $2, $3, ${idSql("'bench-resource-' || n")}, $1::uuid,
              ${idSql("'bench-user-' || (n % $5::int + 1)")}, CASE WHEN n % 10 = 0 THEN 'workspace' ELSE 'private' END
       FROM generate_series(1, $4::int) n`,
      [ws, BENCH_SERVICE, BENCH_TYPE, resources, users],
    );
    const userShares = await run(
      `INSERT INTO resource_shares (id, resource_permission_id, grantee_type, grantee_id, permission)
       SELECT gen_random_uuid(), ${idSql("'bench-permission-' || n")}, 'user', ${idSql("'bench-user-' || ((n * 13) % $2::int + 1)")},
              CASE WHEN n % 2 = 0 THEN 'edit' ELSE 'view' END
       FROM generate_series(1, $1::int) n
       ON CONFLICT DO NOTHING`,
      [resources, users],
    );
    const groupShares = await run(
      `INSERT INTO resource_shares (id, resource_permission_id, grantee_type, grantee_id, permission)
       SELECT gen_random_uuid(), ${idSql("'bench-permission-' || n")}, 'group', ${idSql("'bench-group-' || (n % $2::int + 1)")}, 'view'
       FROM generate_series(2, $1::int, 2) n`,
      [resources, groups],
    );
    const summary: SeedSummary = {
      workspaceId: ws,
      users,
      groups,
      groupMemberships,
      resources,
      workspaceVisible: Math.floor(resources / 10),
      shares: userShares + groupShares,
    };
    await run(
      `INSERT INTO activity_logs (id, action, target_type, target_id, workspace_id, detail)
       VALUES (gen_random_uuid(), 'bench_data_seeded', 'workspace', $1::uuid, $1::uuid, $2::jsonb)`,
      [ws, JSON.stringify(summary)],
    );
    await client.query('COMMIT');
    // Fresh statistics and visibility maps now, so neither the planner's guesses nor autovacuum
    // catching up on the new rows disturb whatever runs next (the benchmark).
    await client.query('VACUUM (ANALYZE) workspaces, users, workspace_memberships, groups, group_memberships, resource_permissions, resource_shares');
    return summary;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
