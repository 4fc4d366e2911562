import { setTimeout as sleep } from 'node:timers/promises';
import { serviceKeyInvalidationChannel, serviceKeyInvalidationSchema, type ServiceKeyInvalidation } from '@sentinel/contracts';
import { sha256Hex } from '@sentinel/crypto';
import type { Redis } from '@sentinel/redis';
import { identityHeader, testAdmin } from '@sentinel/testing';
import request from 'supertest';
import { createServiceKeyCache } from '../src/service-apps/cache';
import { gatewayHeaders, seedAdmin, useServiceAppsWithPermissionService } from './service-apps-setup';

const INVALID = { detail: 'Invalid or missing service API key' };

describe('POST /internal/service-keys/verify', () => {
  const t = useServiceAppsWithPermissionService();
  let asAdmin: () => Record<string, string>;
  let n = 0;

  beforeAll(async () => {
    asAdmin = (await seedAdmin(t.ctx.deps.prisma)).headers;
  });

  const verify = (key: unknown) => request(t.app).post('/internal/service-keys/verify').set(gatewayHeaders()).send({ key });
  const createApp = async () => {
    const res = await request(t.app)
      .post('/admin/service-apps')
      .set(asAdmin())
      .send({ name: 'App', service_name: `svc-${++n}` });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, key: res.body.api_key as string, serviceName: res.body.service_name as string };
  };
  const patch = (id: string, body: object) => request(t.app).patch(`/admin/service-apps/${id}`).set(asAdmin()).send(body);
  const rotate = (id: string, body: object = {}) =>
    request(t.app).post(`/admin/service-apps/${id}/rotate-key`).set(asAdmin()).send(body);
  const cacheEntryExists = async (key: string) => (await t.ctx.deps.redis.exists(`svc:key:${sha256Hex(key)}`)) === 1;

  it('when the key is valid, then the app and its service_name, and the verification is cached under the hash', async () => {
    const app = await createApp();
    const res = await verify(app.key);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ app_id: app.id, service_name: app.serviceName });
    expect(await cacheEntryExists(app.key)).toBe(true);
    // Served from the cache the second time, with the same answer.
    expect((await verify(app.key)).body).toEqual(res.body);
  });

  it('when Redis holds the cache, then no key of ours appears in it in clear', async () => {
    const app = await createApp();
    await verify(app.key).expect(200);
    const raw = t.ctx.deps.redis.duplicate({ keyPrefix: '' });
    try {
      const keys = await raw.keys(`${t.ctx.deps.config.REDIS_KEY_PREFIX}*`);
      const values = await Promise.all(keys.map((k) => raw.type(k).then((type) => (type === 'string' ? raw.get(k) : ''))));
      expect(keys.join('\n') + values.join('\n')).not.toContain(app.key.slice(15));
    } finally {
      raw.disconnect();
    }
  });

  it('when the key is wrong, unknown, malformed or missing, then the same 401', async () => {
    const app = await createApp();
    const prefix = app.key.slice(0, 15);
    const wrongSecret = prefix + (app.key[15] === 'A' ? 'B' : 'A') + app.key.slice(16);
    const unknownPrefix = `sk_${'Z'.repeat(12)}${app.key.slice(15)}`;
    for (const key of [wrongSecret, unknownPrefix, prefix, `${app.key}x`, 'sk_', '', 'Bearer abc', app.key.toUpperCase()]) {
      const res = await verify(key);
      expect({ key, status: res.status, body: res.body }).toEqual({ key, status: 401, body: INVALID });
    }
    expect((await verify(app.key)).status).toBe(200);
  });

  it('when the body has no key string, then 422', async () => {
    for (const body of [{}, { key: 42 }, { key: 'x'.repeat(2000) }]) {
      const res = await request(t.app).post('/internal/service-keys/verify').set(gatewayHeaders()).send(body);
      expect(res.status).toBe(422);
    }
  });

  it('when the caller is not the gateway, then 403; without any identity, 401', async () => {
    const app = await createApp();
    for (const identity of [{}, { admin: testAdmin() }, { caller: 'auth-service' as const }]) {
      const res = await request(t.app).post('/internal/service-keys/verify').set(identityHeader(identity)).send({ key: app.key });
      expect(res.status).toBe(403);
    }
    expect((await request(t.app).post('/internal/service-keys/verify').send({ key: app.key })).status).toBe(401);
  });

  describe('invalidation', () => {
    let subscriber: Redis;
    const messages: ServiceKeyInvalidation[] = [];

    beforeAll(async () => {
      subscriber = t.ctx.deps.redis.duplicate();
      subscriber.on('message', (_channel: string, message: string) => {
        messages.push(serviceKeyInvalidationSchema.parse(JSON.parse(message)));
      });
      await subscriber.subscribe(serviceKeyInvalidationChannel(t.ctx.deps.config.REDIS_KEY_PREFIX));
    });
    afterAll(() => subscriber.disconnect());

    /** Resolves with the first message about `appId` (published after the change committed). */
    const messageFor = async (appId: string) => {
      for (let i = 0; i < 100; i++) {
        const found = messages.find((m) => m.app_id === appId);
        if (found) return found;
        await sleep(10);
      }
      throw new Error(`no invalidation message for ${appId}`);
    };

    it('when an app is deactivated, then its cached key is refused at once and the gateways are told', async () => {
      const app = await createApp();
      await verify(app.key).expect(200);
      expect(await cacheEntryExists(app.key)).toBe(true);

      await patch(app.id, { is_active: false }).expect(200);
      expect(await cacheEntryExists(app.key)).toBe(false);
      expect(await verify(app.key)).toMatchObject({ status: 401, body: INVALID });
      expect(await messageFor(app.id)).toEqual({ app_id: app.id, key_prefixes: [app.key.slice(0, 15)], reason: 'updated' });

      await patch(app.id, { is_active: true }).expect(200);
      expect((await verify(app.key)).status).toBe(200);
    });

    it('when a key is rotated without overlap, then the old key is refused at once and the new one works', async () => {
      const app = await createApp();
      await verify(app.key).expect(200);
      const rotated = await rotate(app.id);
      expect(rotated.status).toBe(200);
      expect(await verify(app.key)).toMatchObject({ status: 401, body: INVALID });
      expect((await verify(rotated.body.api_key)).body).toEqual({ app_id: app.id, service_name: app.serviceName });
      expect(await messageFor(app.id)).toEqual({ app_id: app.id, key_prefixes: [app.key.slice(0, 15)], reason: 'rotated' });
      const row = await t.ctx.deps.prisma.serviceApp.findUniqueOrThrow({ where: { id: app.id } });
      expect(row).toMatchObject({ previousKeyPrefix: null, previousKeyHash: null, previousKeyExpiresAt: null });
    });

    it('when a key is rotated with an overlap, then both keys work until it ends, then only the new one', async () => {
      const app = await createApp();
      await verify(app.key).expect(200); // cached before the rotation
      const rotated = await rotate(app.id, { overlap_seconds: 2 });
      const next: string = rotated.body.api_key;
      expect((await verify(app.key)).status).toBe(200);
      expect((await verify(next)).status).toBe(200);

      const row = await t.ctx.deps.prisma.serviceApp.findUniqueOrThrow({ where: { id: app.id } });
      expect(row.previousKeyPrefix).toBe(app.key.slice(0, 15));
      const expiresAt = row.previousKeyExpiresAt?.getTime() ?? 0;
      await sleep(Math.max(0, expiresAt - Date.now()) + 50);
      expect(await verify(app.key)).toMatchObject({ status: 401, body: INVALID });
      expect((await verify(next)).status).toBe(200);
    });

    it('when a key is rotated again during an overlap, then the oldest key is refused at once', async () => {
      const app = await createApp();
      const second: string = (await rotate(app.id, { overlap_seconds: 600 })).body.api_key;
      const third: string = (await rotate(app.id, { overlap_seconds: 600 })).body.api_key;
      expect((await verify(app.key)).status).toBe(401);
      expect((await verify(second)).status).toBe(200);
      expect((await verify(third)).status).toBe(200);
    });

    it('when an app is deleted, then its keys are refused at once and the gateways are told', async () => {
      const app = await createApp();
      await verify(app.key).expect(200);
      await request(t.app).delete(`/admin/service-apps/${app.id}`).set(asAdmin()).expect(204);
      expect(await verify(app.key)).toMatchObject({ status: 401, body: INVALID });
      expect((await messageFor(app.id)).reason).toBe('deleted');
    });
  });

  it('when a verification read Postgres before a concurrent invalidation, then it does not re-cache the old state', async () => {
    const { redis, config, logger } = t.ctx.deps;
    const cache = createServiceKeyCache({ redis, ttlSeconds: 60, redisKeyPrefix: config.REDIS_KEY_PREFIX, logger });
    const hash = sha256Hex(`race-${Date.now()}`);
    const before = await cache.lookup(hash);
    expect(before?.entry).toBeUndefined();
    await cache.invalidate({ appId: '00000000-0000-4000-8000-000000000000', prefixes: [], hashes: [hash] }, 'updated');
    await cache.store(hash, { appId: '00000000-0000-4000-8000-000000000000', serviceName: 'x' }, before?.generation ?? '');
    expect((await cache.lookup(hash))?.entry).toBeUndefined();
    // Without an invalidation in between, the same store does cache.
    const fresh = await cache.lookup(hash);
    await cache.store(hash, { appId: '00000000-0000-4000-8000-000000000000', serviceName: 'x' }, fresh?.generation ?? '');
    expect((await cache.lookup(hash))?.entry).toEqual({ appId: '00000000-0000-4000-8000-000000000000', serviceName: 'x' });
  });
});
