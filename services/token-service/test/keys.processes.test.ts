import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { aadFor, createKeyRing, encryptionKeyId, envelopeKid } from '@sentinel/crypto';
import { createPrismaClient, type Database } from '@sentinel/db';
import { INTERNAL_IDENTITY_HEADER, mintInternalToken } from '@sentinel/http';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  identityHeader,
  PROJECT_ROOT,
  startServiceProcess,
  TEST_INTERNAL_SECRET,
  testAdmin,
  type ChildService,
  type TestDatabase,
  type TestRedis,
} from '@sentinel/testing';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { seedMember, type Seeded } from './seed';

jest.setTimeout(90_000);

const keyA = randomBytes(32).toString('hex');
const keyB = randomBytes(32).toString('hex');
/** Retired keys stay published 6 s (access) + 0 s (skew) + 5 s (cache TTL) = 11 s after they stop signing. */
const PUBLISH_WINDOW_MS = 11_000;
/** A rotated key is published 3 s before it signs. */
const AHEAD_SECONDS = 3;
const until = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now() + 50)));

let db: TestDatabase;
let redis: TestRedis;
let prisma: Database;
let env: Record<string, string>;
let seed: Seeded;
const running: ChildService[] = [];

const start = async (extra: Record<string, string> = {}) => {
  const child = await startServiceProcess('token-service', await freePort(), { ...env, ...extra });
  running.push(child);
  return child;
};
const stop = async (child: ChildService) => {
  await child.stop();
  running.splice(running.indexOf(child), 1);
};

const viaGateway = () => ({ [INTERNAL_IDENTITY_HEADER]: mintInternalToken(TEST_INTERNAL_SECRET, {}, { ttlSeconds: 300 }) });

async function jwksKids(service: ChildService): Promise<string[]> {
  const res = await fetch(`${service.url}/.well-known/jwks.json`, { headers: viaGateway() });
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
}

/** An access token issued by this process, as auth-service would ask for it. */
async function issue(service: ChildService): Promise<{ token: string; kid: string }> {
  const res = await fetch(`${service.url}/internal/tokens/issue`, {
    method: 'POST',
    headers: { ...identityHeader({ caller: 'auth-service' }), 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: seed.userId, workspace_id: seed.workspaceId }),
  });
  expect(res.status).toBe(200);
  const token = ((await res.json()) as { access_token: string }).access_token;
  return { token, kid: decodeProtectedHeader(token).kid ?? '' };
}

/** Verifies as a client would: jose, the JWKS URL of `service`, RS256 only, issuer and audience. */
async function verify(service: ChildService, token: string) {
  const jwks = createRemoteJWKSet(new URL(`${service.url}/.well-known/jwks.json`), { headers: viaGateway() });
  return jwtVerify(token, jwks, { algorithms: ['RS256'], issuer: 'http://localhost:9003', audience: 'sentinel:access' });
}

async function rotateWithCli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ kid: string; said: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'sentinel.ts'), 'keys', 'rotate', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NODE_ENV: 'development', ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`keys rotate exited ${code}: ${stderr}`);
  return { kid: stdout.trim(), said: stderr };
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await createTestRedis();
  prisma = createPrismaClient(db.url, { poolSize: 2 });
  seed = await seedMember(prisma);
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    INTERNAL_SECRET: TEST_INTERNAL_SECRET,
    ENCRYPTION_KEY: keyA,
    ACCESS_TOKEN_EXPIRE_MINUTES: '0.1',
    ADMIN_TOKEN_EXPIRE_MINUTES: '0.02',
    JWT_CLOCK_SKEW_SECONDS: '0',
    REENCRYPT_INTERVAL_MS: '300',
    SIGNING_KEY_PUBLISH_AHEAD_SECONDS: String(AHEAD_SECONDS),
    BASE_URL: 'http://localhost:9003',
    LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await prisma?.$disconnect();
  await redis?.cleanup();
  await db?.drop();
});

