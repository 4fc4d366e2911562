import { randomUUID } from 'node:crypto';
import express from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import {
  createServiceApp,
  createLogger,
  currentUser,
  INTERNAL_IDENTITY_HEADER,
  mintInternalToken,
  requireRole,
  verifyInternalToken,
  type Identity,
} from '../src';

const secret = 'unit-test-secret-with-enough-entropy-0123456789';
const user = {
  user_id: randomUUID(),
  email: 'ada@example.com',
  name: 'Ada',
  workspace_id: randomUUID(),
  workspace_slug: 'ws',
  workspace_role: 'editor' as const,
  groups: [randomUUID()],
  token_id: randomUUID(),
  token_expires_at: 2_000_000_000,
};

function appWithRoute() {
  const router = express.Router();
  router.get('/whoami', (req, res) => {
    res.json(currentUser(req));
  });
  router.get('/admin-only', (req, res) => {
    requireRole(req, 'admin');
    res.json({ ok: true });
  });
  return createServiceApp(
    { logger: createLogger('test', 'silent'), internalSecret: secret, readiness: { ok: () => Promise.resolve(1) } },
    [router],
  );
}

describe('internal identity tokens', () => {
  it('when minted with the secret, then they verify to the same identity', () => {
    const identity: Identity = { user, service: { app_id: randomUUID(), service_name: 'docs' } };
    expect(verifyInternalToken(secret, mintInternalToken(secret, identity))).toEqual(identity);
  });

  it('when signed with another secret, expired, unsigned or tampered, then they are refused', () => {
    const good = mintInternalToken(secret, { user });
    const [h, , s] = good.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ idn: { user: { ...user, workspace_role: 'owner' } } })).toString('base64url');
    const unsigned = jwt.sign({ idn: {}, aud: 'sentinel:internal', iss: 'sentinel' }, '', { algorithm: 'none' });
    const expired = jwt.sign({ idn: {} }, secret, { algorithm: 'HS256', audience: 'sentinel:internal', issuer: 'sentinel', expiresIn: -60 });
    for (const token of [mintInternalToken('other-secret', { user }), `${h}.${forgedPayload}.${s}`, unsigned, expired, 'garbage']) {
      expect(verifyInternalToken(secret, token)).toBeUndefined();
    }
  });

  it('when the claims do not have the identity shape, then they are refused', () => {
    const token = jwt.sign({ idn: { user: { user_id: 'not-a-uuid' } } }, secret, {
      algorithm: 'HS256',
      audience: 'sentinel:internal',
      issuer: 'sentinel',
      expiresIn: 30,
    });
    expect(verifyInternalToken(secret, token)).toBeUndefined();
  });
});

describe('a service app', () => {
  const app = appWithRoute();

  it('when a business route is called without the internal identity, then it answers 401', async () => {
    const res = await request(app).get('/whoami');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Missing or invalid internal identity' });
  });

  it('when an unknown route is called without identity, then it also answers 401 (nothing is disclosed)', async () => {
    expect((await request(app).get('/nope')).status).toBe(401);
  });

  it('when health and readiness are called without identity, then they answer', async () => {
    expect((await request(app).get('/health')).body).toEqual({ status: 'ok' });
    expect((await request(app).get('/ready')).status).toBe(200);
  });

  it('when the identity is valid, then the route sees it', async () => {
    const res = await request(app).get('/whoami').set(INTERNAL_IDENTITY_HEADER, mintInternalToken(secret, { user }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(user);
  });

  it('when an anonymous identity calls a user route, then it answers 401', async () => {
    const res = await request(app).get('/whoami').set(INTERNAL_IDENTITY_HEADER, mintInternalToken(secret, {}));
    expect(res.status).toBe(401);
  });

  it('when the role is too low, then it answers 403', async () => {
    const res = await request(app).get('/admin-only').set(INTERNAL_IDENTITY_HEADER, mintInternalToken(secret, { user }));
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/admin/);
  });
});
