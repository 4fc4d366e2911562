import { randomUUID } from 'node:crypto';
import { sha256Hex } from '@sentinel/crypto';
import { createDenylist } from '@sentinel/denylist';
import { identityHeader, testService, testUser, useServiceApp } from '@sentinel/testing';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { seedMember, type Seeded } from './seed';

const t = useServiceApp(loadConfig, createApp);
const asAuthService = () => identityHeader({ caller: 'auth-service' });

async function issue(seed: Seeded, workspaceId = seed.workspaceId) {
  const res = await request(t.app)
    .post('/internal/tokens/issue')
    .set(asAuthService())
    .send({ user_id: seed.userId, workspace_id: workspaceId });
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string; token_type: string; expires_in: number };
}

const anonymous = () => identityHeader({});
const refresh = (token: unknown) => request(t.app).post('/auth/refresh').set(anonymous()).send({ refresh_token: token });
const claimsOf = (token: string) => jwt.decode(token, { complete: true }) as { header: { kid?: string; alg: string }; payload: JwtPayload };

/** The identity the gateway would forward for this access token. */
function userFromToken(token: string) {
  const { payload } = claimsOf(token);
  return testUser({
    user_id: String(payload.sub),
    email: String(payload.email),
    name: String(payload.name),
    workspace_id: String(payload.wid),
    workspace_slug: String(payload.wslug),
    workspace_role: payload.wrole as 'editor',
    groups: payload.groups as string[],
    token_id: String(payload.jti),
    token_expires_at: Number(payload.exp),
  });
}

describe('issuing (internal, for auth-service)', () => {
  it('when a member is issued a pair, then the access token has exactly the claims and header of docs/api.md', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const pair = await issue(seed);
    expect(pair.token_type).toBe('bearer');
    expect(pair.expires_in).toBe(900);
    const { header, payload } = claimsOf(pair.access_token);
    expect(header.alg).toBe('RS256');
    expect(header.kid).toEqual(expect.any(String));
    expect(Object.keys(payload).sort()).toEqual(
      ['aud', 'email', 'exp', 'groups', 'iat', 'iss', 'jti', 'name', 'sub', 'type', 'wid', 'wrole', 'wslug'].sort(),
    );
    expect(payload).toMatchObject({
      iss: 'http://localhost:9003',
      aud: 'sentinel:access',
      type: 'access',
      sub: seed.userId,
      wid: seed.workspaceId,
      wrole: 'editor',
      groups: [seed.groupId],
    });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(900);
    expect(pair.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('when the user is not a member, inactive, or the caller is not auth-service, then it is refused', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const body = { user_id: seed.userId, workspace_id: randomUUID() };
    expect((await request(t.app).post('/internal/tokens/issue').set(asAuthService()).send(body)).status).toBe(403);
    const asUser = identityHeader({ user: testUser() });
    const valid = { user_id: seed.userId, workspace_id: seed.workspaceId };
    expect((await request(t.app).post('/internal/tokens/issue').set(asUser).send(valid)).status).toBe(403);
    expect((await request(t.app).post('/internal/tokens/issue').set(asAuthService()).send({ user_id: 'x' })).status).toBe(422);
    await t.ctx.deps.prisma.user.update({ where: { id: seed.userId }, data: { isActive: false } });
    expect((await request(t.app).post('/internal/tokens/issue').set(asAuthService()).send(valid)).status).toBe(403);
  });

  it('when an admin token is issued, then it has its own audience and type and is never an access token', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const res = await request(t.app).post('/internal/tokens/admin').set(asAuthService()).send({ user_id: seed.userId });
    expect(res.status).toBe(200);
    const { payload } = claimsOf(res.body.token);
    expect(payload).toMatchObject({ aud: 'sentinel:admin', type: 'admin_access', admin: true, sub: seed.userId });
    // Introspection (access tokens only) does not take it.
    const introspected = await request(t.app).post('/auth/introspect').set(identityHeader({ service: testService() })).send({ token: res.body.token });
    expect(introspected.body).toEqual({ active: false });
  });
});

