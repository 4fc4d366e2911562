import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { aadFor, type KeyRing } from '@sentinel/crypto';

const generateRsa = promisify(generateKeyPair);

/** A signing key pair with its RFC 7638 kid and the public half as stored (SPKI PEM). */
export interface KeyMaterial {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
}

/** RFC 7638 JWK thumbprint of an RSA public key: base64url SHA-256 of `{"e","kty","n"}` in that order. */
export function jwkThumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') throw new Error('Signing keys must be RSA');
  const canonical = JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

function material(privateKey: KeyObject, publicKey: KeyObject): KeyMaterial {
  return {
    kid: jwkThumbprint(publicKey),
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export async function generateKeyMaterial(bits: number): Promise<KeyMaterial> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return material(privateKey, publicKey);
}

/**
 * The operator's key from JWT_PRIVATE_KEY_PATH (PEM, PKCS#8 or PKCS#1). When JWT_PUBLIC_KEY_PATH
 * is given too, it must be the public half of that private key.
 */
export function loadKeyMaterial(privatePath: string, publicPath?: string): KeyMaterial {
  const privateKey = createPrivateKey(readFileSync(privatePath));
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== 'rsa' || bits < 2048) {
    throw new Error('JWT_PRIVATE_KEY_PATH must hold an RSA private key of at least 2048 bits');
  }
  const publicKey = createPublicKey(privateKey);
  if (publicPath !== undefined && publicPath !== '') {
    const given = createPublicKey(readFileSync(publicPath));
    if (given.asymmetricKeyType !== 'rsa' || jwkThumbprint(given) !== jwkThumbprint(publicKey)) {
      throw new Error('JWT_PUBLIC_KEY_PATH does not hold the public key of JWT_PRIVATE_KEY_PATH');
    }
  }
  return material(privateKey, publicKey);
}

export const privateKeyAad = (kid: string) => aadFor('signing_keys', 'private_key_encrypted', kid);

/** The private key as stored: PKCS#8 DER in an envelope bound to its row (the kid). */
export function sealPrivateKey(ring: KeyRing, kid: string, privateKey: KeyObject): string {
  return ring.encrypt(privateKey.export({ type: 'pkcs8', format: 'der' }), privateKeyAad(kid));
}

/** Opens a stored private key and checks it really is the key of that kid. */
export function openPrivateKey(ring: KeyRing, kid: string, envelope: string): KeyObject {
  const privateKey = createPrivateKey({ key: ring.decrypt(envelope, privateKeyAad(kid)), format: 'der', type: 'pkcs8' });
  if (jwkThumbprint(createPublicKey(privateKey)) !== kid) throw new Error(`Stored private key does not match kid ${kid}`);
  return privateKey;
}
