import { randomBytes, randomUUID } from 'node:crypto';
import { aadFor, createKeyRing, envelopeKid } from '@sentinel/crypto';
import { createLogger } from '@sentinel/http';
import { createTestContext, type TestContext } from '@sentinel/testing';
import { loadConfig, type Config } from '../src/config';
import { reencryptAll } from '../src/jobs/reencrypt';
import { createKeyStore } from '../src/keys';

const logger = createLogger('test', 'silent');
const newKey = randomBytes(32).toString('hex');

describe('re-encryption of every encrypted column', () => {
  let ctx: TestContext<Config>;
  const oldKey = () => ctx.deps.config.ENCRYPTION_KEY;

  beforeAll(async () => {
    ctx = await createTestContext(loadConfig);
  });
  afterAll(() => ctx.close());

  /** A linked account whose provider tokens auth-service stored under the old key. */
  async function seedSocialAccount(tokens: { access?: string; refresh?: string }) {
    const ring = createKeyRing({ current: oldKey() });
    const id = randomUUID();
    const user = await ctx.deps.prisma.user.create({ data: { email: `u-${id}@example.com`, name: 'U' } });
    await ctx.deps.prisma.socialAccount.create({
      data: {
        id,
        userId: user.id,
        provider: 'github',
        providerUserId: id,
        accessTokenEncrypted: tokens.access === undefined ? null : ring.encrypt(tokens.access, aadFor('social_accounts', 'access_token_encrypted', id)),
        refreshTokenEncrypted: tokens.refresh === undefined ? null : ring.encrypt(tokens.refresh, aadFor('social_accounts', 'refresh_token_encrypted', id)),
      },
    });
    return id;
  }

  it('when ENCRYPTION_KEY changed, then one pass re-encrypts signing keys and provider tokens, and the new key alone reads them', async () => {
    // Two signing keys (one retired) and three accounts under the old key; a batch size of 2 crosses batches.
    const store = createKeyStore(ctx.deps);
    const { kid: firstKid } = await store.signingKey();
    await store.rotate();
    const accounts = [
      await seedSocialAccount({ access: 'gho_access_1', refresh: 'ghr_refresh_1' }),
      await seedSocialAccount({ access: 'gho_access_2' }),
      await seedSocialAccount({ refresh: 'ghr_refresh_3' }),
    ];

    const ring = createKeyRing({ current: newKey, previous: oldKey() });
    const result = await reencryptAll(ctx.deps.prisma, ring, logger, { batchSize: 2 });
    expect(result).toEqual({ reencrypted: 6, skipped: 0 });

    const onlyNew = createKeyRing({ current: newKey });
    const keys = await ctx.deps.prisma.signingKey.findMany();
    expect(keys).toHaveLength(2);
    for (const row of keys) expect(envelopeKid(row.privateKeyEncrypted)).toBe(onlyNew.currentKid);
    const rows = await ctx.deps.prisma.socialAccount.findMany({ where: { id: { in: accounts } } });
    const read = (value: string | null, column: string, id: string) =>
      value === null ? null : onlyNew.decrypt(value, aadFor('social_accounts', column, id)).toString();
    const plain = Object.fromEntries(
      rows.map((r) => [r.id, [read(r.accessTokenEncrypted, 'access_token_encrypted', r.id), read(r.refreshTokenEncrypted, 'refresh_token_encrypted', r.id)]]),
    );
    expect(plain).toEqual({
      [accounts[0]!]: ['gho_access_1', 'ghr_refresh_1'],
      [accounts[1]!]: ['gho_access_2', null],
      [accounts[2]!]: [null, 'ghr_refresh_3'],
    });

    // A store that knows only the new key signs with the same keys as before.
    const newOnlyStore = createKeyStore({ ...ctx.deps, config: loadConfig({ ...ctx.env, ENCRYPTION_KEY: newKey }) });
    expect((await newOnlyStore.published()).map((k) => k.kid)).toContain(firstKid);
    await expect(newOnlyStore.signingKey()).resolves.toMatchObject({ kid: (await store.signingKey()).kid });

    // Nothing left: a second pass is a no-op.
    expect(await reencryptAll(ctx.deps.prisma, ring, logger)).toEqual({ reencrypted: 0, skipped: 0 });
  });

  it('when two replicas run the pass at once, then every row is re-encrypted exactly once and stays readable', async () => {
    const third = randomBytes(32).toString('hex');
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => seedSocialAccount({ access: `a${n}`, refresh: `r${n}` })));
    // The old-key rows of this test are under ENCRYPTION_KEY; re-encrypt them to `third`.
    const ring = createKeyRing({ current: third, previous: oldKey() });
    const [one, two] = await Promise.all([
      reencryptAll(ctx.deps.prisma, ring, logger, { batchSize: 2 }),
      reencryptAll(ctx.deps.prisma, ring, logger, { batchSize: 3 }),
    ]);
    // Rows of the first test are under newKey, which this ring does not hold: they are skipped, never damaged.
    const rows = await ctx.deps.prisma.socialAccount.findMany({ where: { id: { in: ids } } });
    expect(one.reencrypted + two.reencrypted).toBe(10);
    for (const r of rows) {
      expect(ring.decrypt(r.accessTokenEncrypted!, aadFor('social_accounts', 'access_token_encrypted', r.id)).toString()).toMatch(/^a\d$/);
      expect(ring.isCurrent(r.refreshTokenEncrypted!)).toBe(true);
    }
  });

  it('when a row cannot be decrypted (moved from another row), then it is skipped and left as it was, and the others proceed', async () => {
    const ring = createKeyRing({ current: oldKey() });
    const [a, b] = [await seedSocialAccount({ access: 'x' }), await seedSocialAccount({ access: 'y' })];
    const rowA = await ctx.deps.prisma.socialAccount.findUniqueOrThrow({ where: { id: a } });
    // Copy A's ciphertext into B: its associated data no longer matches.
    await ctx.deps.prisma.socialAccount.update({ where: { id: b }, data: { accessTokenEncrypted: rowA.accessTokenEncrypted } });
    const target = createKeyRing({ current: randomBytes(32).toString('hex'), previous: ctx.deps.config.ENCRYPTION_KEY });
    const result = await reencryptAll(ctx.deps.prisma, target, logger, {
      columns: [{ table: 'social_accounts', column: 'access_token_encrypted', idColumn: 'id', idType: 'uuid' }],
    });
    expect(result.skipped).toBeGreaterThanOrEqual(1);
    const [afterA, afterB] = await Promise.all([a, b].map((id) => ctx.deps.prisma.socialAccount.findUniqueOrThrow({ where: { id } })));
    expect(target.isCurrent(afterA!.accessTokenEncrypted!)).toBe(true);
    expect(afterB!.accessTokenEncrypted).toBe(rowA.accessTokenEncrypted);
    expect(ring.decrypt(rowA.accessTokenEncrypted!, aadFor('social_accounts', 'access_token_encrypted', a)).toString()).toBe('x');
  });
});
