import { setTimeout as sleep } from 'node:timers/promises';
import { aadFor, createKeyRing, encryptionKeyId, envelopeKid } from '@sentinel/crypto';
import { pkcePair } from './support/browser';
import { browserLogin, exchange, startSystem, workspaces, type System } from './support/system';

const OLD_KEY = '3f7a1c9e5b2d4f6a8c0e1b3d5f7a9c1e2b4d6f8a0c1e3b5d7f9a1c3e5b7d9f1a';
const NEW_KEY = '9d2b4f6a8c0e1f3a5b7c9d1e3f5a7b9c0d2e4f6a8b0c1d3e5f7a9b1c3d5e7f9a';
const COLUMNS = ['access_token_encrypted', 'refresh_token_encrypted'] as const;

describe('provider tokens across an ENCRYPTION_KEY rotation', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem({ google: 'google', github: 'github' }, { ENCRYPTION_KEY: OLD_KEY });
  }, 60_000);
  afterAll(async () => {
    await system.close();
  });

  const prisma = () => system.ctx.deps.prisma;

  /** Every stored envelope of the columns the re-encryption job covers, with its row's id. */
  async function envelopes() {
    const accounts = await prisma().socialAccount.findMany({ select: { id: true, accessTokenEncrypted: true, refreshTokenEncrypted: true } });
    const keys = await prisma().signingKey.findMany({ select: { kid: true, privateKeyEncrypted: true } });
    return [
      ...accounts.flatMap((a) => [
        { table: 'social_accounts', column: COLUMNS[0], id: a.id, value: a.accessTokenEncrypted },
        { table: 'social_accounts', column: COLUMNS[1], id: a.id, value: a.refreshTokenEncrypted },
      ]),
      ...keys.map((k) => ({ table: 'signing_keys', column: 'private_key_encrypted', id: k.kid, value: k.privateKeyEncrypted })),
    ].filter((e): e is { table: string; column: string; id: string; value: string } => e.value !== null);
  }

  async function signIn(provider: 'google' | 'github', sub: string, email: string) {
    system.fakes[provider]!.user = { sub, email, email_verified: true, name: sub };
    const { verifier, challenge } = pkcePair();
    const { code } = await browserLogin(system, system.browser(), provider, challenge);
    const [workspace] = (await workspaces(system, code ?? '')).body as Array<{ id: string }>;
    expect((await exchange(system, { code, workspace_id: workspace?.id, code_verifier: verifier })).status).toBe(200);
  }

  it('when ENCRYPTION_KEY is rotated and token-service restarted, then its background job alone re-encrypts every row, and they still decrypt', async () => {
    await signIn('google', '101', 'rot-a@example.com');
    await signIn('google', '102', 'rot-b@example.com');
    await signIn('github', '103', 'rot-c@example.com');

    const oldRing = createKeyRing({ current: OLD_KEY });
    const before = await envelopes();
    expect(before.filter((e) => e.table === 'social_accounts')).toHaveLength(6);
    expect(before.every((e) => envelopeKid(e.value) === encryptionKeyId(OLD_KEY))).toBe(true);
    const plaintexts = new Map(before.map((e) => [`${e.table}.${e.column}:${e.id}`, oldRing.decrypt(e.value, aadFor(e.table, e.column, e.id)).toString('base64')]));
    // While re-encryption runs, a ring with the new key and the previous one opens old rows.
    const rotatingRing = createKeyRing({ current: NEW_KEY, previous: OLD_KEY });
    for (const e of before) expect(() => rotatingRing.decrypt(e.value, aadFor(e.table, e.column, e.id))).not.toThrow();

    // The operator's rotation: the new key, the old one as previous, a restart. Nothing else.
    await system.restart('token', { ENCRYPTION_KEY: NEW_KEY, ENCRYPTION_KEY_PREVIOUS: OLD_KEY, REENCRYPT_INTERVAL_MS: '200' });

    // The test only waits and reads.
    const deadline = Date.now() + 45_000;
    let after = await envelopes();
    while (!after.every((e) => envelopeKid(e.value) === encryptionKeyId(NEW_KEY)) && Date.now() < deadline) {
      await sleep(200);
      after = await envelopes();
    }
    expect(after.map((e) => envelopeKid(e.value))).toEqual(after.map(() => encryptionKeyId(NEW_KEY)));
    expect(after).toHaveLength(before.length);

    // Under the new key alone, every row opens to what it held, and only on its own row.
    const newRing = createKeyRing({ current: NEW_KEY });
    for (const e of after) {
      expect(newRing.decrypt(e.value, aadFor(e.table, e.column, e.id)).toString('base64')).toBe(plaintexts.get(`${e.table}.${e.column}:${e.id}`));
      expect(() => oldRing.decrypt(e.value, aadFor(e.table, e.column, e.id))).toThrow();
    }
  }, 90_000);

  it('when auth-service is restarted with the new key, then logins work and write rows under the new key', async () => {
    await system.restart('auth', { ENCRYPTION_KEY: NEW_KEY, ENCRYPTION_KEY_PREVIOUS: OLD_KEY });
    const account = await prisma().socialAccount.findFirstOrThrow({ where: { provider: 'google', providerUserId: '101' } });
    await signIn('google', '101', 'rot-a@example.com');
    const updated = await prisma().socialAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(updated.accessTokenEncrypted).not.toBe(account.accessTokenEncrypted);
    const newRing = createKeyRing({ current: NEW_KEY });
    expect(envelopeKid(updated.accessTokenEncrypted ?? '')).toBe(encryptionKeyId(NEW_KEY));
    expect(newRing.decrypt(updated.accessTokenEncrypted ?? '', aadFor('social_accounts', 'access_token_encrypted', account.id)).toString()).toMatch(
      /^[0-9a-f]{32}$/,
    );
    expect(newRing.decrypt(updated.refreshTokenEncrypted ?? '', aadFor('social_accounts', 'refresh_token_encrypted', account.id)).toString()).toMatch(
      /^refresh-/,
    );
  }, 60_000);
});