describe('GET /internal/tokens/lifetimes (for the gateway)', () => {
  it('when the gateway asks, then it gets the lifetime of each token type we sign; anyone else is refused', async () => {
    const res = await request(t.app).get('/internal/tokens/lifetimes').set(identityHeader({ caller: 'gateway' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ max_lifetime_seconds: { access: 900, admin_access: 3600 } });
    expect((await request(t.app).get('/internal/tokens/lifetimes').set(asAuthService())).status).toBe(403);
    expect((await request(t.app).get('/internal/tokens/lifetimes').set(identityHeader({ user: testUser() }))).status).toBe(403);
  });
});

describe('POST /auth/refresh', () => {
  it('when a chain R1 → R2 → R3 is refreshed and R1 replayed, then 401 and R3 fails as well', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const r1 = (await issue(seed)).refresh_token;
    const r2 = (await refresh(r1)).body.refresh_token as string;
    const res3 = await refresh(r2);
    expect(res3.status).toBe(200);
    const r3 = res3.body.refresh_token as string;

    const replay = await refresh(r1);
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual({ detail: 'Invalid refresh token' });
    expect((await refresh(r3)).status).toBe(401);
    const reuse = await t.ctx.deps.prisma.activityLog.findFirst({ where: { action: 'refresh_token_reuse', actorId: seed.userId } });
    expect(reuse).not.toBeNull();
    // The access token issued with R3 is dead too.
    const denylist = createDenylist(t.ctx.deps);
    expect(await denylist.isRevoked(claimsOf(res3.body.access_token).payload.jti!)).toBe(true);
  });

  it('when 50 refreshes race with one token, then exactly one succeeds', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const token = (await issue(seed)).refresh_token;
    const results = await Promise.all(Array.from({ length: 50 }, () => refresh(token)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(49);
    // The winner's successor belongs to a family the losers revoked.
    const winner = results.find((r) => r.status === 200)!;
    expect((await refresh(winner.body.refresh_token)).status).toBe(401);
  }, 90_000); // 49 family revocations serialise on one row: generous on a loaded machine

  it('when the role or groups changed, then the refreshed access token carries the current ones', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const { refresh_token } = await issue(seed);
    await t.ctx.deps.prisma.workspaceMembership.update({
      where: { workspaceId_userId: { workspaceId: seed.workspaceId, userId: seed.userId } },
      data: { role: 'admin' },
    });
    await t.ctx.deps.prisma.groupMembership.deleteMany({ where: { userId: seed.userId } });
    const res = await refresh(refresh_token);
    expect(res.status).toBe(200);
    expect(claimsOf(res.body.access_token).payload).toMatchObject({ wrole: 'admin', groups: [] });
  });

  it('when the user left the workspace or was deactivated, then 401 and the family is revoked', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const { refresh_token } = await issue(seed);
    await t.ctx.deps.prisma.workspaceMembership.delete({
      where: { workspaceId_userId: { workspaceId: seed.workspaceId, userId: seed.userId } },
    });
    expect((await refresh(refresh_token)).status).toBe(401);
    const family = await t.ctx.deps.prisma.refreshTokenFamily.findFirstOrThrow({ where: { userId: seed.userId, workspaceId: seed.workspaceId } });
    expect(family.revokedAt).not.toBeNull();
  });

  it('when the token is forged, an access token, malformed or missing, then the same 401', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const { access_token } = await issue(seed);
    for (const body of [{ refresh_token: 'x'.repeat(43) }, { refresh_token: access_token }, { refresh_token: 42 }, {}, { refresh_token: '' }]) {
      const res = await request(t.app).post('/auth/refresh').set(anonymous()).send(body);
      expect({ body, status: res.status, detail: res.body.detail }).toEqual({ body, status: 401, detail: 'Invalid refresh token' });
    }
    const malformed = await request(t.app).post('/auth/refresh').set(anonymous()).set('content-type', 'application/json').send('{"refresh_token":');
    expect(malformed.status).toBe(401);
    expect(malformed.body).toEqual({ detail: 'Invalid refresh token' });
  });

  it('when the database is read, then it holds no plaintext refresh token, only its SHA-256', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const { refresh_token } = await issue(seed);
    const next = (await refresh(refresh_token)).body.refresh_token as string;
    const rows = await t.ctx.deps.prisma.$queryRaw<Array<Record<string, unknown>>>`SELECT * FROM refresh_tokens`;
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(refresh_token);
    expect(dump).not.toContain(next);
    expect(dump).toContain(sha256Hex(next));
  });
});

describe('an expired refresh token', () => {
  const short = useServiceApp(loadConfig, createApp, { REFRESH_TOKEN_EXPIRE_DAYS: String(1 / 86_400) });

  it('when presented after its lifetime, then 401', async () => {
    const seed = await seedMember(short.ctx.deps.prisma);
    const res = await request(short.app).post('/internal/tokens/issue').set(asAuthService()).send({ user_id: seed.userId, workspace_id: seed.workspaceId });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await request(short.app).post('/auth/refresh').set(anonymous()).send({ refresh_token: res.body.refresh_token })).status).toBe(401);
  });
});

