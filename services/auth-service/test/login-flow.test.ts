import { aadFor, createKeyRing } from '@sentinel/crypto';
import { pkcePair } from './support/browser';
import { APP_REDIRECT, browserLogin, exchange, startSystem, workspaces, type System } from './support/system';

const ENCRYPTION_KEY = '3f7a1c9e5b2d4f6a8c0e1b3d5f7a9c1e2b4d6f8a0c1e3b5d7f9a1c3e5b7d9f1a';

describe('provider login, the way a browser drives it', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem(
      { google: 'google', github: 'github', corp: 'oidc', partner: 'oidc' },
      { DEV_LOGIN: 'true', ADMIN_EMAILS: 'boss@example.com' },
    );
  }, 60_000);
  afterAll(async () => {
    await system.close();
  });

  /** Login → provider → callback → /auth/workspaces → /auth/token, and the access token verifies. */
  async function fullFlow(provider: string) {
    const browser = system.browser();
    const { verifier, challenge } = pkcePair();
    const { code, hops } = await browserLogin(system, browser, provider, challenge);
    expect(hops.map((h) => h.status)).toContain(302);
    expect(code).toBeDefined();
    const listed = await workspaces(system, code ?? '');
    expect(listed.status).toBe(200);
    const [workspace] = listed.body as Array<{ id: string; role: string; slug: string }>;
    expect(workspace?.role).toBe('owner');
    const tokens = await exchange(system, { code, workspace_id: workspace?.id, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'bearer', expires_in: expect.any(Number) });
    const claims = await system.verify(String(tokens.body.access_token));
    expect(claims).toMatchObject({ wid: workspace?.id, wrole: 'owner', aud: 'sentinel:access', type: 'access' });
    return { claims, workspace, browser };
  }

  it('when a person signs in with Google, then a user, a personal workspace and verifiable tokens follow', async () => {
    system.fakes.google!.user = { sub: 'g-1', email: 'Grace@Example.com', email_verified: true, name: 'Grace <b>Hopper</b>' };
    const { claims } = await fullFlow('google');
    expect(claims).toMatchObject({ email: 'grace@example.com', name: 'Grace Hopper' });
    // The provider got our own PKCE challenge (S256) and a state of at least 128 bits.
    const auth = system.fakes.google!.authorizations.at(-1)!;
    expect(auth.code_challenge_method).toBe('S256');
    expect(auth.code_challenge).toMatch(/^[\w-]{43}$/);
    expect(auth.state!.length).toBeGreaterThanOrEqual(22);
    const activity = await system.ctx.deps.prisma.activityLog.findMany({ where: { actorId: String(claims.sub) } });
    expect(activity.map((a) => a.action)).toEqual(expect.arrayContaining(['user_login', 'workspace_created']));
  });

  it('when a person signs in with GitHub Enterprise, then only GITHUB_BASE_URL and GITHUB_API_URL are used', async () => {
    system.fakes.github!.user = { sub: '4242', email: 'linus@example.com', email_verified: true, name: 'Linus' };
    const { claims } = await fullFlow('github');
    expect(claims.email).toBe('linus@example.com');
    expect(system.fakes.github!.requests).toEqual(
      expect.arrayContaining(['GET /login/oauth/authorize', 'POST /login/oauth/access_token', 'GET /api/v3/user', 'GET /api/v3/user/emails']),
    );
  });

  it('when two generic OIDC issuers are configured, then both sign people in', async () => {
    system.fakes.corp!.user = { sub: 'c-1', email: 'carol@corp.example', email_verified: true, name: 'Carol' };
    system.fakes.partner!.user = { sub: 'p-1', email: 'pat@partner.example', email_verified: true, name: 'Pat' };
    expect((await fullFlow('corp')).claims.email).toBe('carol@corp.example');
    expect((await fullFlow('partner')).claims.email).toBe('pat@partner.example');
    expect(system.fakes.corp!.authorizations.at(-1)).toMatchObject({ code_challenge_method: 'S256', nonce: expect.any(String) });
    const providers = await fetch(`${system.auth.url}/auth/providers`, { headers: (await import('@sentinel/testing')).identityHeader({}) });
    expect(await providers.json()).toEqual({ providers: ['google', 'github', 'corp', 'partner', 'dev'] });
  });

  it('when someone signs in through the dev form, then they are signed in as the form says', async () => {
    const browser = system.browser();
    const { verifier, challenge } = pkcePair();
    const { last } = await browserLogin(system, browser, 'dev', challenge);
    expect(last?.status).toBe(200);
    expect(last?.body).toContain('<form method="post"');
    const state = /name="state" value="([^"]+)"/.exec(last?.body ?? '')?.[1] ?? '';
    const posted = await browser.request(`${system.auth.url}/auth/callback/dev`, { form: { state, email: 'dev@example.com', name: 'Dev' } });
    expect(posted.status).toBe(302);
    const code = new URL(posted.location ?? '').searchParams.get('code') ?? '';
    expect(posted.location?.startsWith(`${APP_REDIRECT}?code=`)).toBe(true);
    const [workspace] = (await workspaces(system, code)).body as Array<{ id: string }>;
    const tokens = await exchange(system, { code, workspace_id: workspace?.id, code_verifier: verifier });
    expect(tokens.status).toBe(200);
  });

  it('when a trusted provider’s verified email matches an existing user, then the account is linked to that user', async () => {
    system.fakes.github!.user = { sub: '1906', email: 'grace@example.com', email_verified: true, name: 'Grace' };
    const { claims } = await fullFlow('github');
    const grace = await system.ctx.deps.prisma.user.findUniqueOrThrow({ where: { email: 'grace@example.com' }, include: { socialAccounts: true } });
    expect(claims.sub).toBe(grace.id);
    expect(grace.socialAccounts.map((a) => a.provider).sort()).toEqual(['github', 'google']);
    expect(await system.ctx.deps.prisma.activityLog.count({ where: { action: 'account_linked', actorId: grace.id } })).toBe(1);
  });

  it('when a pending invitation exists for the email, then the first login makes it a membership', async () => {
    const prisma = system.ctx.deps.prisma;
    const workspace = await prisma.workspace.create({ data: { slug: 'acme', name: 'Acme' } });
    await prisma.invitation.create({
      data: { workspaceId: workspace.id, email: 'newbie@example.com', role: 'editor', expiresAt: new Date(Date.now() + 86_400_000) },
    });
    system.fakes.partner!.user = { sub: 'p-newbie', email: 'newbie@example.com', email_verified: true, name: 'Newbie' };
    const browser = system.browser();
    const { challenge } = pkcePair();
    const { code } = await browserLogin(system, browser, 'partner', challenge);
    const listed = (await workspaces(system, code ?? '')).body as Array<{ slug: string; role: string }>;
    expect(listed).toEqual([expect.objectContaining({ slug: 'acme', role: 'editor' })]);
    expect((await prisma.invitation.findFirstOrThrow({ where: { email: 'newbie@example.com' } })).status).toBe('accepted');
  });

  it('when provider tokens are stored, then they are encrypted and bound to their row', async () => {
    const prisma = system.ctx.deps.prisma;
    const account = await prisma.socialAccount.findFirstOrThrow({ where: { provider: 'google' } });
    const other = await prisma.socialAccount.findFirstOrThrow({ where: { provider: 'github' } });
    const ring = createKeyRing({ current: ENCRYPTION_KEY });
    const stored = account.accessTokenEncrypted ?? '';
    expect(stored).not.toMatch(/^[0-9a-f]{32}$/);
    const aad = aadFor('social_accounts', 'access_token_encrypted', account.id);
    expect(ring.decrypt(stored, aad).toString()).toMatch(/^[0-9a-f]{32}$/);
    expect(ring.decrypt(account.refreshTokenEncrypted ?? '', aadFor('social_accounts', 'refresh_token_encrypted', account.id)).toString()).toMatch(/^refresh-/);
    // A flipped bit fails.
    const envelope = JSON.parse(stored) as { ciphertext: string };
    const bytes = Buffer.from(envelope.ciphertext, 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(() => ring.decrypt(JSON.stringify({ ...envelope, ciphertext: bytes.toString('base64url') }), aad)).toThrow();
    // Moved to another row, it fails.
    await prisma.socialAccount.update({ where: { id: other.id }, data: { accessTokenEncrypted: stored } });
    expect(() => ring.decrypt(stored, aadFor('social_accounts', 'access_token_encrypted', other.id))).toThrow();
  });
});
