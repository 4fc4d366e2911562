import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  createEmptyDatabase,
  createTestRedis,
  freePort,
  PROJECT_ROOT,
  startServiceProcess,
  waitForHttp,
  type ChildService,
} from '@sentinel/testing';

describe('two services started at the same moment against an empty database', () => {
  it('when both start, then both come up and every migration is applied exactly once', async () => {
    const database = await createEmptyDatabase();
    const redis = await createTestRedis();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix,
      INTERNAL_SECRET: 'concurrent-start-secret-0123456789',
    };
    const services: ChildService[] = [];
    try {
      const [a, b] = [await freePort(), await freePort()];
      services.push(
        ...(await Promise.all([
          startServiceProcess('token-service', a, env),
          startServiceProcess('permission-service', b, env),
        ])),
      );
      for (const s of services) await waitForHttp(`${s.url}/ready`);

      const expected = readdirSync(join(PROJECT_ROOT, 'packages/db/prisma/migrations'), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ migration_name: string; n: string }>(
          `SELECT migration_name, count(*) AS n FROM _prisma_migrations
           WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL GROUP BY migration_name ORDER BY migration_name`,
        );
        expect(rows).toEqual(expected.map((name) => ({ migration_name: name, n: '1' })));
        const { rows: all } = await client.query<{ n: string }>('SELECT count(*) AS n FROM _prisma_migrations');
        expect(all[0]?.n).toBe(String(expected.length));
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(services.map((s) => s.stop()));
      await redis.cleanup();
      await database.drop();
    }
  }, 90_000);
});
