/** `pnpm seed:bench` at a small scale, so the benchmark's data set cannot rot unnoticed. */
import { createTestDatabase, type TestDatabase } from '@sentinel/testing';
import { Client } from 'pg';
import { BENCH_SERVICE, resourceId, seedBench, userId, workspaceId } from '../bench/seed-data';

describe('the benchmark seed', () => {
  let db: TestDatabase;
  let client: Client;
  const sizes = { users: 60, groups: 12, resources: 400, maxGroupsPerUser: 10 };

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await client.query<{ n: string }>(sql, params)).rows[0]!.n);

  it('when run on a fresh database, then it builds the data set it reports, with ids the benchmark can compute', async () => {
    const made = await seedBench(db.url, sizes);
    const ws = workspaceId();
    expect(made).toMatchObject({ workspaceId: ws, users: 60, groups: 12, resources: 400, workspaceVisible: 40 });
    expect(await count(`SELECT count(*) AS n FROM workspace_memberships WHERE workspace_id = $1`, [ws])).toBe(60);
    expect(await count(`SELECT count(*) AS n FROM groups WHERE workspace_id = $1`, [ws])).toBe(12);
    expect(await count(`SELECT count(*) AS n FROM group_memberships`)).toBe(made.groupMemberships);
    expect(await count(`SELECT coalesce(max(c), 0) AS n FROM (SELECT count(*) AS c FROM group_memberships GROUP BY user_id) x`)).toBeLessThanOrEqual(10);
    expect(await count(`SELECT count(*) AS n FROM resource_permissions WHERE workspace_id = $1 AND service_name = $2`, [ws, BENCH_SERVICE])).toBe(400);
    expect(await count(`SELECT count(*) AS n FROM resource_permissions WHERE visibility = 'workspace'`)).toBe(40);
    expect(await count(`SELECT count(*) AS n FROM resource_shares`)).toBe(made.shares);
    expect(made.shares).toBe(400 + 200);
    // The ids computed in TypeScript are the ones Postgres made, and valid v4 uuids (the API validates them).
    expect(resourceId(7)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await count(`SELECT count(*) AS n FROM resource_permissions WHERE resource_id = $1 AND owner_id = $2`, [resourceId(7), userId(8)])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM workspace_memberships WHERE user_id = $1 AND role = 'owner'`, [userId(1)])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM activity_logs WHERE action = 'bench_data_seeded'`)).toBe(1);
  });

  it('when run again on the same database, then it refuses with a clear message and changes nothing', async () => {
    await expect(seedBench(db.url, sizes)).rejects.toThrow(/already holds the benchmark data set/);
    expect(await count(`SELECT count(*) AS n FROM resource_permissions`)).toBe(400);
  });
});
