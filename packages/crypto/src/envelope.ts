import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { sha256Hex } from './hash';

/**
 * The one envelope for everything Sentinel encrypts at rest (signing keys, provider tokens):
 * AES-256-GCM with a random 96-bit IV per operation, serialized as a JSON string
 * `{"v":1,"alg":"A256GCM","kid":…,"iv":…,"ciphertext":…,"tag":…}` (binary fields base64url).
 *
 * The caller's associated data (see aadFor) binds a ciphertext to its row and column, so a value
 * copied to another row does not decrypt. The envelope's own header (v, alg, kid) is
 * authenticated too. `kid` names the encryption key without revealing it, so a ring holding the
 * current and the previous ENCRYPTION_KEY decrypts both, and re-encryption finds old rows.
 */
export const ENVELOPE_VERSION = 1;
export const ENVELOPE_ALG = 'A256GCM';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KID_LABEL = 'sentinel:encryption-key-id:v1:';
const HEX32 = /^[0-9a-fA-F]{64}$/;
const B64URL = /^[A-Za-z0-9_-]*$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Why an envelope could not be opened; the message never contains key material or plaintext. */
export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

export interface KeyRingKeys {
  /** ENCRYPTION_KEY: 32 bytes as 64 hex digits; everything new is encrypted under it. */
  current: string;
  /** ENCRYPTION_KEY_PREVIOUS: still decrypts while rows are re-encrypted. */
  previous?: string | undefined;
}

export interface KeyRing {
  /** The id of the current key, as it appears in new envelopes. */
  readonly currentKid: string;
  /** Encrypts under the current key; `aad` binds the result to its row (aadFor). */
  encrypt(plaintext: string | Buffer, aad: string): string;
  /** Opens an envelope of any key of the ring; throws EnvelopeError on any mismatch. */
  decrypt(envelope: string, aad: string): Buffer;
  /** True when the envelope is well formed and encrypted under the current key. */
  isCurrent(envelope: string): boolean;
}

interface Envelope {
  v: number;
  alg: string;
  kid: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** A key's id: the first 16 hex digits of SHA-256 over a label and the key (never the key itself). */
export function encryptionKeyId(hexKey: string): string {
  return sha256Hex(Buffer.concat([Buffer.from(KID_LABEL), parseKey(hexKey)])).slice(0, 16);
}

/**
 * The canonical associated data of an encrypted column of one row. Every service that writes
 * or reads an encrypted column uses it: `aadFor('social_accounts', 'access_token_encrypted', id)`.
 */
export function aadFor(table: string, column: string, rowId: string): string {
  if (!IDENTIFIER.test(table) || !IDENTIFIER.test(column)) throw new Error('aadFor: table and column must be SQL identifiers');
  if (rowId === '') throw new Error('aadFor: rowId must not be empty');
  return `sentinel:v1:${table}.${column}:${rowId}`;
}

/** The kid of a well-formed envelope, or undefined. */
export function envelopeKid(envelope: string): string | undefined {
  try {
    return parseEnvelope(envelope).kid;
  } catch {
    return undefined;
  }
}

export function createKeyRing(keys: KeyRingKeys): KeyRing {
  const current = parseKey(keys.current);
  const currentKid = encryptionKeyId(keys.current);
  const byKid = new Map<string, Buffer>([[currentKid, current]]);
  if (keys.previous !== undefined && keys.previous !== '') {
    const previousKid = encryptionKeyId(keys.previous);
    if (!byKid.has(previousKid)) byKid.set(previousKid, parseKey(keys.previous));
  }

  return {
    currentKid,
    encrypt(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(currentKid, aad));
      const ciphertext = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
      const envelope: Envelope = {
        v: ENVELOPE_VERSION,
        alg: ENVELOPE_ALG,
        kid: currentKid,
        iv: iv.toString('base64url'),
        ciphertext: ciphertext.toString('base64url'),
        tag: cipher.getAuthTag().toString('base64url'),
      };
      return JSON.stringify(envelope);
    },
    decrypt(serialized, aad) {
      const envelope = parseEnvelope(serialized);
      const key = byKid.get(envelope.kid);
      if (!key) throw new EnvelopeError(`Unknown encryption key id "${envelope.kid}" (is ENCRYPTION_KEY_PREVIOUS set?)`);
      const iv = Buffer.from(envelope.iv, 'base64url');
      const tag = Buffer.from(envelope.tag, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new EnvelopeError('Malformed envelope: bad iv or tag length');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(associatedData(envelope.kid, aad));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64url')), decipher.final()]);
      } catch {
        throw new EnvelopeError('Decryption failed: the envelope was altered or belongs to another row');
      }
    },
    isCurrent(serialized) {
      return envelopeKid(serialized) === currentKid;
    },
  };
}

function parseKey(hex: string): Buffer {
  if (!HEX32.test(hex)) throw new Error('Encryption keys must be 32 bytes as 64 hex digits');
  return Buffer.from(hex, 'hex');
}

/** The header is authenticated with the caller's aad, so neither can be swapped independently. */
function associatedData(kid: string, aad: string): Buffer {
  return Buffer.from(JSON.stringify([ENVELOPE_VERSION, ENVELOPE_ALG, kid, aad]), 'utf8');
}

function parseEnvelope(serialized: string): Envelope {
  let value: unknown;
  try {
    value = JSON.parse(serialized);
  } catch {
    throw new EnvelopeError('Malformed envelope: not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new EnvelopeError('Malformed envelope: not an object');
  const e = value as Record<string, unknown>;
  if (e.v !== ENVELOPE_VERSION) throw new EnvelopeError('Unsupported envelope version');
  if (e.alg !== ENVELOPE_ALG) throw new EnvelopeError('Unsupported envelope algorithm');
  for (const field of ['kid', 'iv', 'ciphertext', 'tag'] as const) {
    const v = e[field];
    if (typeof v !== 'string' || !B64URL.test(v)) throw new EnvelopeError(`Malformed envelope: bad ${field}`);
  }
  return e as unknown as Envelope;
}
