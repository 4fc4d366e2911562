import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyRing, envelopeKid } from '@sentinel/crypto';
import { createPrismaClient } from '@sentinel/db';
import { createTestContext, type TestContext } from '@sentinel/testing';
import { loadConfig, type Config } from '../src/config';
import { createKeyRotation, createKeyStore, jwkThumbprint, privateKeyAad, publishWindowMs, type KeyStore } from '../src/keys';

/** Publish-ahead of 2 s: a rotated key is listed second for 2 s, then signs. */
const AHEAD_MS = 2000;

const env = {
  ACCESS_TOKEN_EXPIRE_MINUTES: '0.05',
  ADMIN_TOKEN_EXPIRE_MINUTES: '0.02',
  JWT_CLOCK_SKEW_SECONDS: '0',
  SIGNING_KEY_PUBLISH_AHEAD_SECONDS: String(AHEAD_MS / 1000),
};

const until = (at: Date) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at.getTime() - Date.now() + 50)));

/** Polls `check` until it returns true (for pub/sub delivery within the same process). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const derOf = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'der' });

describe('RFC 7638 thumbprint', () => {
  it('when the RFC example key is given, then its thumbprint is the one in the RFC', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    const key = createPublicKey({ key: { kty: 'RSA', n, e: 'AQAB' }, format: 'jwk' });
    expect(jwkThumbprint(key)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
});

describe('signing key store', () => {
  let ctx: TestContext<Config>;
  let store: KeyStore;
  const extraClients: Array<{ $disconnect(): Promise<void> }> = [];

  /** Another replica: its own pool and subscriber over the same database and Redis prefix. */
  const replica = (config: Config = ctx.deps.config): KeyStore => {
    const prisma = createPrismaClient(ctx.databaseUrl, { poolSize: 2 });
    extraClients.push(prisma);
    return createKeyStore({ ...ctx.deps, config, prisma });
  };

  beforeAll(async () => {
    ctx = await createTestContext(loadConfig, env);
  });
  afterAll(async () => {
    await ctx.close();
    await Promise.all(extraClients.map((c) => c.$disconnect()));
  });

  it('when several replicas start at once on an empty table, then exactly one key becomes active and all sign with it', async () => {
    const replicas = [replica(), replica(), replica(), replica()];
    const keys = await Promise.all(replicas.map((r) => r.signingKey()));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    const rows = await ctx.deps.prisma.signingKey.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.retiredAt).toBeNull();
    store = createKeyStore(ctx.deps);
    const key = await store.signingKey();
    expect(key.kid).toBe(keys[0]?.kid);
    // The kid is the RFC 7638 thumbprint of the key.
    expect(key.kid).toBe(jwkThumbprint(createPublicKey(key.privateKey)));
    expect(key.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(await ctx.deps.prisma.activityLog.count({ where: { action: 'signing_key_created' } })).toBe(1);
  });

  it('when asked twice, then the same KeyObject is returned (no decryption per call)', async () => {
    const one = await store.signingKey();
    const two = await store.signingKey();
    expect(two.privateKey).toBe(one.privateKey);
  });

  it('when the rows are read, then no private key material is stored in clear and the envelope is bound to its row', async () => {
    const { kid, privateKey } = await store.signingKey();
    const rows = await ctx.deps.prisma.$queryRaw<Array<Record<string, unknown>>>`SELECT * FROM signing_keys`;
    const dump = JSON.stringify(rows);
    const der = derOf(privateKey);
    expect(dump).not.toContain('PRIVATE KEY');
    expect(String(rows[0]?.private_key_encrypted)).not.toContain('BEGIN');
    expect(dump).not.toContain(der.toString('base64').slice(40, 120));
    expect(dump).not.toContain(der.toString('base64url').slice(40, 120));
    expect(dump).not.toContain(der.toString('hex').slice(80, 240));
    const d = privateKey.export({ format: 'jwk' }).d ?? '';
    expect(d.length).toBeGreaterThan(100);
    expect(dump).not.toContain(d.slice(0, 60));

    const envelope = String(rows[0]?.private_key_encrypted);
    const ring = createKeyRing({ current: ctx.deps.config.ENCRYPTION_KEY });
    expect(envelopeKid(envelope)).toBe(ring.currentKid);
    expect(ring.decrypt(envelope, privateKeyAad(kid)).equals(der)).toBe(true);
    expect(() => ring.decrypt(envelope, privateKeyAad('another-kid'))).toThrow(/altered or belongs to another row/);
  });

  it.each([
    ['a path', '../../etc/passwd'],
    ['SQL', "x' OR '1'='1"],
    ['SQL with a comment', "'; DROP TABLE signing_keys; --"],
    ['empty', ''],
    ['huge', 'A'.repeat(100_000)],
    ['well-formed but unknown', 'A'.repeat(43)],
    ['not a string', 42 as unknown as string],
  ])('when the kid is junk (%s), then verificationKey is undefined without error', async (_name, kid) => {
    await expect(store.verificationKey(kid)).resolves.toBeUndefined();
  });

  it('when the key is rotated, then the new key is published second at once, signs from active_at on every replica, the old one stays published until publish_until, and the rotation is logged', async () => {
    const old = await store.signingKey();
    const other = replica();
    expect((await other.signingKey()).kid).toBe(old.kid);
    const actorId = '0b9a7c4e-3f61-4d0c-9a35-6a1f1f0c2b11';
    const before = Date.now();
    const { kid, activeAt, refusedKids } = await store.rotate({ actorId });
    const after = Date.now();

    expect(kid).not.toBe(old.kid);
    expect(refusedKids).toEqual([]);
    expect(activeAt.getTime()).toBeGreaterThanOrEqual(before + AHEAD_MS);
    expect(activeAt.getTime()).toBeLessThanOrEqual(after + AHEAD_MS);
    // Published ahead: listed second (clients that take the first key keep the one that signs), not signing yet.
    expect((await store.published()).map((k) => k.kid)).toEqual([old.kid, kid]);
    expect((await store.signingKey()).kid).toBe(old.kid);
    expect(await store.verificationKey(kid)).toBeDefined();
    // The other replica hears about it through Redis and lists it too, long before its cache TTL.
    await eventually(async () => (await other.published()).map((k) => k.kid).join() === [old.kid, kid].join());
    expect((await other.signingKey()).kid).toBe(old.kid);

    // From active_at on, every replica signs with it: chosen by the clock, no message needed.
    await until(activeAt);
    const restarted = replica();
    for (const r of [store, other, restarted]) {
      expect((await r.signingKey()).kid).toBe(kid);
      expect((await r.published()).map((k) => k.kid)).toEqual([kid, old.kid]);
    }
    expect(await store.verificationKey(old.kid)).toBeDefined();

    const oldRow = await ctx.deps.prisma.signingKey.findUniqueOrThrow({ where: { kid: old.kid } });
    const window = publishWindowMs(ctx.deps.config);
    // longest lifetime (0.05 min = 3 s) + skew (0) + the cache TTL (5 s).
    expect(window).toBe(8_000);
    // It stopped signing at active_at; its last tokens verify until their expiry plus skew.
    expect(oldRow.retiredAt?.getTime()).toBe(activeAt.getTime());
    expect(oldRow.publishUntil!.getTime() - activeAt.getTime()).toBe(window);
    const newRow = await ctx.deps.prisma.signingKey.findUniqueOrThrow({ where: { kid } });
    expect(newRow.activatesAt.getTime()).toBe(activeAt.getTime());
    expect(newRow.retiredAt).toBeNull();

    const entries = await ctx.deps.prisma.activityLog.findMany({ where: { action: 'signing_key_rotated' } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actorId, targetType: 'signing_key', detail: { kid, previous_kid: old.kid, activates_at: activeAt.toISOString() } });
  });

  it('when rotated twice within the publish-ahead period, then both are published in activation order after the signing key', async () => {
    const signing = await store.signingKey();
    // Longer than the file's publish-ahead: two key generations fit in it even on a loaded machine.
    const rotation = createKeyRotation({ ...ctx.deps, config: loadConfig({ ...ctx.env, SIGNING_KEY_PUBLISH_AHEAD_SECONDS: '5' }) });
    const first = await rotation.rotate();
    const second = await rotation.rotate();
    await eventually(async () => (await store.published()).some((k) => k.kid === second.kid));
    expect(second.activeAt.getTime()).toBeGreaterThan(first.activeAt.getTime());
    expect((await store.published()).map((k) => k.kid).slice(0, 3)).toEqual([signing.kid, first.kid, second.kid]);
    await until(second.activeAt);
    expect((await store.signingKey()).kid).toBe(second.kid);
    expect((await store.published()).map((k) => k.kid).slice(0, 3)).toEqual([second.kid, first.kid, signing.kid]);
  });

  it('when a retired key is past publish_until, then it is neither published nor usable for verification', async () => {
    const [, retired] = await store.published();
    expect(retired).toBeDefined();
    await ctx.deps.prisma.signingKey.update({ where: { kid: retired!.kid }, data: { publishUntil: new Date(Date.now() - 1000) } });
    const fresh = replica();
    expect((await fresh.published()).map((k) => k.kid)).not.toContain(retired!.kid);
    expect(await fresh.verificationKey(retired!.kid)).toBeUndefined();
  });

  it('when another replica rotates, then an unknown but real kid is found by reloading', async () => {
    const mine = replica();
    await mine.signingKey();
    const { kid } = await replica().rotate();
    // Even without waiting for the message, a token with the new kid verifies here.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await mine.verificationKey(kid)).toBeDefined();
  });

  it('when an emergency rotation is made, then the new key signs at once everywhere and every other key, a pending one included, is dropped', async () => {
    // Once the rotations of the tests above have all taken effect.
    const newest = await ctx.deps.prisma.signingKey.findFirstOrThrow({ orderBy: { activatesAt: 'desc' } });
    await until(newest.activatesAt);
    const other = replica();
    const old = await store.signingKey();
    expect((await other.signingKey()).kid).toBe(old.kid);
    // A rotation pending for a minute, made elsewhere (as by the CLI).
    const longer = loadConfig({ ...ctx.env, SIGNING_KEY_PUBLISH_AHEAD_SECONDS: '60' });
    const pending = await createKeyRotation({ ...ctx.deps, config: longer }).rotate();
    await eventually(async () => (await store.published()).some((k) => k.kid === pending.kid));
    const publishedBefore = (await store.published()).map((k) => k.kid);
    expect(publishedBefore).toContain(pending.kid);

    const { kid, activeAt, refusedKids } = await store.rotate({ immediate: true });
    expect(activeAt.getTime()).toBeLessThanOrEqual(Date.now());
    // Every key still published (a retired one may have expired meanwhile), the signing and the pending one above all.
    expect(refusedKids).toEqual(expect.arrayContaining([old.kid, pending.kid]));
    expect(publishedBefore).toEqual(expect.arrayContaining(refusedKids));
    expect((await store.signingKey()).kid).toBe(kid);
    expect((await store.published()).map((k) => k.kid)).toEqual([kid]);
    expect(await store.verificationKey(old.kid)).toBeUndefined();
    expect(await store.verificationKey(pending.kid)).toBeUndefined();
    await eventually(async () => (await other.verificationKey(old.kid)) === undefined);
    expect((await other.signingKey()).kid).toBe(kid);
    // The pending key is dropped too: it will never sign, whatever its activation time.
    const pendingRow = await ctx.deps.prisma.signingKey.findUniqueOrThrow({ where: { kid: pending.kid } });
    expect(pendingRow.publishUntil!.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await replica().signingKey()).kid).toBe(kid);
    const entry = await ctx.deps.prisma.activityLog.findFirst({ where: { action: 'signing_key_rotated', detail: { path: ['source'], equals: 'emergency' } } });
    expect(entry?.detail).toMatchObject({ kid, previous_kid: old.kid });
  });

  describe('with JWT_PRIVATE_KEY_PATH', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'sentinel-keys-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const writeKey = (name: string, type: 'pkcs8' | 'pkcs1') => {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(join(dir, `${name}.pem`), privateKey.export({ type, format: 'pem' }));
      writeFileSync(join(dir, `${name}.pub.pem`), publicKey.export({ type: 'spki', format: 'pem' }));
      return { privateKey, publicKey, path: join(dir, `${name}.pem`), publicPath: join(dir, `${name}.pub.pem`) };
    };

    it('when a key file is configured and unknown, then it is published ahead like a rotation, signs from then on, and the previous one stays published', async () => {
      const file = writeKey('operator', 'pkcs1');
      const previous = (await store.signingKey()).kid;
      const config = loadConfig({ ...ctx.env, JWT_PRIVATE_KEY_PATH: file.path, JWT_PUBLIC_KEY_PATH: file.publicPath });
      const fromFile = replica(config);
      const kid = jwkThumbprint(file.publicKey);
      expect((await fromFile.signingKey()).kid).toBe(previous);
      expect((await fromFile.published()).map((k) => k.kid).slice(0, 2)).toEqual([previous, kid]);
      const row = await ctx.deps.prisma.signingKey.findUniqueOrThrow({ where: { kid } });
      await until(row.activatesAt);
      const key = await fromFile.signingKey();
      expect(key.kid).toBe(kid);
      expect(derOf(key.privateKey).equals(derOf(file.privateKey))).toBe(true);
      expect((await fromFile.published()).map((k) => k.kid).slice(0, 2)).toEqual([key.kid, previous]);
      // Stored encrypted like any other key.
      expect(row.privateKeyEncrypted).not.toContain('BEGIN');
      // A second start with the same file changes nothing.
      const count = await ctx.deps.prisma.signingKey.count();
      await replica(config).signingKey();
      expect(await ctx.deps.prisma.signingKey.count()).toBe(count);
    });

    it('when JWT_PUBLIC_KEY_PATH is not the public half of the private key, then the store refuses it', async () => {
      const one = writeKey('one', 'pkcs8');
      const two = writeKey('two', 'pkcs8');
      const config = loadConfig({ ...ctx.env, JWT_PRIVATE_KEY_PATH: one.path, JWT_PUBLIC_KEY_PATH: two.publicPath });
      await expect(replica(config).signingKey()).rejects.toThrow(/JWT_PUBLIC_KEY_PATH does not hold the public key/);
    });
  });
});
