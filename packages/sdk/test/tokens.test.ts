/** verifyAccessToken against a local JWKS: every check of docs/api.md "Tokens". */
import { createTokenVerifier, SentinelError, type TokenVerifier } from '../src';
import { freePort } from '@sentinel/testing';
import { accessClaims, b64, makeKey, signHs256WithPublicKey, signRs256, startJwks, type LocalJwks, type LocalKey } from './local-keys';

const now = () => Math.floor(Date.now() / 1000);

async function rejection(promise: Promise<unknown>): Promise<{ status: number; detail: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SentinelError)) throw new Error(`expected a SentinelError, got ${String(err)}`);
  return { status: err.status, detail: err.detail };
}

describe('verifyAccessToken', () => {
  let key: LocalKey;
  let jwks: LocalJwks;
  let verifier: TokenVerifier;
  const claims = (overrides: Record<string, unknown> = {}) => accessClaims(jwks.url, overrides);

  beforeAll(async () => {
    key = makeKey();
    jwks = await startJwks([key]);
    verifier = createTokenVerifier({ baseUrl: jwks.url, jwksCooldownMs: 100 });
  });
  afterAll(() => jwks.close());

  it('when the token is valid, then it gives the user with the API field names and keeps the token out of its JSON', async () => {
    const payload = claims({ wrole: 'editor' });
    const token = signRs256(key, payload);
    const user = await verifier.verifyAccessToken(token);
    expect(user).toMatchObject({
      user_id: payload.sub,
      email: 'ada@example.com',
      name: 'Ada',
      workspace_id: payload.wid,
      workspace_slug: 'team',
      workspace_role: 'editor',
      groups: payload.groups,
    });
    expect(user.token).toBe(token);
    expect(JSON.stringify(user)).not.toContain(token);
    expect([user.isEditor, user.isAdmin, user.hasRole('viewer'), user.hasRole('owner')]).toEqual([true, false, true, false]);
  });

  it('when the algorithm is HS256 keyed with the public key, or none, then the token is invalid', async () => {
    await expect(rejection(verifier.verifyAccessToken(signHs256WithPublicKey(key, claims())))).resolves.toEqual({ status: 401, detail: 'Invalid token' });
    const none = `${b64({ alg: 'none', typ: 'JWT', kid: key.kid })}.${b64(claims())}.`;
    await expect(rejection(verifier.verifyAccessToken(none))).resolves.toEqual({ status: 401, detail: 'Invalid token' });
  });

  it('when the signature or the payload is tampered with, then the token is invalid', async () => {
    const [header, payload, signature] = signRs256(key, claims()).split('.') as [string, string, string];
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    await expect(rejection(verifier.verifyAccessToken(`${header}.${payload}.${flipped}`))).resolves.toMatchObject({ detail: 'Invalid token' });
    const promoted = b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), wrole: 'owner' });
    await expect(rejection(verifier.verifyAccessToken(`${header}.${promoted}.${signature}`))).resolves.toMatchObject({ detail: 'Invalid token' });
    await expect(rejection(verifier.verifyAccessToken('not-a-jwt'))).resolves.toMatchObject({ detail: 'Invalid token' });
  });

  it('when the header has no kid or carries its own key, then the token is invalid', async () => {
    // Validly signed with our key: only the refusal of key-carrying headers rejects it.
    const embedded = signRs256(key, claims(), { alg: 'RS256', kid: key.kid, jwk: key.publicKey.export({ format: 'jwk' }) });
    await expect(rejection(verifier.verifyAccessToken(embedded))).resolves.toMatchObject({ detail: 'Invalid token' });
    await expect(rejection(verifier.verifyAccessToken(signRs256(key, claims(), { alg: 'RS256' })))).resolves.toMatchObject({ detail: 'Invalid token' });
  });

  it('when the issuer, audience or type is not an access token of this Sentinel, then its claims are invalid', async () => {
    for (const wrong of [{ iss: 'http://evil.example' }, { aud: 'sentinel:admin' }, { type: 'refresh' }, { type: undefined }, { wrole: 'root' }, { wid: undefined }]) {
      await expect(rejection(verifier.verifyAccessToken(signRs256(key, claims(wrong))))).resolves.toEqual({ status: 401, detail: 'Invalid token claims' });
    }
  });

  it('when the token expired beyond the 60 s skew, then it has expired; within it, it is still accepted', async () => {
    await expect(rejection(verifier.verifyAccessToken(signRs256(key, claims({ iat: now() - 1000, exp: now() - 90 }))))).resolves.toEqual({
      status: 401,
      detail: 'Token has expired',
    });
    await expect(verifier.verifyAccessToken(signRs256(key, claims({ iat: now() - 1000, exp: now() - 30 })))).resolves.toBeDefined();
  });

  it('when nbf or iat lies in the future beyond the skew, then the claims are invalid; within it, they pass', async () => {
    await expect(rejection(verifier.verifyAccessToken(signRs256(key, claims({ nbf: now() + 120 }))))).resolves.toMatchObject({ detail: 'Invalid token claims' });
    await expect(rejection(verifier.verifyAccessToken(signRs256(key, claims({ iat: now() + 120 }))))).resolves.toMatchObject({ detail: 'Invalid token claims' });
    await expect(verifier.verifyAccessToken(signRs256(key, claims({ nbf: now() + 30, iat: now() + 30 })))).resolves.toBeDefined();
  });

  it('when a token names an unknown kid, then the key set is fetched again once, and not again during the cooldown', async () => {
    const [rotated, junk] = [makeKey(), makeKey()];
    const fresh = createTokenVerifier({ baseUrl: jwks.url, jwksCooldownMs: 500 });
    const before = jwks.fetches;
    await fresh.verifyAccessToken(signRs256(key, claims()));
    expect(jwks.fetches).toBe(before + 1);

    jwks.published = [rotated, key];
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expect(fresh.verifyAccessToken(signRs256(rotated, claims()))).resolves.toBeDefined();
    expect(jwks.fetches).toBe(before + 2);

    // Junk kids right after a fetch are refused without asking the JWKS again.
    for (let i = 0; i < 5; i++) {
      await expect(rejection(fresh.verifyAccessToken(signRs256(junk, claims())))).resolves.toMatchObject({ detail: 'Invalid token' });
    }
    await fresh.verifyAccessToken(signRs256(rotated, claims()));
    expect(jwks.fetches).toBe(before + 2);
    jwks.published = [key];
  });

  it('when the key set cannot be renewed, then the keys already fetched keep verifying', async () => {
    const own = await startJwks([key]);
    const renewing = createTokenVerifier({ baseUrl: own.url, jwksMaxAgeMs: 1, jwksCooldownMs: 1, retries: 0 });
    const token = signRs256(key, accessClaims(own.url));
    await renewing.verifyAccessToken(token);
    await own.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(renewing.verifyAccessToken(token)).resolves.toMatchObject({ email: 'ada@example.com' });
  });

  it('when the JWKS cannot be reached, then verification fails closed with 503', async () => {
    const unreachable = createTokenVerifier({ baseUrl: `http://127.0.0.1:${await freePort()}`, retries: 0 });
    await expect(rejection(unreachable.verifyAccessToken(signRs256(key, claims())))).resolves.toEqual({
      status: 503,
      detail: 'Authentication service unavailable',
    });
  });

  it('when the denylist is to be checked without a service key, then the verifier refuses to be built', () => {
    expect(() => createTokenVerifier({ baseUrl: jwks.url, checkRevocation: true })).toThrow(/service-apps create/);
  });
});
