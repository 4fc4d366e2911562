import { randomBytes, randomUUID } from 'node:crypto';
import { createRedisClient } from '@sentinel/redis';
import { createTestContext, identityHeader, startPrivateRedis, testAdmin, testUser, useServiceApp, type PrivateRedis } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { seedAdmin } from './admin-support';

const HEALTH_SHAPE = {
  status: 'healthy',
  checks: {
    database: { status: 'ok', latency_ms: expect.any(Number), error: null },
    redis: { status: 'ok', latency_ms: expect.any(Number), error: null },
  },
  uptime_seconds: expect.any(Number),
  version: expect.stringMatching(/^\d+\.\d+\.\d+/),
};

describe('GET /admin/system/health', () => {
  const t = useServiceApp(loadConfig, createApp);

  it('when Postgres and Redis answer, then it is healthy with both latencies', async () => {
    const res = await request(t.app).get('/admin/system/health').set(identityHeader({ admin: testAdmin() }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(HEALTH_SHAPE);
  });

  it('when the caller is not an admin, then 403', async () => {
    expect((await request(t.app).get('/admin/system/health').set(identityHeader({ user: testUser() }))).status).toBe(403);
  });

  describe('with a Redis of its own that stops', () => {
    let redis: PrivateRedis;
    beforeAll(async () => {
      redis = await startPrivateRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('when Redis is down, then it is degraded and says so without a driver message; back up, healthy again', async () => {
      const client = createRedisClient(redis.url, { keyPrefix: 'health:' });
      try {
        const app = createApp({ ...t.ctx.deps, redis: client });
        const health = () => request(app).get('/admin/system/health').set(identityHeader({ admin: testAdmin() }));
        expect((await health()).body.status).toBe('healthy');
        await redis.stop();
        const down = await health();
        expect(down.status).toBe(200);
        expect(down.body).toEqual({
          ...HEALTH_SHAPE,
          status: 'degraded',
          checks: { database: HEALTH_SHAPE.checks.database, redis: { status: 'error', latency_ms: null, error: expect.stringMatching(/^(unavailable|timed out)$/) } },
        });
        await redis.start();
        let status = '';
        for (let i = 0; i < 100 && status !== 'healthy'; i++) {
          await new Promise((r) => setTimeout(r, 100));
          status = (await health()).body.status;
        }
        expect(status).toBe('healthy');
      } finally {
        client.disconnect();
      }
    }, 30_000);
  });
});

describe('GET /admin/system/settings', () => {
  // Every secret any process reads, each with a value whose first 8 characters are its own.
  const secrets = {
    INTERNAL_SECRET: `s3cr3t01${randomBytes(20).toString('hex')}`,
    SESSION_SECRET_KEY: `s3cr3t02${randomBytes(20).toString('hex')}`,
    ENCRYPTION_KEY: `5ec0de03${randomBytes(28).toString('hex')}`,
    ENCRYPTION_KEY_PREVIOUS: `5ec0de04${randomBytes(28).toString('hex')}`,
    GOOGLE_CLIENT_SECRET: `s3cr3t05${randomBytes(20).toString('hex')}`,
    GITHUB_CLIENT_SECRET: `s3cr3t06${randomBytes(20).toString('hex')}`,
    ENTRA_CLIENT_SECRET: `s3cr3t07${randomBytes(20).toString('hex')}`,
    OIDC_CORP_CLIENT_SECRET: `s3cr3t08${randomBytes(20).toString('hex')}`,
  };
  const dbPassword = `s3cr3t09${randomBytes(12).toString('hex')}`;
  const privateKey = `s3cr3t10${randomBytes(40).toString('hex')}`;
  const keyHash = `5ec0de11${randomBytes(28).toString('hex')}`;
  const env = {
    ...secrets,
    GOOGLE_CLIENT_ID: 'google-client-id',
    GITHUB_CLIENT_ID: 'github-client-id',
    ENTRA_CLIENT_ID: 'entra-client-id',
    ENTRA_TENANT_ID: 'contoso.example',
    OIDC_PROVIDERS: 'Corp',
    OIDC_CORP_ISSUER: 'https://id.corp.example',
    OIDC_CORP_CLIENT_ID: 'corp-client-id',
    DEV_LOGIN: 'true',
    ADMIN_EMAILS: 'Boss@Example.com,ops@example.com',
    CORS_ORIGINS: 'https://app.example.com',
    ALLOWED_HOSTS: 'api.example.com',
    COOKIE_SECURE: 'true',
    BASE_URL: 'https://api.example.com',
    ADMIN_URL: 'https://admin.example.com',
    RATE_LIMIT_RPM: '77',
    RATE_LIMIT_AUTH_RPM: '0',
    RATE_LIMIT_WINDOW_SECONDS: '30',
    ACCESS_TOKEN_EXPIRE_MINUTES: '5',
    REFRESH_TOKEN_EXPIRE_DAYS: '14',
  };

  it('when every secret is set, then the settings show the configuration and none of them, and the view is logged', async () => {
    const ctx = await createTestContext(loadConfig, env);
    try {
      const withPassword = new URL(ctx.databaseUrl);
      withPassword.password = dbPassword; // trust auth: accepted, and must not leak either
      const config = loadConfig({ ...ctx.env, DATABASE_URL: withPassword.toString() });
      const app = createApp({ ...ctx.deps, config });
      const { prisma } = ctx.deps;
      const admin = await seedAdmin(prisma);
      const publicKeyPem = `-----BEGIN PUBLIC KEY-----\n${randomBytes(200).toString('base64')}\n-----END PUBLIC KEY-----\n`;
      await prisma.signingKey.create({ data: { kid: 'k1', publicKeyPem, privateKeyEncrypted: privateKey } });
      await prisma.serviceApp.create({ data: { name: 'Docs', serviceName: 'docs', keyPrefix: 'sk_AbCdEfGhIjKl', keyHash } });
      await prisma.revokedAccessToken.create({ data: { jti: randomUUID(), expiresAt: new Date(Date.now() + 60_000) } });
      await prisma.revokedAccessToken.create({ data: { jti: randomUUID(), expiresAt: new Date(Date.now() - 60_000) } });

      const res = await request(app)
        .get('/admin/system/settings')
        .set(identityHeader({ admin: testAdmin({ user_id: admin.id }) }, secrets.INTERNAL_SECRET));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        oauth_providers: ['google', 'github', 'entra_id', 'corp', 'dev'],
        jwt: {
          algorithm: 'RS256',
          access_token_expire_minutes: 5,
          refresh_token_expire_days: 14,
          admin_token_expire_minutes: 60,
          public_key_preview: publicKeyPem.slice(0, 80),
          denylist_count: 1,
        },
        security: {
          cookie_secure: true,
          allowed_hosts: ['api.example.com'],
          cors_origins: ['https://app.example.com'],
          session_secret_configured: true,
          admin_emails: ['boss@example.com', 'ops@example.com'],
        },
        rate_limits: {
          window_seconds: 30,
          per_client: 77,
          per_admin_session: 600,
          per_service_key: 6000,
          auth: 0,
          admin_login: 5,
          admin_bulk: 5,
          admin_revoke_tokens: 10,
          admin_rotate_key: 3,
        },
        service_keys: [{ name: 'docs', preview: 'sk_AbCdEfGhIjKl****' }],
        service: { base_url: 'https://api.example.com', frontend_url: null, admin_url: 'https://admin.example.com' },
      });

      const serialized = JSON.stringify(res.body) + JSON.stringify(res.headers);
      for (const value of [...Object.values(secrets), dbPassword, privateKey, keyHash]) {
        expect(serialized).not.toContain(value);
        expect(serialized).not.toContain(value.slice(0, 8));
      }
      // The config object itself keeps no secret it only reports on.
      expect(JSON.stringify(config)).not.toMatch(/s3cr3t0[2-8]|5ec0de0[34]/);
      expect(await prisma.activityLog.count({ where: { action: 'view_system_settings', actorId: admin.id } })).toBe(1);
      const asUser = identityHeader({ user: testUser({ workspace_role: 'owner' }) }, secrets.INTERNAL_SECRET);
      expect((await request(app).get('/admin/system/settings').set(asUser)).status).toBe(403);
    } finally {
      await ctx.close();
    }
  });

  it('when nothing optional is configured, then no provider is listed and no secret is called configured', async () => {
    const ctx = await createTestContext(loadConfig, { SESSION_SECRET_KEY: '' });
    try {
      const res = await request(createApp(ctx.deps)).get('/admin/system/settings').set(identityHeader({ admin: testAdmin() }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        oauth_providers: [],
        jwt: { public_key_preview: null, denylist_count: 0 },
        security: { session_secret_configured: false, cookie_secure: false },
        service_keys: [],
      });
    } finally {
      await ctx.close();
    }
  });
});