describe('POST /auth/switch-workspace', () => {
  it('when the user belongs to the other workspace, then a pair for it; otherwise 403', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const { access_token } = await issue(seed);
    const user = userFromToken(access_token);
    const res = await request(t.app).post('/auth/switch-workspace').set(identityHeader({ user })).send({ workspace_id: seed.otherWorkspaceId });
    expect(res.status).toBe(200);
    expect(claimsOf(res.body.access_token).payload).toMatchObject({ wid: seed.otherWorkspaceId, wrole: 'viewer', groups: [] });
    const refused = await request(t.app).post('/auth/switch-workspace').set(identityHeader({ user })).send({ workspace_id: randomUUID() });
    expect(refused.status).toBe(403);
    expect((await request(t.app).post('/auth/switch-workspace').set(identityHeader({ user })).send({ workspace_id: 'nope' })).status).toBe(422);
    expect((await request(t.app).post('/auth/switch-workspace').set(identityHeader({})).send({ workspace_id: seed.otherWorkspaceId })).status).toBe(401);
  });
});

describe('logout, revocation and introspection', () => {
  const asService = () => identityHeader({ service: testService() });
  const introspect = (token: string) => request(t.app).post('/auth/introspect').set(asService()).send({ token });

  it('when the user logs out, then every session ends and the presented access token is revoked', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const first = await issue(seed);
    const second = await issue(seed, seed.otherWorkspaceId);
    const res = await request(t.app).post('/auth/logout').set(identityHeader({ user: userFromToken(first.access_token) }));
    expect(res.body).toEqual({ ok: true });
    expect((await refresh(first.refresh_token)).status).toBe(401);
    expect((await refresh(second.refresh_token)).status).toBe(401);
    expect((await introspect(first.access_token)).body).toEqual({ active: false });
    expect((await introspect(second.access_token)).body).toEqual({ active: false });
    expect(await t.ctx.deps.prisma.activityLog.count({ where: { action: 'user_logout', actorId: seed.userId } })).toBe(1);
  });

  it('when a live access token is introspected, then active with its claims; a refresh token is active until used', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const pair = await issue(seed);
    const res = await introspect(pair.access_token);
    expect(res.body).toMatchObject({ active: true, token_type: 'access_token', sub: seed.userId, wid: seed.workspaceId, wrole: 'editor' });
    expect((await introspect(pair.refresh_token)).body).toMatchObject({ active: true, token_type: 'refresh_token', sub: seed.userId });
    await refresh(pair.refresh_token);
    expect((await introspect(pair.refresh_token)).body).toEqual({ active: false });
    expect((await introspect('garbage.token.here')).body).toEqual({ active: false });
    expect((await request(t.app).post('/auth/introspect').set(identityHeader({})).send({ token: 'x' })).status).toBe(401);
    expect((await request(t.app).post('/auth/introspect').set(asService()).send({})).status).toBe(422);
    const form = await request(t.app).post('/auth/introspect').set(asService()).type('form').send({ token: pair.access_token });
    expect(form.body).toMatchObject({ active: true });
  });

  it('when tokens are revoked (RFC 7009), then a refresh token ends its session and an access token is denylisted', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const pair = await issue(seed);
    const anon = identityHeader({});
    expect((await request(t.app).post('/auth/revoke').set(anon).type('form').send({ token: pair.refresh_token })).status).toBe(200);
    expect((await refresh(pair.refresh_token)).status).toBe(401);
    expect((await introspect(pair.access_token)).body).toEqual({ active: false });

    const other = await issue(seed);
    expect((await request(t.app).post('/auth/revoke').set(anon).send({ token: other.access_token })).status).toBe(200);
    expect((await introspect(other.access_token)).body).toEqual({ active: false });
    expect((await refresh(other.refresh_token)).status).toBe(200);
    for (const body of [{ token: 'unknown' }, {}, { token: 'a.b.c' }]) {
      expect((await request(t.app).post('/auth/revoke').set(anon).send(body)).status).toBe(200);
    }
  });

  it('when the sessions of several users are revoked (internal), then every family and live access token of theirs dies, in one call', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const other = await seedMember(t.ctx.deps.prisma);
    const bystander = await seedMember(t.ctx.deps.prisma);
    const a = await issue(seed);
    const b = await issue(seed, seed.otherWorkspaceId);
    const c = await issue(other);
    const kept = await issue(bystander);
    const res = await request(t.app)
      .post('/internal/users/revoke-sessions')
      .set(identityHeader({ caller: 'workspace-service' }))
      .send({ user_ids: [seed.userId, other.userId, seed.userId], reason: 'role_changed', actor_id: null });
    expect(res.body).toEqual({ families: 3, access_tokens: 3 });
    for (const pair of [a, b, c]) {
      expect((await refresh(pair.refresh_token)).status).toBe(401);
      expect((await introspect(pair.access_token)).body).toEqual({ active: false });
    }
    expect((await introspect(kept.access_token)).body).toMatchObject({ active: true });
    const logged = await t.ctx.deps.prisma.activityLog.findMany({ where: { action: 'tokens_revoked', targetId: { in: [seed.userId, other.userId] } } });
    expect(logged.map((e) => [e.targetId, (e.detail as { families: number }).families]).sort()).toEqual(
      [[seed.userId, 2], [other.userId, 1]].sort(),
    );
    const notCaller = await request(t.app).post('/internal/users/revoke-sessions').set(identityHeader({ user: testUser() })).send({ user_ids: [seed.userId], reason: 'x' });
    expect(notCaller.status).toBe(403);
    for (const body of [{ user_ids: [], reason: 'x' }, { user_ids: ['nope'], reason: 'x' }, { reason: 'x' }]) {
      const bad = await request(t.app).post('/internal/users/revoke-sessions').set(identityHeader({ caller: 'workspace-service' })).send(body);
      expect(bad.status).toBe(422);
    }
  });
});

