import { setTimeout as sleep } from 'node:timers/promises';
import { useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { createServiceApps, createServiceResources } from '../src/service-apps';
import { buildServiceAppsApp, gatewayHeaders } from './service-apps-setup';

describe('last_used_at of a service app', () => {
  const t = useServiceApp(loadConfig, buildServiceAppsApp);
  let n = 0;

  const createKey = async () => {
    const { app, apiKey } = await t.app.serviceApps.create({ name: 'Used', serviceName: `used-${++n}` }, null);
    return { id: app.id, key: apiKey };
  };
  /** The row's version (xmin changes with every UPDATE of the row) and its last use. */
  const rowState = async (id: string) => {
    const rows = await t.ctx.deps.prisma.$queryRaw<Array<{ xmin: string; last_used_at: Date | null }>>`
      SELECT xmin::text AS xmin, last_used_at FROM service_apps WHERE id = ${id}::uuid`;
    const row = rows[0];
    if (!row) throw new Error(`no service app ${id}`);
    return row;
  };
  const updatesOfTable = async () => {
    const rows = await t.ctx.deps.prisma.$queryRaw<Array<{ n: bigint }>>`
      SELECT n_tup_upd AS n FROM pg_stat_user_tables WHERE relname = 'service_apps'`;
    return Number(rows[0]?.n ?? 0);
  };
  /** The use is recorded off the request path: wait until the row shows it. */
  const waitForUse = async (id: string, after: Date | null) => {
    for (let i = 0; i < 200; i++) {
      const state = await rowState(id);
      if (state.last_used_at && (!after || state.last_used_at > after)) return state;
      await sleep(10);
    }
    throw new Error('last_used_at was not updated');
  };

  it('when a key is verified 50 times, then last_used_at is set by a single UPDATE', async () => {
    const updatesBefore = await updatesOfTable();
    const { id, key } = await createKey();
    const verify = () => request(t.app).post('/internal/service-keys/verify').set(gatewayHeaders()).send({ key });
    expect((await verify()).status).toBe(200);
    const first = await waitForUse(id, null);

    for (let batch = 0; batch < 7; batch++) {
      const answers = await Promise.all(Array.from({ length: 7 }, verify));
      expect(answers.every((r) => r.status === 200)).toBe(true);
    }
    await sleep(200); // let any recording still in flight land
    expect(await rowState(id)).toEqual(first); // same row version: no further UPDATE
    // The statistics collector agrees (it may lag, never lead): at most the one UPDATE.
    expect((await updatesOfTable()) - updatesBefore).toBeLessThanOrEqual(1);
  });

  it('when several replicas verify, then one of them writes per interval, and again after it', async () => {
    const replicas = [0, 1, 2].map(() => createServiceApps({ ...t.ctx.deps, resources: createServiceResources(t.ctx.deps.config), lastUsedIntervalSeconds: 1 }));
    const { id, key } = await createKey();
    const verifyOn = async (i: number) => expect(await replicas[i % replicas.length]?.verify(key)).toBeDefined();

    await Promise.all([0, 1, 2, 3, 4, 5].map(verifyOn));
    const first = await waitForUse(id, null);
    await Promise.all([0, 1, 2, 3, 4, 5].map(verifyOn));
    await sleep(100);
    expect(await rowState(id)).toEqual(first);

    await sleep(1100); // the interval (1 s here, 60 s by default) has passed
    await verifyOn(1);
    const second = await waitForUse(id, first.last_used_at);
    expect(second.xmin).not.toBe(first.xmin);
  });

  it('when the key is refused, then no use is recorded', async () => {
    const { id, key } = await createKey();
    await t.app.serviceApps.update(id, { isActive: false }, null);
    expect(await t.app.serviceApps.verify(key)).toBeUndefined();
    await sleep(100);
    expect((await rowState(id)).last_used_at).toBeNull();
  });
});
