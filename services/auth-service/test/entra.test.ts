import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { aadFor, createKeyRing } from '@sentinel/crypto';
import { identityHeader } from '@sentinel/testing';
import { pkcePair } from './support/browser';
import { APP_REDIRECT, browserLogin, exchange, startSystem, workspaces, type System } from './support/system';

const ENCRYPTION_KEY = '3f7a1c9e5b2d4f6a8c0e1b3d5f7a9c1e2b4d6f8a0c1e3b5d7f9a1c3e5b7d9f1a';
const ADMIN_URL = 'http://admin.example.test';

describe('Entra ID login (passport-azure-ad against an https fake reached only through ENTRA_AUTHORITY)', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem({ entra: 'entra', google: 'google' }, {
      ADMIN_EMAILS: 'chief@contoso.example',
      ADMIN_URL,
      // The auth-service process logs warnings (provider failures are read from its output).
      LOG_LEVEL: 'warn',
    });
  }, 60_000);
  afterAll(async () => {
    await system.close();
  });

  const entra = () => system.fakes.entra!;
  const prisma = () => system.ctx.deps.prisma;
  // KEYS takes a pattern that ioredis does not prefix: give it the system's prefix. Earlier tests
  // may leave codes of their own, so each test compares with the count it started with.
  const codesInRedis = async () => (await system.ctx.deps.redis.keys(`${system.ctx.env.REDIS_KEY_PREFIX}ac:*`)).length;
  let codesBefore = 0;
  beforeEach(async () => {
    codesBefore = await codesInRedis();
  });
  const person = (oid: string, email: string, extra: Record<string, unknown> = {}) => ({
    sub: `pairwise-${oid}`,
    oid,
    email,
    xms_edov: true,
    name: email.split('@')[0],
    ...extra,
  });

  /** Login → Entra → callback → /auth/workspaces → /auth/token; the access token verifies. */
  async function fullFlow() {
    const { verifier, challenge } = pkcePair();
    const { code, hops } = await browserLogin(system, system.browser(), 'entra_id', challenge);
    expect(hops.map((h) => h.status)).toEqual([302, 302, 302]);
    expect(code).toBeDefined();
    const listed = await workspaces(system, code ?? '');
    expect(listed.status).toBe(200);
    const [workspace] = listed.body as Array<{ id: string; role: string }>;
    const tokens = await exchange(system, { code, workspace_id: workspace?.id, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    const claims = await system.verify(String(tokens.body.access_token));
    expect(claims).toMatchObject({ wid: workspace?.id, aud: 'sentinel:access', type: 'access' });
    return { claims, workspace };
  }

  it('when Entra ID is configured, then /auth/providers lists entra_id', async () => {
    const res = await fetch(`${system.auth.url}/auth/providers`, { headers: identityHeader({}) });
    expect(((await res.json()) as { providers: string[] }).providers).toContain('entra_id');
  });

  it('when a person signs in with Entra ID, then the account is their (tid, oid), with PKCE, state and nonce, and tokens verify', async () => {
    const oid = randomUUID();
    entra().user = person(oid, 'ada@contoso.example');
    const { claims, workspace } = await fullFlow();
    expect(claims).toMatchObject({ email: 'ada@contoso.example', wrole: 'owner' });
    expect(workspace?.role).toBe('owner');

    const account = await prisma().socialAccount.findFirstOrThrow({ where: { provider: 'entra_id' } });
    expect(account.providerUserId).toBe(`${entra().tenantId}:${oid}`);
    expect(account.userId).toBe(claims.sub);
    // Provider tokens are stored encrypted, bound to their row.
    const ring = createKeyRing({ current: ENCRYPTION_KEY });
    expect(ring.decrypt(account.refreshTokenEncrypted ?? '', aadFor('social_accounts', 'refresh_token_encrypted', account.id)).toString()).toMatch(/^refresh-/);

    // Our PKCE (S256) went to the authorization request and its verifier to the token request.
    const authorization = entra().authorizations.at(-1)!;
    expect(authorization).toMatchObject({ code_challenge_method: 'S256', response_type: 'code', response_mode: 'query' });
    expect(authorization.code_challenge).toMatch(/^[\w-]{43}$/);
    expect(entra().tokenRequests.at(-1)?.code_verifier).toMatch(/^[\w-]{43}$/);
    // Our own state (256 bits behind passport-azure-ad's "CUSTOM" prefix) and nonce.
    expect(authorization.state).toMatch(/^CUSTOM[\w-]{43}$/);
    expect(authorization.nonce).toMatch(/^[\w-]{43}$/);
    expect(authorization.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'profile', 'offline_access']));

    // Everything went through ENTRA_AUTHORITY/<tenant>: metadata, keys, authorize, token.
    const t = entra().tenantId;
    expect(entra().requests).toEqual(
      expect.arrayContaining([
        `GET /${t}/v2.0/.well-known/openid-configuration`,
        `GET /${t}/discovery/v2.0/keys`,
        `GET /${t}/oauth2/v2.0/authorize`,
        `POST /${t}/oauth2/v2.0/token`,
      ]),
    );
  });

  it('when the same (tid, oid) signs in again with another email, then it is the same user (matched by oid, never by email)', async () => {
    const oid = randomUUID();
    entra().user = person(oid, 'first@contoso.example');
    const first = await fullFlow();
    entra().user = person(oid, 'renamed@contoso.example');
    const second = await fullFlow();
    expect(second.claims.sub).toBe(first.claims.sub);
    expect(await prisma().socialAccount.count({ where: { providerUserId: `${entra().tenantId}:${oid}` } })).toBe(1);
  });

  it.each([
    ['an Entra user with another oid', 'entra'],
    ['a user of another provider', 'google'],
  ])(
    'when an Entra login’s email matches %s, then 409, it does not sign in as that user, and no code, session or link is made',
    async (_who, existingVia) => {
      const email = `victim-${existingVia}@contoso.example`;
      if (existingVia === 'entra') entra().user = person(randomUUID(), email);
      else system.fakes.google!.user = { sub: `g-${randomUUID()}`, email, email_verified: true, name: 'Victim' };
      const { verifier, challenge } = pkcePair();
      const existing = await browserLogin(system, system.browser(), existingVia === 'entra' ? 'entra_id' : 'google', challenge);
      expect(existing.code).toBeDefined();
      const [workspace] = (await workspaces(system, existing.code ?? '')).body as Array<{ id: string }>;
      expect((await exchange(system, { code: existing.code, workspace_id: workspace?.id, code_verifier: verifier })).status).toBe(200);
      const victim = await prisma().user.findUniqueOrThrow({ where: { email }, include: { socialAccounts: true } });
      const sessionsBefore = await prisma().refreshTokenFamily.count();

      // Someone else in the tenant (another oid) now carries the victim's email, even "verified".
      const attackerOid = randomUUID();
      entra().user = person(attackerOid, email.toUpperCase());
      const attack = await browserLogin(system, system.browser(), 'entra_id', pkcePair().challenge);
      expect(attack.code).toBeUndefined();
      expect(attack.last?.status).toBe(409);
      expect(attack.last?.body).toContain('<h1>Account Conflict</h1>');
      expect(attack.last?.body).toContain(existingVia === 'entra' ? 'signs in with Microsoft Entra ID' : 'signs in with Google');
      expect(await codesInRedis()).toBe(codesBefore);
      expect(await prisma().refreshTokenFamily.count()).toBe(sessionsBefore);
      expect(await prisma().socialAccount.count({ where: { providerUserId: `${entra().tenantId}:${attackerOid}` } })).toBe(0);
      const after = await prisma().user.findUniqueOrThrow({ where: { id: victim.id }, include: { socialAccounts: true } });
      expect(after.socialAccounts.map((a) => a.id).sort()).toEqual(victim.socialAccounts.map((a) => a.id).sort());
      expect(await prisma().activityLog.count({ where: { action: 'account_linked', actorId: victim.id } })).toBe(0);
      const failure = await prisma().activityLog.findFirst({ where: { action: 'login_failed' }, orderBy: { createdAt: 'desc' } });
      expect(failure?.detail).toMatchObject({ provider: 'entra_id', reason: 'account_conflict', linking: 'never' });
      expect(failure?.targetId).toBe(victim.id);
    },
  );

  it.each([
    ['without xms_edov', { xms_edov: undefined }],
    ['with xms_edov false', { xms_edov: false }],
  ])('when Entra sends an email %s, then 403 and no account', async (_why, extra) => {
    const email = `unverified-${randomUUID()}@contoso.example`;
    entra().user = person(randomUUID(), email, extra);
    const { last } = await browserLogin(system, system.browser(), 'entra_id', pkcePair().challenge);
    expect(last?.status).toBe(403);
    expect(await prisma().user.count({ where: { email } })).toBe(0);
    const failure = await prisma().activityLog.findFirst({ where: { action: 'login_failed' }, orderBy: { createdAt: 'desc' } });
    expect(failure?.detail).toMatchObject({ provider: 'entra_id', reason: 'email_not_verified' });
  });

  /** Goes to Entra and stops at the callback URL (not fetched). */
  async function toCallback() {
    const browser = system.browser();
    const start = new URL(`${system.auth.url}/auth/login/entra_id`);
    start.search = new URLSearchParams({ redirect_uri: APP_REDIRECT, code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }).toString();
    const hops = await browser.follow(start.href, (url) => url.includes('/auth/callback/entra_id'));
    return { browser, callback: hops.at(-1)?.location ?? '' };
  }

  it('when the state is forged, missing its prefix or replayed, then 400 and no code', async () => {
    entra().user = person(randomUUID(), `state-${randomUUID()}@contoso.example`);
    const forgeries = [() => `CUSTOM${'A'.repeat(43)}`, (state: string) => state.slice('CUSTOM'.length)];
    for (const forge of forgeries) {
      const { browser, callback } = await toCallback();
      const url = new URL(callback);
      url.searchParams.set('state', forge(url.searchParams.get('state') ?? ''));
      expect((await browser.request(url.href, { accept: 'application/json' })).status).toBe(400);
    }
    const { browser, callback } = await toCallback();
    const cookie = browser.cookie(system.auth.url, 'sentinel_login') ?? '';
    expect((await browser.request(callback)).status).toBe(302);
    browser.setCookie(system.auth.url, 'sentinel_login', cookie, '/auth');
    expect((await browser.request(callback)).status).toBe(400);
  });

  it('when the ID token carries another nonce, then 400, and a warning names the provider but no code or token', async () => {
    entra().user = person(randomUUID(), `nonce-${randomUUID()}@contoso.example`, { nonce: 'not-the-nonce-we-sent' });
    const { browser, callback } = await toCallback();
    const code = new URL(callback).searchParams.get('code') ?? '';
    const hop = await browser.request(callback, { accept: 'application/json' });
    expect(hop.status).toBe(400);
    expect(JSON.parse(hop.body)).toEqual({ detail: 'The identity provider did not complete the sign-in' });
    // The warning is written asynchronously by the child process.
    for (let i = 0; i < 50 && !system.auth.output().includes('identity provider sign-in failed'); i++) await sleep(50);
    const output = system.auth.output();
    expect(output).toMatch(/"provider":"entra_id"[^\n]*identity provider sign-in failed/);
    expect(output).toMatch(/invalid nonce/);
    expect(code.length).toBeGreaterThan(10);
    expect(output).not.toContain(code);
    for (const answer of entra().tokenRequests) expect(output).not.toContain(answer.client_secret ?? '');
  });

  it('when someone in ADMIN_EMAILS signs in to the panel with Entra ID, then the admin cookie is set', async () => {
    entra().user = person(randomUUID(), 'chief@contoso.example');
    const browser = system.browser();
    const hops = await browser.follow(`${system.auth.url}/auth/admin/login/entra_id`, (url) => url.startsWith(ADMIN_URL));
    expect(hops.at(-1)?.location).toBe(`${ADMIN_URL}/`);
    expect(browser.cookie(system.auth.url, 'admin_token')).toBeDefined();
    expect(entra().authorizations.at(-1)?.redirect_uri).toBe(`${system.auth.url}/auth/admin/callback/entra_id`);
  });
});