describe('internal revocation endpoints', () => {
  const introspect = (token: string) =>
    request(t.app).post('/auth/introspect').set(identityHeader({ service: testService() })).send({ token });

  it("when a client app's sessions are revoked, then only that app's sessions end", async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const app = await t.ctx.deps.prisma.clientApp.create({ data: { name: 'Web', redirectUris: ['http://localhost:3000/cb'] } });
    const viaApp = await request(t.app)
      .post('/internal/tokens/issue')
      .set(asAuthService())
      .send({ user_id: seed.userId, workspace_id: seed.workspaceId, client_app_id: app.id });
    const other = await issue(seed);
    const res = await request(t.app)
      .post(`/internal/client-apps/${app.id}/revoke-sessions`)
      .set(asAuthService())
      .send({ reason: 'client_app_deactivated', actor_id: seed.userId });
    expect(res.body).toEqual({ families: 1, access_tokens: 1 });
    expect((await refresh(viaApp.body.refresh_token)).status).toBe(401);
    expect((await introspect(viaApp.body.access_token)).body).toEqual({ active: false });
    expect((await refresh(other.refresh_token)).status).toBe(200);
    const entry = await t.ctx.deps.prisma.activityLog.findFirst({ where: { action: 'client_app_sessions_revoked', targetId: app.id } });
    expect(entry?.actorId).toBe(seed.userId);
    expect((await request(t.app).post('/internal/client-apps/nope/revoke-sessions').set(asAuthService()).send({ reason: 'x' })).status).toBe(422);
  });

  it('when a token is denylisted (admin logout), then it is revoked until its expiry; an expired one is ignored', async () => {
    const seed = await seedMember(t.ctx.deps.prisma);
    const pair = await issue(seed);
    const { payload } = claimsOf(pair.access_token);
    const deny = (body: object) => request(t.app).post('/internal/denylist').set(asAuthService()).send(body);
    expect((await deny({ jti: payload.jti, expires_at: payload.exp, user_id: seed.userId, reason: 'admin_logout' })).status).toBe(204);
    expect((await introspect(pair.access_token)).body).toEqual({ active: false });
    const expired = randomUUID();
    expect((await deny({ jti: expired, expires_at: Math.floor(Date.now() / 1000) - 10, reason: 'x' })).status).toBe(204);
    expect(await t.ctx.deps.prisma.revokedAccessToken.count({ where: { jti: expired } })).toBe(0);
    expect((await deny({ jti: 'not-a-uuid', expires_at: 1, reason: 'x' })).status).toBe(422);
    const asUser = await request(t.app).post('/internal/denylist').set(identityHeader({ user: testUser() })).send({});
    expect(asUser.status).toBe(403);
  });
});
