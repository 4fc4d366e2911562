import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { identityHeader } from '@sentinel/testing';
import { pkcePair } from './support/browser';
import { APP_REDIRECT, browserLogin, exchange, startSystem, workspaces, type System } from './support/system';

describe('login attacks and mistakes fail with 4xx and leave no session or code', () => {
  let system: System;
  beforeAll(async () => {
    // The auth-service process logs warnings: provider failures are read from its output.
    system = await startSystem({ google: 'google', github: 'github', corp: 'oidc' }, { LOG_LEVEL: 'warn' });
  }, 60_000);
  afterAll(async () => {
    await system.close();
  });

  const sessions = () => system.ctx.deps.prisma.refreshTokenFamily.count();
  // KEYS takes a pattern that ioredis does not prefix: give it the system's prefix. Earlier tests
  // may leave codes of their own, so each test compares with the count it started with.
  const codesInRedis = async () => (await system.ctx.deps.redis.keys(`${system.ctx.env.REDIS_KEY_PREFIX}ac:*`)).length;
  let codesBefore = 0;
  beforeEach(async () => {
    codesBefore = await codesInRedis();
  });

  /** Goes to the provider and stops at the callback URL (not fetched): returns it and the browser. */
  async function toCallback(provider: string) {
    const browser = system.browser();
    const { verifier, challenge } = pkcePair();
    const start = new URL(`${system.auth.url}/auth/login/${provider}`);
    start.search = new URLSearchParams({ redirect_uri: APP_REDIRECT, code_challenge: challenge, code_challenge_method: 'S256' }).toString();
    const hops = await browser.follow(start.href, (url) => url.includes(`/auth/callback/${provider}`));
    return { browser, verifier, callback: hops.at(-1)?.location ?? '' };
  }

  it.each([
    ['a trailing slash', `${APP_REDIRECT}/`],
    ['letter case', APP_REDIRECT.replace('app.example', 'App.example')],
    ['an extra query', `${APP_REDIRECT}?x=1`],
    ['@host', `https://app.example.test@evil.example/auth/done`],
    ['a subdomain suffix', APP_REDIRECT.replace('app.example.test', 'app.example.test.evil.example')],
    ['the scheme', APP_REDIRECT.replace('https:', 'http:')],
  ])('when redirect_uri differs by %s, then 400 and no login starts', async (_why, redirectUri) => {
    const browser = system.browser();
    const { challenge } = pkcePair();
    const { hops } = await browserLogin(system, browser, 'google', challenge, redirectUri);
    expect(hops).toHaveLength(1);
    expect(hops[0]?.status).toBe(400);
    expect(browser.cookie(system.auth.url, 'sentinel_login')).toBeUndefined();
  });

  it('when code_challenge_method is plain, then 400', async () => {
    const url = new URL(`${system.auth.url}/auth/login/google`);
    url.search = new URLSearchParams({ redirect_uri: APP_REDIRECT, code_challenge: pkcePair().challenge, code_challenge_method: 'plain' }).toString();
    const res = await fetch(url, { headers: { ...identityHeader({}), accept: 'application/json' }, redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Only code_challenge_method=S256 is supported' });
  });

  it('when the challenge is missing or the provider unknown, then 422 / 400, never 500', async () => {
    const missing = await fetch(`${system.auth.url}/auth/login/google?redirect_uri=${encodeURIComponent(APP_REDIRECT)}`, {
      headers: identityHeader({}),
      redirect: 'manual',
    });
    expect(missing.status).toBe(422);
    const unknown = await fetch(`${system.auth.url}/auth/login/myspace`, { headers: identityHeader({}), redirect: 'manual' });
    expect(unknown.status).toBe(400);
  });

  it('when the state is missing, then 400 (HTML for browsers, JSON otherwise)', async () => {
    const { browser, callback } = await toCallback('google');
    const url = new URL(callback);
    url.searchParams.delete('state');
    const html = await browser.request(url.href);
    expect(html.status).toBe(400);
    expect(html.body).toContain('<h1>');
    const json = await browser.request(url.href, { accept: 'application/json' });
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body)).toEqual({ detail: expect.any(String) });
    expect(await codesInRedis()).toBe(codesBefore);
  });

  it('when the state is forged, then 400 and no code', async () => {
    const { browser, callback } = await toCallback('corp');
    const url = new URL(callback);
    url.searchParams.set('state', 'A'.repeat(43));
    const hop = await browser.request(url.href, { accept: 'application/json' });
    expect(hop.status).toBe(400);
    expect(await codesInRedis()).toBe(codesBefore);
  });

  it('when the state cookie is missing or its signature forged, then 400', async () => {
    const { browser, callback } = await toCallback('google');
    const cookie = browser.cookie(system.auth.url, 'sentinel_login') ?? '';
    browser.setCookie(system.auth.url, 'sentinel_login', cookie.replace(/.{4}$/, 'AAAA'), '/auth');
    expect((await browser.request(callback)).status).toBe(400);
    browser.clearCookies();
    expect((await browser.request(callback)).status).toBe(400);
    expect(await codesInRedis()).toBe(codesBefore);
  });

  it('when the state is older than 10 minutes, then 400 even with a validly signed cookie', async () => {
    const { browser, callback } = await toCallback('google');
    const raw = decodeURIComponent(browser.cookie(system.auth.url, 'sentinel_login') ?? '');
    const json = JSON.parse(raw.slice('s:j:'.length, raw.lastIndexOf('.'))) as Record<string, unknown>;
    const value = `j:${JSON.stringify({ ...json, issued_at: Date.now() - 11 * 60 * 1000 })}`;
    const signature = createHmac('sha256', system.ctx.env.SESSION_SECRET_KEY ?? '').update(value).digest('base64').replace(/=+$/, '');
    browser.setCookie(system.auth.url, 'sentinel_login', encodeURIComponent(`s:${value}.${signature}`), '/auth');
    const hop = await browser.request(callback, { accept: 'application/json' });
    expect(hop.status).toBe(400);
    expect(JSON.parse(hop.body)).toEqual({ detail: 'The sign-in session has expired. Please start again.' });
  });

  it('when a callback is replayed, then the second one is refused', async () => {
    system.fakes.google!.user = { sub: 'g-replay', email: 'replay@example.com', email_verified: true };
    const { browser, callback } = await toCallback('google');
    const cookie = browser.cookie(system.auth.url, 'sentinel_login') ?? '';
    const first = await browser.request(callback);
    expect(first.status).toBe(302);
    // Even with the old cookie put back, the state is spent.
    browser.setCookie(system.auth.url, 'sentinel_login', cookie, '/auth');
    const second = await browser.request(callback);
    expect(second.status).toBe(400);
  });

  it('when a code is reused, or a wrong verifier is tried first, then no tokens', async () => {
    system.fakes.google!.user = { sub: 'g-codes', email: 'codes@example.com', email_verified: true };
    const { verifier, challenge } = pkcePair();
    const { code } = await browserLogin(system, system.browser(), 'google', challenge);
    const [workspace] = (await workspaces(system, code ?? '')).body as Array<{ id: string }>;
    const before = await sessions();

    const wrong = await exchange(system, { code, workspace_id: workspace?.id, code_verifier: pkcePair().verifier });
    expect(wrong).toEqual({ status: 400, body: { detail: 'PKCE verification failed' } });
    const right = await exchange(system, { code, workspace_id: workspace?.id, code_verifier: verifier });
    expect(right.status).toBe(400);
    expect(await sessions()).toBe(before);

    const again = await browserLogin(system, system.browser(), 'google', challenge);
    expect((await exchange(system, { code: again.code, workspace_id: workspace?.id, code_verifier: verifier })).status).toBe(200);
    expect((await exchange(system, { code: again.code, workspace_id: workspace?.id, code_verifier: verifier })).status).toBe(400);
    expect(await sessions()).toBe(before + 1);
    expect(await codesInRedis()).toBe(codesBefore);
  });

  it('when the workspace is not the user’s, then 403 and the code is spent', async () => {
    system.fakes.google!.user = { sub: 'g-codes', email: 'codes@example.com', email_verified: true };
    const other = await system.ctx.deps.prisma.workspace.create({ data: { slug: 'not-yours', name: 'Not yours' } });
    const { verifier, challenge } = pkcePair();
    const { code } = await browserLogin(system, system.browser(), 'google', challenge);
    const res = await exchange(system, { code, workspace_id: other.id, code_verifier: verifier });
    expect(res.status).toBe(403);
  });

  it.each(['google', 'github', 'corp'])('when %s asserts no verified email, then 403 and no account', async (provider) => {
    const email = `unverified-${provider}@example.com`;
    system.fakes[provider]!.user = { sub: `u-${provider}-1`, email, email_verified: false };
    const { hops } = await browserLogin(system, system.browser(), provider, pkcePair().challenge);
    expect(hops.at(-1)?.status).toBe(403);
    expect(await system.ctx.deps.prisma.user.count({ where: { email } })).toBe(0);
    const failure = await system.ctx.deps.prisma.activityLog.findFirst({ where: { action: 'login_failed' }, orderBy: { createdAt: 'desc' } });
    expect(failure?.detail).toMatchObject({ provider, reason: 'email_not_verified' });
  });

  it('when GitHub’s primary email is unverified but another one is verified, then 403', async () => {
    system.fakes.github!.user = {
      sub: '777',
      githubEmails: [
        { email: 'primary@example.com', primary: true, verified: false },
        { email: 'other@example.com', primary: false, verified: true },
      ],
    };
    const { hops } = await browserLogin(system, system.browser(), 'github', pkcePair().challenge);
    expect(hops.at(-1)?.status).toBe(403);
  });

  it('when the client app is deactivated during the login, then 400 and no code', async () => {
    system.fakes.google!.user = { sub: 'g-mid', email: 'mid@example.com', email_verified: true };
    const { browser, callback } = await toCallback('google');
    await system.ctx.deps.prisma.clientApp.update({ where: { id: system.clientAppId }, data: { isActive: false } });
    try {
      expect((await browser.request(callback)).status).toBe(400);
    } finally {
      await system.ctx.deps.prisma.clientApp.update({ where: { id: system.clientAppId }, data: { isActive: true } });
    }
    expect(await codesInRedis()).toBe(codesBefore);
  });

  it.each([
    ['google', 'TokenError'],
    ['github', 'TokenError'],
    ['corp', 'ResponseBodyError'],
  ])('when %s refuses the code, then 400, and a warning names the provider and the error but no code or secret', async (provider, errorClass) => {
    system.fakes[provider]!.user = { sub: '4711', email: `refused-${provider}@example.com`, email_verified: true };
    const { browser, callback } = await toCallback(provider);
    const url = new URL(callback);
    const code = url.searchParams.get('code') ?? '';
    url.searchParams.set('code', `${code}x`);
    const hop = await browser.request(url.href, { accept: 'application/json' });
    expect(hop.status).toBe(400);
    expect(JSON.parse(hop.body)).toEqual({ detail: 'The identity provider did not complete the sign-in' });
    const warning = () => system.auth.output().split('\n').find((line) => line.includes(`"provider":"${provider}"`) && line.includes('sign-in failed'));
    for (let i = 0; i < 50 && !warning(); i++) await sleep(50);
    expect(JSON.parse(warning() ?? '{}')).toMatchObject({ level: 40, provider, stage: 'callback', error: errorClass, message: expect.any(String) });
    expect(code.length).toBeGreaterThan(10);
    expect(system.auth.output()).not.toContain(code);
    expect(system.auth.output()).not.toContain(system.fakes[provider]!.clientSecret);
    expect(await codesInRedis()).toBe(codesBefore);
  });
});
