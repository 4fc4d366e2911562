/** requireUser and requireRole in a real Express app, against a local JWKS. */
import express from 'express';
import request from 'supertest';
import { createTokenVerifier, requireRole, requireUser } from '../src';
import { accessClaims, makeKey, signRs256, startJwks, type LocalJwks, type LocalKey } from './local-keys';

describe('Express middleware', () => {
  let key: LocalKey;
  let jwks: LocalJwks;
  let app: express.Express;
  const token = (overrides: Record<string, unknown> = {}) => signRs256(key, accessClaims(jwks.url, overrides));

  beforeAll(async () => {
    key = makeKey();
    jwks = await startJwks([key]);
    const verifier = createTokenVerifier({ baseUrl: jwks.url });
    app = express();
    app.get('/me', requireUser(verifier), (req, res) => {
      // req.user is typed: no cast needed.
      res.json({ user_id: req.user?.user_id, role: req.user?.workspace_role, admin: req.user?.isAdmin });
    });
    app.delete('/things', requireUser(verifier), requireRole('admin'), (_req, res) => {
      res.status(204).end();
    });
    app.get('/team-only', requireUser(verifier, { allowedWorkspaces: ['6f0d1c7e-0000-4000-8000-000000000001'] }), (_req, res) => {
      res.json({ ok: true });
    });
  });
  afterAll(() => jwks.close());

  it('when the token is valid, then the handler sees the typed user', async () => {
    const res = await request(app).get('/me').set('authorization', `Bearer ${token({ sub: '6f0d1c7e-0000-4000-8000-0000000000aa', wrole: 'owner' })}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user_id: '6f0d1c7e-0000-4000-8000-0000000000aa', role: 'owner', admin: true });
  });

  it("when the header is missing or not a bearer token, then 401 with 0.7's message", async () => {
    for (const header of [undefined, 'Basic abc', 'Bearer', `Token ${token()}`]) {
      const req = request(app).get('/me');
      const res = await (header === undefined ? req : req.set('authorization', header));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Missing or invalid Authorization header' });
    }
  });

  it('when the token is expired or forged, then 401 says which', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await request(app).get('/me').set('authorization', `Bearer ${token({ iat: now - 2000, exp: now - 1000 })}`);
    expect([expired.status, expired.body]).toEqual([401, { detail: 'Token has expired' }]);
    const forged = await request(app).get('/me').set('authorization', `Bearer ${signRs256(makeKey(key.kid), accessClaims(jwks.url))}`);
    expect([forged.status, forged.body]).toEqual([401, { detail: 'Invalid token' }]);
  });

  it("when the user's role is below the minimum, then 403 with 0.7's message; at it, the route runs", async () => {
    const editor = await request(app).delete('/things').set('authorization', `Bearer ${token({ wrole: 'editor' })}`);
    expect([editor.status, editor.body]).toEqual([403, { detail: "Requires at least 'admin' role, you have 'editor'" }]);
    const admin = await request(app).delete('/things').set('authorization', `Bearer ${token({ wrole: 'admin' })}`);
    expect(admin.status).toBe(204);
  });

  it('when the workspace is not allowed for this service, then 403', async () => {
    const other = await request(app).get('/team-only').set('authorization', `Bearer ${token()}`);
    expect([other.status, other.body]).toEqual([403, { detail: 'Workspace not permitted for this service' }]);
    const allowed = await request(app).get('/team-only').set('authorization', `Bearer ${token({ wid: '6f0d1c7e-0000-4000-8000-000000000001' })}`);
    expect(allowed.status).toBe(200);
  });
});
