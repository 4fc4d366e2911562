import { createHmac, createPublicKey, generateKeyPairSync, randomUUID, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { startStack, type Stack } from './support';

describe('gateway: access-token verification (user tier)', () => {
  let stack: Stack;
  let valid: string;
  let member: Awaited<ReturnType<Stack['accessToken']>>['member'];
  let kid: string;
  let publicPem: string;
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

  beforeAll(async () => {
    stack = await startStack();
    ({ token: valid, member } = await stack.accessToken());
    kid = jwt.decode(valid, { complete: true })?.header.kid ?? '';
    const jwks = (await request(stack.gateway).get('/.well-known/jwks.json')).body as { keys: Array<JsonWebKey & { kid: string }> };
    expect(jwks.keys[0]?.kid).toBe(kid);
    publicPem = createPublicKey({ key: jwks.keys[0] ?? {}, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
  });
  afterAll(() => stack.close());

  const now = () => Math.floor(Date.now() / 1000);
  /** The valid token's claims, for forging variants of it. */
  const claims = () => jwt.decode(valid) as Record<string, unknown>;
  const me = (token: string) => request(stack.gateway).get('/auth/me').set('authorization', `Bearer ${token}`);
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signWithOther = (payload: object, header: object = {}) =>
    jwt.sign(payload, other.privateKey, { algorithm: 'RS256', header: { alg: 'RS256', kid, ...header } });

  it('when the token is valid, then the service receives the verified identity', async () => {
    const res = await me(valid);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user_id: member.userId,
      email: member.email,
      name: member.name,
      workspace_id: member.workspaceId,
      workspace_slug: member.slug,
      workspace_role: 'editor',
      groups: [],
    });
  });

  it('when there is no bearer token, then 401 Missing Bearer token', async () => {
    const res = await request(stack.gateway).get('/auth/me');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Missing Bearer token' });
    expect((await request(stack.gateway).get('/auth/me').set('authorization', `Basic ${valid}`)).body).toEqual({
      detail: 'Missing Bearer token',
    });
  });

  const corpus: Array<[string, () => string]> = [
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(claims())}.`],
    ['HS256 signed with the public key', () => {
      const header = b64({ alg: 'HS256', typ: 'JWT', kid });
      const body = b64(claims());
      const sig = createHmac('sha256', publicPem).update(`${header}.${body}`).digest('base64url');
      return `${header}.${body}.${sig}`;
    }],
    ['RS256 signed with a different key', () => signWithOther(claims())],
    ['a kid of ../../etc/passwd', () => signWithOther(claims(), { kid: '../../etc/passwd' })],
    ["a kid that is an SQL fragment", () => signWithOther(claims(), { kid: "x' OR '1'='1" })],
    ['an unknown kid', () => signWithOther(claims(), { kid: 'unknown-kid-0123' })],
    ['a jku header', () => signWithOther(claims(), { jku: 'http://127.0.0.1:1/jwks.json' })],
    ['an x5u header', () => signWithOther(claims(), { x5u: 'http://127.0.0.1:1/cert.pem' })],
    ['an embedded jwk header', () => signWithOther(claims(), { jwk: other.publicKey.export({ format: 'jwk' }) })],
    ['the real signature but an embedded jwk header', () => {
      const [, body, sig] = valid.split('.');
      return `${b64({ alg: 'RS256', typ: 'JWT', kid, jwk: other.publicKey.export({ format: 'jwk' }) })}.${body}.${sig}`;
    }],
    ['a payload changed under the real signature', () => {
      const [header, , sig] = valid.split('.');
      return `${header}.${b64({ ...claims(), wrole: 'owner' })}.${sig}`;
    }],
    ['an oversized token', () => `${valid.split('.')[0]}.${b64({ ...claims(), pad: 'x'.repeat(9000) })}.${valid.split('.')[2]}`],
    ['garbage', () => 'not.a.jwt'],
  ];

  it.each(corpus)('when the token has %s, then 401 Invalid or expired token', async (_name, forge) => {
    const res = await me(forge());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Invalid or expired token' });
  });

  describe('tokens signed with the real key (token-service\'s own, read from its database)', () => {
    let sign: (payload: object) => string;

    beforeAll(async () => {
      // Sign like token-service does, with its active key, so that only the claim under test is wrong.
      const { createKeyStore } = await import('@sentinel/token-service/keys');
      const { loadConfig } = await import('@sentinel/token-service/config');
      const keys = createKeyStore({ ...stack.ctx.deps, config: loadConfig({ ...stack.ctx.env, PORT: '0' }) });
      const key = await keys.signingKey();
      expect(key.kid).toBe(kid);
      // jsonwebtoken adds iat unless told not to: only the token without one is told so.
      sign = (payload) =>
        jwt.sign(payload, key.privateKey, { algorithm: 'RS256', keyid: key.kid, noTimestamp: !('iat' in payload) });
    });

    it('when a token is forged with the real key and every rule kept, then it is accepted (the corpus below fails for its one flaw only)', async () => {
      expect((await me(sign({ ...claims(), jti: randomUUID() }))).status).toBe(200);
    });

    const flawed: Array<[string, () => object]> = [
      ['expired by 61 s', () => ({ ...claims(), iat: now() - 1000, exp: now() - 61 })],
      ['iat in the future', () => ({ ...claims(), iat: now() + 120, exp: now() + 900 })],
      ['nbf in the future', () => ({ ...claims(), nbf: now() + 120 })],
      ['a wrong aud', () => ({ ...claims(), aud: 'sentinel:other' })],
      ['a wrong iss', () => ({ ...claims(), iss: 'http://evil.example' })],
      ['the type of a refresh token', () => ({ ...claims(), aud: 'sentinel:refresh', type: 'refresh' })],
      ['the type refresh with the access audience', () => ({ ...claims(), type: 'refresh' })],
      ['no sub', () => ({ ...claims(), sub: undefined })],
      ['no jti', () => ({ ...claims(), jti: undefined })],
      ['no wid', () => ({ ...claims(), wid: undefined })],
      ['no wrole', () => ({ ...claims(), wrole: undefined })],
      ['an unknown wrole', () => ({ ...claims(), wrole: 'god' })],
      ['no groups', () => ({ ...claims(), groups: undefined })],
      ['no email', () => ({ ...claims(), email: undefined })],
      ['no exp', () => ({ ...claims(), exp: undefined })],
      ['no iat', () => ({ ...claims(), iat: undefined })],
      ['no type', () => ({ ...claims(), type: undefined })],
      // token-service issues access tokens for 900 s and the skew is 60 s: one minute more is refused.
      ['a lifetime (exp − iat) of the longest we issue + skew + 60 s', () => ({ ...claims(), iat: now(), exp: now() + 900 + 60 + 60 })],
      ['a lifetime of a day, issued an hour ago', () => ({ ...claims(), iat: now() - 3600, exp: now() + 82_800 })],
    ];

    it.each(flawed)('when the token has %s, then 401', async (_name, payload) => {
      const res = await me(sign(JSON.parse(JSON.stringify(payload())) as object));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Invalid or expired token' });
    });

    it('when a token lives as long as we issue plus the skew, then it is still accepted', async () => {
      expect((await me(sign({ ...claims(), iat: now(), exp: now() + 900 + 60 }))).status).toBe(200);
    });

    it('when a token expired 59 s ago (inside the skew), then it is still accepted', async () => {
      expect((await me(sign({ ...claims(), exp: now() - 59 }))).status).toBe(200);
    });
  });

  it('when an admin token is used as an access token, then 401', async () => {
    const admin = await stack.adminToken(member.userId);
    expect((await me(admin)).body).toEqual({ detail: 'Invalid or expired token' });
  });

  it('when a client sends its own identity header with a valid token, then the gateway replaces it', async () => {
    const res = await me(valid).set('x-sentinel-identity', 'forged');
    expect(res.status).toBe(200);
    expect(res.body.user_id).toBe(member.userId);
  });
});
