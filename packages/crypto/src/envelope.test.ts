import { randomBytes } from 'node:crypto';
import { aadFor, createKeyRing, encryptionKeyId, EnvelopeError, envelopeKid } from './index';

const keyA = randomBytes(32).toString('hex');
const keyB = randomBytes(32).toString('hex');
const aad = aadFor('signing_keys', 'private_key_encrypted', 'kid-1');

/** Flips one bit of a base64url field of the envelope. */
function flip(envelope: string, field: 'iv' | 'ciphertext' | 'tag'): string {
  const parsed = JSON.parse(envelope) as Record<string, string>;
  const bytes = Buffer.from(parsed[field] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return JSON.stringify({ ...parsed, [field]: bytes.toString('base64url') });
}

describe('key ring envelope', () => {
  it('when text is encrypted, then it decrypts with the same aad and the envelope has the versioned shape', () => {
    const ring = createKeyRing({ current: keyA });
    const envelope = ring.encrypt('provider-token-123', aad);
    const parsed = JSON.parse(envelope) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['v', 'alg', 'kid', 'iv', 'ciphertext', 'tag']);
    expect(parsed).toMatchObject({ v: 1, alg: 'A256GCM', kid: ring.currentKid });
    expect(Buffer.from(parsed.iv as string, 'base64url')).toHaveLength(12);
    expect(Buffer.from(parsed.tag as string, 'base64url')).toHaveLength(16);
    expect(envelope).not.toContain('provider-token-123');
    expect(ring.decrypt(envelope, aad).toString('utf8')).toBe('provider-token-123');
  });

  it('when the same value is encrypted twice, then the IVs and ciphertexts differ', () => {
    const ring = createKeyRing({ current: keyA });
    const one = JSON.parse(ring.encrypt('same', aad)) as Record<string, string>;
    const two = JSON.parse(ring.encrypt('same', aad)) as Record<string, string>;
    expect(one.iv).not.toBe(two.iv);
    expect(one.ciphertext).not.toBe(two.ciphertext);
  });

  it('when bytes are encrypted, then the same bytes come back', () => {
    const ring = createKeyRing({ current: keyA });
    const bytes = randomBytes(1200);
    expect(ring.decrypt(ring.encrypt(bytes, aad), aad).equals(bytes)).toBe(true);
    expect(ring.decrypt(ring.encrypt('', aad), aad)).toHaveLength(0);
  });

  it.each(['iv', 'ciphertext', 'tag'] as const)('when one bit of %s is flipped, then decrypt throws', (field) => {
    const ring = createKeyRing({ current: keyA });
    const tampered = flip(ring.encrypt('secret', aad), field);
    expect(() => ring.decrypt(tampered, aad)).toThrow(EnvelopeError);
    expect(() => ring.decrypt(tampered, aad)).toThrow(/altered or belongs to another row/);
  });

  it('when the ciphertext is moved to another row or column, then decrypt throws', () => {
    const ring = createKeyRing({ current: keyA });
    const envelope = ring.encrypt('secret', aadFor('social_accounts', 'access_token_encrypted', 'row-1'));
    expect(() => ring.decrypt(envelope, aadFor('social_accounts', 'access_token_encrypted', 'row-2'))).toThrow(EnvelopeError);
    expect(() => ring.decrypt(envelope, aadFor('social_accounts', 'refresh_token_encrypted', 'row-1'))).toThrow(EnvelopeError);
  });

  it('when the kid is unknown to the ring, then decrypt throws naming the kid', () => {
    const envelope = createKeyRing({ current: keyB }).encrypt('secret', aad);
    expect(() => createKeyRing({ current: keyA }).decrypt(envelope, aad)).toThrow(/Unknown encryption key id/);
  });

  it('when the header kid is swapped to another key of the ring, then decrypt throws', () => {
    const ring = createKeyRing({ current: keyA, previous: keyB });
    const parsed = JSON.parse(ring.encrypt('secret', aad)) as Record<string, string>;
    const swapped = JSON.stringify({ ...parsed, kid: encryptionKeyId(keyB) });
    expect(() => ring.decrypt(swapped, aad)).toThrow(EnvelopeError);
  });

  it('when the envelope is malformed or of another version, then decrypt throws a clear error', () => {
    const ring = createKeyRing({ current: keyA });
    const parsed = JSON.parse(ring.encrypt('secret', aad)) as Record<string, unknown>;
    expect(() => ring.decrypt('not json', aad)).toThrow(/Malformed envelope/);
    expect(() => ring.decrypt('"a string"', aad)).toThrow(/Malformed envelope/);
    expect(() => ring.decrypt(JSON.stringify({ ...parsed, v: 2 }), aad)).toThrow(/version/);
    expect(() => ring.decrypt(JSON.stringify({ ...parsed, alg: 'A128GCM' }), aad)).toThrow(/algorithm/);
    expect(() => ring.decrypt(JSON.stringify({ ...parsed, iv: 'AAAA' }), aad)).toThrow(/iv or tag/);
    expect(() => ring.decrypt(JSON.stringify({ ...parsed, tag: 42 }), aad)).toThrow(/bad tag/);
  });

  it('when the key changed and the old one is previous, then old envelopes decrypt and only new ones are current', () => {
    const old = createKeyRing({ current: keyA });
    const envelope = old.encrypt('secret', aad);
    const ring = createKeyRing({ current: keyB, previous: keyA });
    expect(ring.isCurrent(envelope)).toBe(false);
    expect(ring.decrypt(envelope, aad).toString()).toBe('secret');
    const renewed = ring.encrypt(ring.decrypt(envelope, aad), aad);
    expect(ring.isCurrent(renewed)).toBe(true);
    expect(envelopeKid(renewed)).toBe(ring.currentKid);
    expect(envelopeKid('junk')).toBeUndefined();
    expect(ring.isCurrent('junk')).toBe(false);
  });

  it('when a key id is derived, then it is stable, short, and does not contain the key', () => {
    expect(encryptionKeyId(keyA)).toMatch(/^[0-9a-f]{16}$/);
    expect(encryptionKeyId(keyA)).toBe(encryptionKeyId(keyA.toUpperCase()));
    expect(encryptionKeyId(keyA)).not.toBe(encryptionKeyId(keyB));
    expect(keyA).not.toContain(encryptionKeyId(keyA));
    expect(createKeyRing({ current: keyA }).currentKid).toBe(encryptionKeyId(keyA));
  });

  it('when a key is not 64 hex digits, then the ring refuses it', () => {
    expect(() => createKeyRing({ current: 'abc' })).toThrow(/64 hex digits/);
    expect(() => createKeyRing({ current: keyA, previous: 'z'.repeat(64) })).toThrow(/64 hex digits/);
  });

  it('when aadFor gets a non-identifier table or an empty row id, then it throws', () => {
    expect(aadFor('social_accounts', 'access_token_encrypted', 'abc')).toBe('sentinel:v1:social_accounts.access_token_encrypted:abc');
    expect(() => aadFor('social accounts', 'x', 'abc')).toThrow();
    expect(() => aadFor('t', 'c', '')).toThrow();
  });
});
