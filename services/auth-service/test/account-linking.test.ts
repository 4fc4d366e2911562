import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { aadFor, createKeyRing } from '@sentinel/crypto';
import { signIn } from '../src/accounts/sign-in';
import type { PendingLink } from '../src/login/pending-links';
import type { ProviderProfile } from '../src/providers';
import { pkcePair, type Browser, type Hop } from './support/browser';
import { APP_REDIRECT, browserLogin, exchange, startSystem, workspaces, type System } from './support/system';

const ADMIN_URL = 'http://admin.example.test';

/**
 * Linking a sign-in to an existing user by verified email, per provider: google and github trust
 * (defaults), `trusty` is an OIDC issuer set to trusted, `corp` an OIDC issuer with the default
 * (reauthenticate), `partner` an OIDC issuer set to never.
 */
describe('account linking across providers', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem(
      { google: 'google', github: 'github', corp: 'oidc', partner: 'oidc', trusty: 'oidc' },
      { OIDC_PARTNER_ACCOUNT_LINKING: 'never', OIDC_TRUSTY_ACCOUNT_LINKING: 'trusted', ADMIN_EMAILS: 'boss@example.com', ADMIN_URL },
    );
  }, 60_000);
  afterAll(async () => {
    await system.close();
  });

  const prisma = () => system.ctx.deps.prisma;
  // ioredis does not prefix KEYS patterns.
  const keysInRedis = async (pattern: string) => (await system.ctx.deps.redis.keys(`${system.ctx.env.REDIS_KEY_PREFIX}${pattern}`)).length;
  const pendingInRedis = () => keysInRedis('link-pending:*');
  const accountsOf = async (email: string) =>
    (await prisma().socialAccount.findMany({ where: { user: { email } }, orderBy: { createdAt: 'asc' } })).map((a) => `${a.provider}:${a.providerUserId}`);
  /** The links an HTML error page offers. */
  const linksOf = (hop: Hop | undefined) =>
    [...(hop?.body ?? '').matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ href: (m[1] ?? '').replaceAll('&amp;', '&'), label: m[2] }));

  /** A person who first signed up through Google, with a token pair. */
  async function googleUser(email: string) {
    const sub = `g-${randomUUID()}`;
    system.fakes.google!.user = { sub, email, email_verified: true, name: 'Victim' };
    const { code } = await browserLogin(system, system.browser(), 'google', pkcePair().challenge);
    expect(code).toBeDefined();
    return { sub, user: await prisma().user.findUniqueOrThrow({ where: { email } }) };
  }

  /** Signs in to the admin panel through `provider`, as `browser`; returns the last answer. */
  async function adminLogin(browser: Browser, provider: string) {
    const hops = await browser.follow(`${system.auth.url}/auth/admin/login/${provider}`, (url) => url.startsWith(ADMIN_URL));
    return hops.at(-1);
  }

  /** Where a client app sends the browser to start a login through `provider`. */
  const loginUrl = (provider: string) =>
    `${system.auth.url}/auth/login/${provider}?${new URLSearchParams({ redirect_uri: APP_REDIRECT, code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }).toString()}`;

  const lastFailure = () => prisma().activityLog.findFirst({ where: { action: 'login_failed' }, orderBy: { createdAt: 'desc' } });

  it('when an issuer is trusted, then its verified email links to the existing user at once', async () => {
    const { user } = await googleUser('trusting@example.com');
    system.fakes.trusty!.user = { sub: 't-1', email: 'Trusting@Example.com', email_verified: true };
    const { verifier, challenge } = pkcePair();
    const { code } = await browserLogin(system, system.browser(), 'trusty', challenge);
    const [workspace] = (await workspaces(system, code ?? '')).body as Array<{ id: string }>;
    const tokens = await exchange(system, { code, workspace_id: workspace?.id, code_verifier: verifier });
    expect((await system.verify(String(tokens.body.access_token))).sub).toBe(user.id);
    expect(await accountsOf('trusting@example.com')).toEqual([expect.stringMatching(/^google:/), 'trusty:t-1']);
    const linked = await prisma().activityLog.findFirstOrThrow({ where: { action: 'account_linked', actorId: user.id } });
    expect(linked.detail).toMatchObject({ provider: 'trusty', linking: 'trusted', pre_provisioned: false });
  });

  it('when a second issuer asserts the verified email of a Google user (takeover attempt), then 409 names Google and nothing is linked', async () => {
    const { user } = await googleUser('victim@example.com');
    const sessions = await prisma().refreshTokenFamily.count();
    const codes = await keysInRedis('ac:*');
    for (const issuer of ['corp', 'partner']) {
      system.fakes[issuer]!.user = { sub: `attacker-${issuer}`, email: 'VICTIM@example.com', email_verified: true, name: 'Mallory' };
      const attacker = system.browser();
      const { code, last } = await browserLogin(system, attacker, issuer, pkcePair().challenge);
      expect(code).toBeUndefined();
      expect(last?.status).toBe(409);
      expect(last?.body).toContain('<h1>Account Conflict</h1>');
      expect(last?.body).toContain('signs in with Google');
      expect(linksOf(last).map((l) => l.label)).toEqual(['Sign in with Google']);
      const failure = await lastFailure();
      expect(failure).toMatchObject({ targetId: user.id, actorId: null });
      expect(failure?.detail).toMatchObject({
        provider: issuer,
        reason: 'account_conflict',
        linking: issuer === 'corp' ? 'reauthenticate' : 'never',
        linked_providers: ['google'],
      });
      // `never` keeps nothing for later; `reauthenticate` keeps a link for this browser only.
      expect(attacker.cookie(system.auth.url, 'sentinel_link') === undefined).toBe(issuer === 'partner');
    }
    expect(await accountsOf('victim@example.com')).toEqual([expect.stringMatching(/^google:/)]);
    expect(await prisma().socialAccount.count({ where: { providerUserId: { startsWith: 'attacker-' } } })).toBe(0);
    expect(await prisma().activityLog.count({ where: { action: 'account_linked', actorId: user.id } })).toBe(0);
    expect(await prisma().refreshTokenFamily.count()).toBe(sessions);
    expect(await keysInRedis('ac:*')).toBe(codes);
  });

  it('when a JSON client meets the conflict, then 409 with a detail naming the provider', async () => {
    await googleUser('json@example.com');
    system.fakes.partner!.user = { sub: 'p-json', email: 'json@example.com', email_verified: true };
    const browser = system.browser();
    const hops = await browser.follow(loginUrl('partner'), (url) => url.includes('/auth/callback/partner'));
    const hop = await browser.request(hops.at(-1)?.location ?? '', { accept: 'application/json' });
    expect(hop.status).toBe(409);
    expect(JSON.parse(hop.body)).toEqual({ detail: expect.stringContaining('signs in with Google') });
  });

  it('when the person then signs in with the linked provider in the same browser flow, then the link is made and the original login continues', async () => {
    const { sub, user } = await googleUser('carol@example.com');
    system.fakes.corp!.user = { sub: 'c-carol', email: 'carol@example.com', email_verified: true, name: 'Carol' };
    const browser = system.browser();
    const { verifier, challenge } = pkcePair();
    const refused = await browserLogin(system, browser, 'corp', challenge);
    expect(refused.last?.status).toBe(409);
    expect(refused.last?.body).toContain('to link your corp sign-in');
    expect(await pendingInRedis()).toBeGreaterThan(0);
    const [google] = linksOf(refused.last);
    expect(new URL(google?.href ?? '').searchParams.get('code_challenge')).toBe(challenge);

    system.fakes.google!.user = { sub, email: 'carol@example.com', email_verified: true, name: 'Carol' };
    const hops = await browser.follow(google?.href ?? '', (url) => url.startsWith(APP_REDIRECT));
    const code = new URL(hops.at(-1)?.location ?? 'http://x').searchParams.get('code');
    expect(code).toBeTruthy();
    // The code is for the challenge the client app started with.
    const [workspace] = (await workspaces(system, code ?? '')).body as Array<{ id: string }>;
    const tokens = await exchange(system, { code, workspace_id: workspace?.id, code_verifier: verifier });
    expect((await system.verify(String(tokens.body.access_token))).sub).toBe(user.id);

    expect(await accountsOf('carol@example.com')).toEqual([`google:${sub}`, 'corp:c-carol']);
    const linked = await prisma().activityLog.findFirstOrThrow({ where: { action: 'account_linked', actorId: user.id } });
    expect(linked.detail).toMatchObject({ provider: 'corp', linking: 'reauthenticate', confirmed_with: 'google' });
    // corp's provider tokens were kept encrypted, bound to the new row.
    const corp = await prisma().socialAccount.findFirstOrThrow({ where: { provider: 'corp', providerUserId: 'c-carol' } });
    const ring = createKeyRing({ current: system.ctx.deps.config.ENCRYPTION_KEY });
    expect(ring.decrypt(corp.refreshTokenEncrypted ?? '', aadFor('social_accounts', 'refresh_token_encrypted', corp.id)).toString()).toMatch(/^refresh-/);
    expect(browser.cookie(system.auth.url, 'sentinel_link')).toBeUndefined();

    // From now on corp signs Carol in by itself.
    const direct = await browserLogin(system, system.browser(), 'corp', pkcePair().challenge);
    expect(direct.code).toBeDefined();
    expect(await prisma().activityLog.count({ where: { action: 'account_linked', actorId: user.id } })).toBe(1);
  });

  it('when the attacker then signs in with their own Google account, then the pending link does not attach to anyone', async () => {
    const { user: victim } = await googleUser('dora@example.com');
    system.fakes.corp!.user = { sub: 'c-mallory', email: 'dora@example.com', email_verified: true };
    const attacker = system.browser();
    const refused = await browserLogin(system, attacker, 'corp', pkcePair().challenge);
    expect(refused.last?.status).toBe(409);
    system.fakes.google!.user = { sub: `g-${randomUUID()}`, email: 'mallory@example.com', email_verified: true };
    const hops = await attacker.follow(linksOf(refused.last)[0]?.href ?? '', (url) => url.startsWith(APP_REDIRECT));
    expect(hops.at(-1)?.location?.startsWith(APP_REDIRECT)).toBe(true);
    expect(await accountsOf('mallory@example.com')).toEqual([expect.stringMatching(/^google:/)]);
    expect(await accountsOf('dora@example.com')).toEqual([expect.stringMatching(/^google:/)]);
    expect(await prisma().socialAccount.count({ where: { providerUserId: 'c-mallory' } })).toBe(0);
    expect(await prisma().activityLog.count({ where: { action: 'account_linked', actorId: victim.id } })).toBe(0);
  });

  it('when the victim signs in from another browser, or the pending cookie lands in another login flow or is forged, then nothing is linked', async () => {
    const { sub } = await googleUser('erin@example.com');
    system.fakes.corp!.user = { sub: 'c-eve', email: 'erin@example.com', email_verified: true };
    const attacker = system.browser();
    expect((await browserLogin(system, attacker, 'corp', pkcePair().challenge)).last?.status).toBe(409);
    const planted = attacker.cookie(system.auth.url, 'sentinel_link') ?? '';
    expect(planted).not.toBe('');
    system.fakes.google!.user = { sub, email: 'erin@example.com', email_verified: true };

    // Another browser (the victim's own): no cookie, no link.
    expect((await browserLogin(system, system.browser(), 'google', pkcePair().challenge)).code).toBeDefined();
    // The attacker's cookie planted in the victim's browser, whose app starts its own flow (its own challenge).
    const victim = system.browser();
    victim.setCookie(system.auth.url, 'sentinel_link', planted, '/auth');
    expect((await browserLogin(system, victim, 'google', pkcePair().challenge)).code).toBeDefined();
    // A forged signature.
    const forged = system.browser();
    forged.setCookie(system.auth.url, 'sentinel_link', planted.replace(/.{4}$/, 'AAAA'), '/auth');
    expect((await browserLogin(system, forged, 'google', pkcePair().challenge)).code).toBeDefined();

    expect(await accountsOf('erin@example.com')).toEqual([`google:${sub}`]);
    // The planted link was spent by the victim's login: the attacker's own browser cannot use it any more.
    const hops = await attacker.follow(loginUrl('google'), (url) => url.startsWith(APP_REDIRECT));
    expect(hops.at(-1)?.location?.startsWith(APP_REDIRECT)).toBe(true);
    expect(await prisma().socialAccount.count({ where: { providerUserId: 'c-eve' } })).toBe(0);
  });

  it('when an admin pre-provisioned the user, then trusted and reauthenticate link at the first sign-in and never refuses', async () => {
    for (const [provider, email] of [['google', 'pre-google@example.com'], ['corp', 'pre-corp@example.com'], ['partner', 'pre-partner@example.com']] as const) {
      const made = await prisma().user.create({ data: { email, name: 'Provisioned' } });
      system.fakes[provider]!.user = { sub: `pre-${provider}`, email, email_verified: true };
      const { code, last } = await browserLogin(system, system.browser(), provider, pkcePair().challenge);
      if (provider === 'partner') {
        expect(code).toBeUndefined();
        expect(last?.status).toBe(409);
        expect(last?.body).toContain('Ask an administrator');
        expect(await accountsOf(email)).toEqual([]);
        expect((await lastFailure())?.detail).toMatchObject({ reason: 'account_conflict', linking: 'never', linked_providers: [] });
      } else {
        expect(code).toBeDefined();
        expect(await accountsOf(email)).toEqual([`${provider}:pre-${provider}`]);
        const linked = await prisma().activityLog.findFirstOrThrow({ where: { action: 'account_linked', actorId: made.id } });
        expect(linked.detail).toMatchObject({ provider, pre_provisioned: true });
      }
    }
  });

  it('when the admin login meets a conflict, then 302 to the panel with account_conflict, and reauthenticating links', async () => {
    const { sub, user } = await googleUser('boss@example.com');
    system.fakes.partner!.user = { sub: 'p-boss', email: 'boss@example.com', email_verified: true };
    const never = system.browser();
    expect((await adminLogin(never, 'partner'))?.location).toBe(`${ADMIN_URL}/login?error=account_conflict`);
    expect(never.cookie(system.auth.url, 'sentinel_link')).toBeUndefined();

    system.fakes.corp!.user = { sub: 'c-boss', email: 'boss@example.com', email_verified: true };
    const browser = system.browser();
    expect((await adminLogin(browser, 'corp'))?.location).toBe(`${ADMIN_URL}/login?error=account_conflict`);
    expect(browser.cookie(system.auth.url, 'admin_token')).toBeUndefined();
    system.fakes.google!.user = { sub, email: 'boss@example.com', email_verified: true };
    expect((await adminLogin(browser, 'google'))?.location).toBe(`${ADMIN_URL}/`);
    expect(browser.cookie(system.auth.url, 'admin_token')).toBeDefined();
    expect(await accountsOf('boss@example.com')).toEqual([`google:${sub}`, 'corp:c-boss']);
    expect((await prisma().activityLog.findFirstOrThrow({ where: { action: 'account_linked', actorId: user.id } })).detail).toMatchObject({
      provider: 'corp',
      confirmed_with: 'google',
    });
  });

  it('when a user-login pending link meets an admin login, then it does not link', async () => {
    const { sub } = await googleUser('frank@example.com');
    system.fakes.corp!.user = { sub: 'c-frank', email: 'frank@example.com', email_verified: true };
    const browser = system.browser();
    expect((await browserLogin(system, browser, 'corp', pkcePair().challenge)).last?.status).toBe(409);
    system.fakes.google!.user = { sub, email: 'frank@example.com', email_verified: true };
    expect((await adminLogin(browser, 'google'))?.location).toBe(`${ADMIN_URL}/login?error=not_admin`);
    expect(await accountsOf('frank@example.com')).toEqual([`google:${sub}`]);
  });

  it('when pending links complete while their provider account signs in by itself, all at once, then the account ends with exactly one owner', async () => {
    const { sub, user } = await googleUser('race@example.com');
    // The person also has GitHub linked: sign-ins through different accounts do not queue on one row.
    await prisma().socialAccount.create({ data: { userId: user.id, provider: 'github', providerUserId: 'gh-race' } });
    const keys = createKeyRing({ current: system.ctx.deps.config.ENCRYPTION_KEY });
    const accounts = { prisma: prisma(), keys, adminEmails: [] };
    const profile = (provider: string, providerUserId: string): ProviderProfile => ({
      provider,
      providerUserId,
      email: 'race@example.com',
      emailVerified: true,
      name: 'Race',
      avatarUrl: undefined,
      accessToken: 'at',
      refreshToken: undefined,
      data: {},
    });
    // Several browsers each hold a pending link for the same corp account (the person retried in each).
    const pending = (): PendingLink => ({
      user_id: user.id,
      provider: 'corp',
      provider_user_id: 'c-race',
      account_id: randomUUID(),
      provider_data: {},
      access_token_encrypted: null,
      refresh_token_encrypted: null,
      purpose: 'user',
      expires_at: Date.now() + 60_000,
    });
    // Meanwhile the corp account itself signs in (its issuer now says another email): it would make a new user.
    const direct = Array.from({ length: 4 }, () =>
      signIn(accounts, { ...profile('corp', 'c-race'), email: 'race-other@example.com' }, { purpose: 'user', linking: 'reauthenticate' }),
    );
    const completions = Array.from({ length: 6 }, (_, i) =>
      signIn(accounts, i % 2 === 0 ? profile('google', sub) : profile('github', 'gh-race'), { purpose: 'user', linking: 'trusted', pendingLink: pending() }),
    );
    const results = await Promise.all([...completions, ...direct]);
    const [owner] = await prisma().socialAccount.findMany({ where: { provider: 'corp', providerUserId: 'c-race' } });
    expect(await prisma().socialAccount.count({ where: { provider: 'corp', providerUserId: 'c-race' } })).toBe(1);
    expect(results.slice(0, 6).map((r) => r.id)).toEqual(Array.from({ length: 6 }, () => user.id));
    // Whoever won, every corp sign-in is the account's one owner.
    expect(results.slice(6).map((r) => r.id)).toEqual(Array.from({ length: 4 }, () => owner?.userId));
    expect(await prisma().activityLog.count({ where: { action: 'account_linked', actorId: user.id } })).toBe(owner?.userId === user.id ? 1 : 0);
  });

  it('when a pending link is for another user, then a sign-in never completes it', async () => {
    const { sub } = await googleUser('henry@example.com');
    const other = await googleUser('ivy@example.com');
    const keys = createKeyRing({ current: system.ctx.deps.config.ENCRYPTION_KEY });
    const profile: ProviderProfile = {
      provider: 'google',
      providerUserId: sub,
      email: 'henry@example.com',
      emailVerified: true,
      name: 'Henry',
      avatarUrl: undefined,
      accessToken: undefined,
      refreshToken: undefined,
      data: {},
    };
    await signIn({ prisma: prisma(), keys, adminEmails: [] }, profile, {
      purpose: 'user',
      linking: 'trusted',
      pendingLink: {
        user_id: other.user.id,
        provider: 'corp',
        provider_user_id: 'c-ivy',
        account_id: randomUUID(),
        provider_data: {},
        access_token_encrypted: null,
        refresh_token_encrypted: null,
        purpose: 'user',
        expires_at: Date.now() + 60_000,
      },
    });
    expect(await prisma().socialAccount.count({ where: { providerUserId: 'c-ivy' } })).toBe(0);
  });

  // Last: it restarts auth-service with a one-second pending-link lifetime.
  it('when the pending link has expired, then signing in with the linked provider does not link', async () => {
    await system.restart('auth', { ACCOUNT_LINK_TTL_SECONDS: '1' });
    const { sub } = await googleUser('gina@example.com');
    system.fakes.corp!.user = { sub: 'c-gina', email: 'gina@example.com', email_verified: true };
    const browser = system.browser();
    const before = await pendingInRedis();
    const refused = await browserLogin(system, browser, 'corp', pkcePair().challenge);
    expect(refused.last?.status).toBe(409);
    expect(refused.last?.body).toContain('within 1 second');
    expect(await pendingInRedis()).toBe(before + 1);
    const cookie = browser.cookie(system.auth.url, 'sentinel_link') ?? '';
    // Wait until the link is gone from Redis (its TTL), then present its cookie anyway.
    for (let i = 0; i < 100 && (await pendingInRedis()) > before; i++) await sleep(100);
    expect(await pendingInRedis()).toBe(before);
    browser.setCookie(system.auth.url, 'sentinel_link', cookie, '/auth');
    system.fakes.google!.user = { sub, email: 'gina@example.com', email_verified: true };
    const hops = await browser.follow(linksOf(refused.last)[0]?.href ?? '', (url) => url.startsWith(APP_REDIRECT));
    expect(hops.at(-1)?.location?.startsWith(APP_REDIRECT)).toBe(true);
    expect(await accountsOf('gina@example.com')).toEqual([`google:${sub}`]);
  });
});
