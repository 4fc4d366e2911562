import { createLogger, mintInternalToken, INTERNAL_IDENTITY_HEADER, serve, type RunningServer } from '@sentinel/http';
import { identityHeader, TEST_INTERNAL_SECRET, testAdmin, testUser, useServiceApp } from '@sentinel/testing';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createKeyStore, type KeyStore } from '../src/keys';
import { seedMember } from './seed';

const BASE_URL = 'https://id.example.com';
/** A rotated key is listed second for this long, then signs. */
const AHEAD_MS = 2000;
const t = useServiceApp(loadConfig, createApp, {
  BASE_URL,
  ACCESS_TOKEN_EXPIRE_MINUTES: '0.5',
  ADMIN_TOKEN_EXPIRE_MINUTES: '0.5',
  JWT_CLOCK_SKEW_SECONDS: '0',
  SIGNING_KEY_PUBLISH_AHEAD_SECONDS: String(AHEAD_MS / 1000),
});
const kidsOf = (body: { keys: Array<{ kid: string }> }) => body.keys.map((k) => k.kid);
const anonymous = () => identityHeader({});

describe('GET /.well-known/jwks.json', () => {
  it('when called without the gateway identity, then 401 like every service route', async () => {
    const res = await request(t.app).get('/.well-known/jwks.json');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Missing or invalid internal identity' });
  });

  it('when an anonymous caller asks, then it lists the active RSA key with a short public cache', async () => {
    const res = await request(t.app).get('/.well-known/jwks.json').set(anonymous());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body.keys).toHaveLength(1);
    const [key] = res.body.keys;
    expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(key).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', e: 'AQAB', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(Buffer.from(key.n, 'base64url')).toHaveLength(256);
    // Only public members: no private exponent or primes.
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(member);
  });
});

describe('GET /.well-known/openid-configuration', () => {
  it('when asked, then it lists the issuer, the JWKS, the revocation and introspection endpoints and nothing about id_tokens', async () => {
    const res = await request(t.app).get('/.well-known/openid-configuration').set(anonymous());
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body).toEqual({
      issuer: BASE_URL,
      jwks_uri: `${BASE_URL}/.well-known/jwks.json`,
      revocation_endpoint: `${BASE_URL}/auth/revoke`,
      revocation_endpoint_auth_methods_supported: ['none'],
      introspection_endpoint: `${BASE_URL}/auth/introspect`,
      code_challenge_methods_supported: ['S256'],
      access_token_signing_alg_values_supported: ['RS256'],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/id_token|userinfo|openid/);
  });
});

describe('POST /admin/keys/rotate', () => {
  it('when the caller is not an admin, then 401 (anonymous) or 403 (a user) with a detail and no rotation', async () => {
    const before = await request(t.app).get('/.well-known/jwks.json').set(anonymous());
    const cases = [
      [{}, 401, 'Not authenticated'],
      [{ user: testUser() }, 403, 'Not an admin'],
    ] as const;
    for (const [identity, status, detail] of cases) {
      const res = await request(t.app).post('/admin/keys/rotate').set(identityHeader(identity));
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ detail });
    }
    const after = await request(t.app).get('/.well-known/jwks.json').set(anonymous());
    expect(after.body).toEqual(before.body);
  });

  it('when an admin rotates, then {kid, active_at} of the next key is returned, listed second until active_at, then first', async () => {
    const before = (await request(t.app).get('/.well-known/jwks.json').set(anonymous())).body.keys[0].kid;
    const admin = testAdmin();
    const res = await request(t.app).post('/admin/keys/rotate').set(identityHeader({ admin }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['kid', 'active_at']);
    expect(res.body.kid).not.toBe(before);
    // ISO 8601, one publish-ahead period from now.
    expect(res.body.active_at).toBe(new Date(res.body.active_at).toISOString());
    expect(Date.parse(res.body.active_at) - Date.now()).toBeGreaterThan(0);
    expect(Date.parse(res.body.active_at) - Date.now()).toBeLessThanOrEqual(AHEAD_MS);
    const jwks = await request(t.app).get('/.well-known/jwks.json').set(anonymous());
    expect(kidsOf(jwks.body)).toEqual([before, res.body.kid]);
    const entry = await t.ctx.deps.prisma.activityLog.findFirst({ where: { action: 'signing_key_rotated' } });
    expect(entry).toMatchObject({ actorId: admin.user_id, targetType: 'signing_key', detail: { kid: res.body.kid, previous_kid: before } });
    await new Promise((resolve) => setTimeout(resolve, Date.parse(res.body.active_at) - Date.now() + 50));
    const later = await request(t.app).get('/.well-known/jwks.json').set(anonymous());
    expect(kidsOf(later.body)).toEqual([res.body.kid, before]);
  });

  it('when ?immediate=true, then the new key is the only one published, and the answer names the refused kids and says their tokens are refused', async () => {
    const before = kidsOf((await request(t.app).get('/.well-known/jwks.json').set(anonymous())).body);
    const res = await request(t.app).post('/admin/keys/rotate?immediate=true').set(identityHeader({ admin: testAdmin() }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['kid', 'active_at', 'refused_kids', 'message']);
    expect(Date.parse(res.body.active_at)).toBeLessThanOrEqual(Date.now());
    expect([...res.body.refused_kids].sort()).toEqual([...before].sort());
    expect(res.body.message).toMatch(/now refused/);
    for (const kid of before) expect(res.body.message).toContain(kid);
    expect(kidsOf((await request(t.app).get('/.well-known/jwks.json').set(anonymous())).body)).toEqual([res.body.kid]);
  });

  it.each([['yes'], ['1'], ['']])('when ?immediate=%s, then 422 and nothing rotates', async (value) => {
    const before = (await request(t.app).get('/.well-known/jwks.json').set(anonymous())).body;
    const res = await request(t.app).post(`/admin/keys/rotate?immediate=${value}`).set(identityHeader({ admin: testAdmin() }));
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/immediate/);
    expect((await request(t.app).get('/.well-known/jwks.json').set(anonymous())).body).toEqual(before);
  });
});

