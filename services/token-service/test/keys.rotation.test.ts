import { createLogger, INTERNAL_IDENTITY_HEADER, mintInternalToken, serve, type RunningServer } from '@sentinel/http';
import { identityHeader, TEST_INTERNAL_SECRET, testAdmin, useServiceApp } from '@sentinel/testing';
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify } from 'jose';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createKeyRotation } from '../src/keys';
import { seedMember, type Seeded } from './seed';

jest.setTimeout(60_000);

/**
 * The verifier's side, shortened from jose's defaults (30 s cooldown) and our default max-age
 * (300 s); our publish-ahead is shortened to exactly their sum, which is the relationship under test.
 */
const MAX_AGE_SECONDS = 2;
const COOLDOWN_MS = 2000;
/** jose re-fetches a set older than this on the next verification: a verifier that fetches often. */
const JOSE_CACHE_MAX_AGE_MS = 1000;
const PUBLISH_AHEAD_SECONDS = MAX_AGE_SECONDS + COOLDOWN_MS / 1000;

const BASE_URL = 'https://id.example.com';
const t = useServiceApp(loadConfig, createApp, {
  BASE_URL,
  JWKS_CACHE_CONTROL_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
  SIGNING_KEY_PUBLISH_AHEAD_SECONDS: String(PUBLISH_AHEAD_SECONDS),
});
// The service answers only requests that carry the gateway's identity; the gateway adds it.
const viaGateway = () => ({ [INTERNAL_IDENTITY_HEADER]: mintInternalToken(TEST_INTERNAL_SECRET, {}, { ttlSeconds: 300 }) });

let server: RunningServer;
let url: string;
let seed: Seeded;

beforeAll(async () => {
  server = await serve(t.app, { port: 0, host: '127.0.0.1', logger: createLogger('test', 'silent'), shutdownTimeoutMs: 1000 });
  url = `http://127.0.0.1:${server.port}`;
  seed = await seedMember(t.ctx.deps.prisma);
});
afterAll(() => server.close());

/**
 * An independent verifier as clients deploy one: jose's remote key set (cooldown shortened) behind
 * an HTTP cache that keeps each JWKS answer for the max-age of its Cache-Control header.
 */
function independentVerifier() {
  let cached: { body: string; until: number } | undefined;
  const throughHttpCache = async (input: string, init: RequestInit): Promise<Response> => {
    if (cached && Date.now() < cached.until) return new Response(cached.body, { status: 200, headers: { 'content-type': 'application/json' } });
    const res = await fetch(input, init);
    const body = await res.text();
    const maxAge = /max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1];
    if (res.ok && maxAge !== undefined) cached = { body, until: Date.now() + Number(maxAge) * 1000 };
    return new Response(body, { status: res.status, headers: { 'content-type': 'application/json' } });
  };
  const jwks = createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`), {
    headers: viaGateway(),
    cooldownDuration: COOLDOWN_MS,
    cacheMaxAge: JOSE_CACHE_MAX_AGE_MS,
    [customFetch]: throughHttpCache,
  });
  return {
    verify: (token: string) => jwtVerify(token, jwks, { algorithms: ['RS256'], issuer: BASE_URL, audience: 'sentinel:access' }),
    /** The worst moment for a rotation: the HTTP cache just filled, jose just fetched (its cooldown starts). */
    refill: async () => {
      cached = undefined;
      await jwks.reload();
    },
  };
}

async function issue(): Promise<string> {
  const res = await fetch(`${url}/internal/tokens/issue`, {
    method: 'POST',
    headers: { ...identityHeader({ caller: 'auth-service' }), 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: seed.userId, workspace_id: seed.workspaceId }),
  });
  if (res.status !== 200) throw new Error(`issue answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

interface Load {
  /** Verified tokens per kid. */
  verified: Map<string, number>;
  refusals: Array<{ kid: string; at: number; error: string }>;
  stop(): Promise<void>;
}

/** Two clients that issue a token and have it verified at once, without pause, until stopped. */
function liveLoad(verify: (token: string) => Promise<unknown>): Load {
  const verified = new Map<string, number>();
  const refusals: Load['refusals'] = [];
  let stopped = false;
  const worker = async () => {
    while (!stopped) {
      const token = await issue();
      const kid = decodeProtectedHeader(token).kid ?? '';
      try {
        await verify(token);
        verified.set(kid, (verified.get(kid) ?? 0) + 1);
      } catch (err) {
        refusals.push({ kid, at: Date.now(), error: (err as Error).name });
      }
    }
  };
  const workers = [worker(), worker()];
  return {
    verified,
    refusals,
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kidOfNewToken = async () => decodeProtectedHeader(await issue()).kid ?? '';

describe('a rotation under live load, verified by an independent jose verifier', () => {
  it('when rotated by POST /admin/keys/rotate, then not one token is refused across the switch, and tokens of the new kid verify', async () => {
    const oldKid = await kidOfNewToken();
    const verifier = independentVerifier();
    const load = liveLoad(verifier.verify);
    await sleep(500);
    await verifier.refill();
    const res = await fetch(`${url}/admin/keys/rotate`, { method: 'POST', headers: identityHeader({ admin: testAdmin() }) });
    expect(res.status).toBe(200);
    const { kid, active_at } = (await res.json()) as { kid: string; active_at: string };
    expect(Date.parse(active_at) - Date.now()).toBeLessThanOrEqual(PUBLISH_AHEAD_SECONDS * 1000);
    // Keep the load on past the switch by more than the verifier's cooldown and cache lifetimes.
    const deadline = Date.now() + 30_000;
    while (Date.now() < Date.parse(active_at) + MAX_AGE_SECONDS * 1000 + COOLDOWN_MS || (load.verified.get(kid) ?? 0) < 20) {
      if (Date.now() > deadline) break;
      await sleep(100);
    }
    await load.stop();
    expect(load.refusals).toEqual([]);
    expect(load.verified.get(oldKid)).toBeGreaterThan(0);
    expect(load.verified.get(kid)).toBeGreaterThanOrEqual(20);
  });

  it('when a key signs without being published ahead (publish-ahead 0, as before), then the same verifier refuses new-kid tokens: the zero above is the publish-ahead, not luck', async () => {
    const verifier = independentVerifier();
    const load = liveLoad(verifier.verify);
    await sleep(500);
    const unpublished = createKeyRotation({ ...t.ctx.deps, config: loadConfig({ ...t.ctx.env, SIGNING_KEY_PUBLISH_AHEAD_SECONDS: '0' }) });
    await verifier.refill();
    const { kid } = await unpublished.rotate();
    const deadline = Date.now() + 20_000;
    while (load.refusals.length === 0 && Date.now() < deadline) await sleep(100);
    await load.stop();
    expect(load.refusals.length).toBeGreaterThan(0);
    expect(load.refusals.every((r) => r.kid === kid && r.error === 'JWKSNoMatchingKey')).toBe(true);
  });
});