describe('signing keys across token-service processes', () => {
  let a: ChildService;
  let b: ChildService;

  it('when two processes start at once and are asked at once, then they agree on one active key', async () => {
    [a, b] = await Promise.all([start(), start()]);
    const [kidsA, kidsB] = await Promise.all([jwksKids(a), jwksKids(b)]);
    expect(kidsA).toHaveLength(1);
    expect(kidsB).toEqual(kidsA);
    expect(await prisma.signingKey.count({ where: { retiredAt: null } })).toBe(1);
    expect(await prisma.signingKey.count()).toBe(1);
  });

  it('when rotated by POST /admin/keys/rotate while tokens are live, then both processes publish the new key second at once, sign with it from active_at, and the old key stays published until its tokens expired', async () => {
    const old = await issue(a);
    const res = await fetch(`${a.url}/admin/keys/rotate`, { method: 'POST', headers: identityHeader({ admin: testAdmin() }) });
    expect(res.status).toBe(200);
    const { kid, active_at } = (await res.json()) as { kid: string; active_at: string };
    expect(kid).not.toBe(old.kid);
    const activeAt = Date.parse(active_at);

    // Right after the rotation, without waiting: both processes (the other one heard it through Redis)
    // publish it after the key that still signs.
    expect(await jwksKids(b)).toEqual([old.kid, kid]);
    expect(await jwksKids(a)).toEqual([old.kid, kid]);
    // Until active_at the old key signs: a token of it, as young as can be at the switch.
    const live = await issue(b);
    expect(live.kid).toBe(old.kid);
    await until(activeAt);
    expect((await issue(b)).kid).toBe(kid);
    expect((await issue(a)).kid).toBe(kid);
    expect(await jwksKids(a)).toEqual([kid, old.kid]);
    expect(await jwksKids(b)).toEqual([kid, old.kid]);
    // The live token of the old key verifies through either process's JWKS.
    expect((await verify(b, live.token)).protectedHeader.kid).toBe(old.kid);
    expect((await verify(a, live.token)).payload.sub).toBe(seed.userId);

    const row = await prisma.signingKey.findUniqueOrThrow({ where: { kid: old.kid } });
    expect(row.retiredAt!.getTime()).toBe(activeAt);
    expect(row.publishUntil!.getTime() - row.retiredAt!.getTime()).toBe(PUBLISH_WINDOW_MS);
    await until(row.publishUntil!.getTime() + 150);
    expect(await jwksKids(a)).toEqual([kid]);
    expect(await jwksKids(b)).toEqual([kid]);
  });

  it('when rotated by `pnpm sentinel keys rotate`, then running processes publish it at once and switch at the time it printed', async () => {
    const previous = await issue(b);
    // The CLI's own publish-ahead decides; longer than the processes' so that a slow CLI exit
    // still leaves time to see the key published second.
    const { kid, said } = await rotateWithCli([], { SIGNING_KEY_PUBLISH_AHEAD_SECONDS: '6' });
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(kid).not.toBe(previous.kid);
    const printed = /signs from (\S+);/.exec(said)?.[1] ?? '';
    expect(Date.parse(printed)).toBeGreaterThan(Date.now());
    expect(await jwksKids(a)).toEqual([previous.kid, kid]);
    await until(Date.parse(printed));
    expect((await issue(a)).kid).toBe(kid);
    expect((await issue(b)).kid).toBe(kid);
    expect(await jwksKids(a)).toEqual([kid, previous.kid]);
    const entry = await prisma.activityLog.findFirst({ where: { action: 'signing_key_rotated', actorId: null } });
    expect(entry?.detail).toMatchObject({ kid, previous_kid: previous.kid });
  });

  it('when rotated by `pnpm sentinel keys rotate --compromised`, then it says the old tokens are refused, and both processes sign with the new key and stop publishing the old one at once', async () => {
    const previous = await issue(a);
    expect((await verify(b, previous.token)).payload.sub).toBe(seed.userId);
    const { kid, said } = await rotateWithCli(['--compromised']);
    expect(said).toContain(previous.kid);
    expect(said).toMatch(/now refused/);
    expect(await jwksKids(a)).toEqual([kid]);
    expect(await jwksKids(b)).toEqual([kid]);
    expect((await issue(a)).kid).toBe(kid);
    expect((await issue(b)).kid).toBe(kid);
    await expect(verify(b, previous.token)).rejects.toThrow();
  });

  it('when ENCRYPTION_KEY changes (old one as ENCRYPTION_KEY_PREVIOUS) and the processes restart, then the background job alone re-encrypts every row and tokens keep verifying', async () => {
    // A linked account whose provider tokens auth-service stored under the old key.
    const accountId = randomUUID();
    const ringA = createKeyRing({ current: keyA });
    await prisma.socialAccount.create({
      data: {
        id: accountId,
        userId: seed.userId,
        provider: 'github',
        providerUserId: accountId,
        accessTokenEncrypted: ringA.encrypt('gho_provider_access', aadFor('social_accounts', 'access_token_encrypted', accountId)),
        refreshTokenEncrypted: ringA.encrypt('ghr_provider_refresh', aadFor('social_accounts', 'refresh_token_encrypted', accountId)),
      },
    });
    // Tokens of a minute, so that one issued before the restart is still live after it.
    const longer = { ACCESS_TOKEN_EXPIRE_MINUTES: '1' };
    await Promise.all([stop(a), stop(b)]);
    [a, b] = await Promise.all([start(longer), start(longer)]);
    const before = await issue(a);
    const kidA = encryptionKeyId(keyA);
    const kidB = encryptionKeyId(keyB);
    for (const row of await prisma.signingKey.findMany()) expect(envelopeKid(row.privateKeyEncrypted)).toBe(kidA);

    await Promise.all([stop(a), stop(b)]);
    const changed = { ...longer, ENCRYPTION_KEY: keyB, ENCRYPTION_KEY_PREVIOUS: keyA };
    [a, b] = await Promise.all([start(changed), start(changed)]);

    // The test only waits and reads the rows; tokens verify all along.
    const deadline = Date.now() + 20_000;
    for (;;) {
      expect((await verify(a, before.token)).payload.sub).toBe(seed.userId);
      const keys = await prisma.signingKey.findMany();
      const account = await prisma.socialAccount.findUniqueOrThrow({ where: { id: accountId } });
      const kids = [...keys.map((k) => envelopeKid(k.privateKeyEncrypted)), envelopeKid(account.accessTokenEncrypted!), envelopeKid(account.refreshTokenEncrypted!)];
      if (kids.every((k) => k === kidB)) break;
      if (Date.now() > deadline) throw new Error(`not re-encrypted: ${kids.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const ringB = createKeyRing({ current: keyB });
    const account = await prisma.socialAccount.findUniqueOrThrow({ where: { id: accountId } });
    expect(ringB.decrypt(account.accessTokenEncrypted!, aadFor('social_accounts', 'access_token_encrypted', accountId)).toString()).toBe('gho_provider_access');
    expect(ringB.decrypt(account.refreshTokenEncrypted!, aadFor('social_accounts', 'refresh_token_encrypted', accountId)).toString()).toBe('ghr_provider_refresh');

    // New tokens sign with the same key, and a process that knows only the new key signs too.
    const after = await issue(b);
    expect(after.kid).toBe(before.kid);
    const onlyNew = await start({ ...longer, ENCRYPTION_KEY: keyB });
    const fromNew = await issue(onlyNew);
    expect(fromNew.kid).toBe(before.kid);
    expect((await verify(b, fromNew.token)).payload.sub).toBe(seed.userId);
    expect((await verify(onlyNew, before.token)).payload.sub).toBe(seed.userId);
  });
});
