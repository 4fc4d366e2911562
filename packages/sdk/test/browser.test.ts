/**
 * The browser login client against the running gateway and the dev provider, with 3-second access
 * tokens so that a refresh is due within the test. Uses only what a browser has (fetch, Web
 * Crypto, URL); the dev form is followed the way a browser would.
 */
import { createHash } from 'node:crypto';
import { createClientApp, followDevForm, startSystem, type RunningSystem } from '@sentinel/testing';
import { LoginClient, SentinelError, type TokenStorage } from '../src/browser';

const REDIRECT_URI = 'http://127.0.0.1:1/app/callback';

/** An asynchronous store (as an IndexedDB wrapper would be), to show promises are awaited. */
class AsyncStorage implements TokenStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return Promise.resolve(this.items.get(key) ?? null);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
    return Promise.resolve();
  }
  removeItem(key: string) {
    this.items.delete(key);
    return Promise.resolve();
  }
}

describe('browser LoginClient against the running gateway', () => {
  let system: RunningSystem;
  let storage: AsyncStorage;
  let requests: string[];
  let client: LoginClient;

  beforeAll(async () => {
    system = await startSystem({ ACCESS_TOKEN_EXPIRE_MINUTES: '0.05', RATE_LIMIT_RPM: '0', RATE_LIMIT_AUTH_RPM: '0' });
    await createClientApp(system, REDIRECT_URI);
    storage = new AsyncStorage();
    requests = [];
    client = new LoginClient({
      baseUrl: system.gatewayUrl,
      redirectUri: REDIRECT_URI,
      storage,
      refreshMarginSeconds: 0,
      fetch: (input, init) => {
        requests.push(`${init?.method ?? 'GET'} ${new URL(input instanceof Request ? input.url : input).pathname}`);
        return fetch(input, init);
      },
    });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  }, 30_000);

  const me = async () => {
    const res = await client.fetch(new URL('/auth/me', system.gatewayUrl));
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('when a person logs in, refreshes concurrently after expiry and logs out, then each step works through the gateway', async () => {
    // Start: an S256 challenge of the verifier kept in storage.
    const loginUrl = new URL(await client.startLogin('dev'));
    expect(loginUrl.pathname).toBe('/auth/login/dev');
    expect(loginUrl.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(loginUrl.searchParams.get('code_challenge_method')).toBe('S256');
    const pending = JSON.parse(storage.items.get('sentinel.login')!) as { verifier: string };
    expect(loginUrl.searchParams.get('code_challenge')).toBe(createHash('sha256').update(pending.verifier).digest('base64url'));

    // The provider's page, then back to the app with a code.
    const back = await followDevForm(loginUrl.toString(), { email: 'grace@example.com', name: 'Grace' });
    expect(back.startsWith(`${REDIRECT_URI}?code=`)).toBe(true);
    const code = await client.handleCallback(back);

    // Workspace choice and exchange.
    const workspaces = await client.listWorkspaces(code);
    expect(workspaces).toEqual([expect.objectContaining({ role: 'owner' })]);
    await client.exchange(code, workspaces[0]!.id);
    expect(storage.items.has('sentinel.login')).toBe(false);
    const first = await client.getAccessToken();
    expect(await me()).toEqual({ status: 200, body: expect.objectContaining({ email: 'grace@example.com', workspace_id: workspaces[0]!.id }) });

    // After expiry, many concurrent callers share ONE refresh (a second would be reuse and revoke the session).
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    requests.length = 0;
    const tokens = await Promise.all(Array.from({ length: 12 }, () => client.getAccessToken()));
    expect(requests.filter((r) => r === 'POST /auth/refresh')).toHaveLength(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first);
    expect((await me()).status).toBe(200);

    // Logout ends the session at Sentinel and here.
    const { refresh_token, access_token } = JSON.parse(storage.items.get('sentinel.tokens')!) as { refresh_token: string; access_token: string };
    await client.logout();
    expect(requests).toContain('POST /auth/logout');
    expect(storage.items.has('sentinel.tokens')).toBe(false);
    await expect(client.getAccessToken()).resolves.toBeNull();
    const refreshed = await fetch(new URL('/auth/refresh', system.gatewayUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token }),
    });
    expect(refreshed.status).toBe(401);
    const old = await fetch(new URL('/auth/me', system.gatewayUrl), { headers: { authorization: `Bearer ${access_token}` } });
    expect(old.status).toBe(401);
  }, 60_000);

  it('when the callback has no code or no login was started here, then handleCallback refuses it', async () => {
    const fresh = new LoginClient({ baseUrl: system.gatewayUrl, redirectUri: REDIRECT_URI });
    await expect(fresh.handleCallback(`${REDIRECT_URI}?code=abc`)).rejects.toMatchObject({ status: 400 });
    await fresh.startLogin('dev');
    await expect(fresh.handleCallback(REDIRECT_URI)).rejects.toBeInstanceOf(SentinelError);
    await expect(fresh.fetch(new URL('/auth/me', system.gatewayUrl))).rejects.toMatchObject({ status: 401, detail: 'Not signed in' });
  });
});
