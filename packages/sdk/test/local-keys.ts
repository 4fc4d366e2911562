/**
 * A local JWKS for the token tests: RSA keys made with node:crypto, a tiny HTTP server publishing
 * whichever of them the test chooses (counting fetches), and compact JWS signing by hand so that
 * tests control every header and claim, malformed ones included.
 */
import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function makeKey(kid: string = randomUUID()): LocalKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

export const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** RS256 over `header.payload` (the header as given: the test decides alg and kid). */
export function signRs256(key: LocalKey, payload: object, header: object = { alg: 'RS256', typ: 'JWT', kid: key.kid }): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** The HS256-with-the-public-key confusion attack. */
export function signHs256WithPublicKey(key: LocalKey, payload: object): string {
  const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64(payload)}`;
  const secret = key.publicKey.export({ type: 'spki', format: 'pem' });
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export interface LocalJwks {
  url: string;
  /** The keys the server publishes now. */
  published: LocalKey[];
  fetches: number;
  close(): Promise<void>;
}

export async function startJwks(published: LocalKey[]): Promise<LocalJwks> {
  const jwks: LocalJwks = { url: '', published, fetches: 0, close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    jwks.fetches += 1;
    const keys = jwks.published.map((k) => ({ ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig', alg: 'RS256' }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  jwks.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  jwks.close = () => new Promise((resolve) => server.close(() => resolve()));
  return jwks;
}

/** The claims of a well-formed access token issued by `issuer`, `overrides` applied. */
export function accessClaims(issuer: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer,
    aud: 'sentinel:access',
    type: 'access',
    sub: randomUUID(),
    jti: randomUUID(),
    iat: now,
    exp: now + 900,
    email: 'ada@example.com',
    name: 'Ada',
    wid: randomUUID(),
    wslug: 'team',
    wrole: 'editor',
    groups: [randomUUID()],
    ...overrides,
  };
}