describe('tokens verified by standard libraries through the served JWKS', () => {
  let server: RunningServer;
  let keys: KeyStore;
  let jwksUrl: URL;
  // The service answers only requests that carry the gateway's identity; the gateway adds it.
  const viaGateway = () => ({ [INTERNAL_IDENTITY_HEADER]: mintInternalToken(TEST_INTERNAL_SECRET, {}, { ttlSeconds: 300 }) });

  beforeAll(async () => {
    server = await serve(t.app, { port: 0, host: '127.0.0.1', logger: createLogger('test', 'silent'), shutdownTimeoutMs: 1000 });
    jwksUrl = new URL(`http://127.0.0.1:${server.port}/.well-known/jwks.json`);
    keys = createKeyStore(t.ctx.deps);
  });
  afterAll(() => server.close());

  const signWithStore = async () => {
    const key = await keys.signingKey();
    const token = jwt.sign({ sub: 'user-1', aud: 'sentinel:access', iss: BASE_URL, type: 'access' }, key.privateKey, {
      algorithm: 'RS256',
      keyid: key.kid,
      expiresIn: 60,
    });
    return { token, kid: key.kid };
  };

  const verifyWithJose = async (token: string) => {
    const jwks = createRemoteJWKSet(jwksUrl, { headers: viaGateway() });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { algorithms: ['RS256'], issuer: BASE_URL, audience: 'sentinel:access' });
    return { payload, protectedHeader };
  };

  const verifyWithJwksRsa = async (token: string) => {
    const client = new JwksClient({ jwksUri: jwksUrl.toString(), requestHeaders: viaGateway(), cache: false });
    const kid = jwt.decode(token, { complete: true })?.header.kid;
    const signingKey = await client.getSigningKey(kid);
    return jwt.verify(token, signingKey.getPublicKey(), { algorithms: ['RS256'], issuer: BASE_URL, audience: 'sentinel:access' });
  };

  it('when a token is signed with signingKey(), then jose and jwks-rsa + jsonwebtoken verify it, and its header carries the kid', async () => {
    const { token, kid } = await signWithStore();
    const { payload, protectedHeader } = await verifyWithJose(token);
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid });
    expect(payload.sub).toBe('user-1');
    expect(await verifyWithJwksRsa(token)).toMatchObject({ sub: 'user-1' });
  });

  it('when an access token is issued by the internal route, then jose verifies it with the issuer and audience', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const res = await request(t.app)
      .post('/internal/tokens/issue')
      .set(identityHeader({ caller: 'auth-service' }))
      .send({ user_id: seed.userId, workspace_id: seed.workspaceId });
    expect(res.status).toBe(200);
    const { payload, protectedHeader } = await verifyWithJose(res.body.access_token);
    expect(protectedHeader.kid).toBe((await keys.signingKey()).kid);
    expect(payload).toMatchObject({ sub: seed.userId, wid: seed.workspaceId, type: 'access' });
    expect(await verifyWithJwksRsa(res.body.access_token)).toMatchObject({ sub: seed.userId });
  });

  it('when the key is rotated, then a token of the old key still verifies and new tokens carry the new kid', async () => {
    const old = await signWithStore();
    const rotated = await request(t.app).post('/admin/keys/rotate').set(identityHeader({ admin: testAdmin() }));
    expect(rotated.status).toBe(200);
    // This store is another instance: it switches at active_at.
    await new Promise((resolve) => setTimeout(resolve, Date.parse(rotated.body.active_at) - Date.now() + 50));
    const fresh = await signWithStore();
    expect(fresh.kid).toBe(rotated.body.kid);
    expect((await verifyWithJose(old.token)).protectedHeader.kid).toBe(old.kid);
    expect((await verifyWithJose(fresh.token)).protectedHeader.kid).toBe(rotated.body.kid);
    expect(await verifyWithJwksRsa(old.token)).toMatchObject({ sub: 'user-1' });
  });

  it('when a token names a kid that is not ours, then jose refuses it', async () => {
    const { token } = await signWithStore();
    const forged = jwt.sign({ sub: 'x', aud: 'sentinel:access', iss: BASE_URL }, (await keys.signingKey()).privateKey, {
      algorithm: 'RS256',
      keyid: '../../etc/passwd',
    });
    await expect(verifyWithJose(forged)).rejects.toThrow();
    await expect(verifyWithJose(`${token.slice(0, -4)}AAAA`)).rejects.toThrow();
  });
});
