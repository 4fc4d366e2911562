import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';

/** The person the fake provider signs in next (what its consent screen would have asked). */
export interface FakeUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** GitHub: the /user/emails answer; defaults to the primary email above. */
  githubEmails?: Array<{ email: string; primary: boolean; verified: boolean }>;
  /** Entra ID */
  tid?: string;
  oid?: string;
  /** Entra ID: "email domain owner verified" (the fake sends it only when set). */
  xms_edov?: boolean;
  /** The nonce the ID token carries instead of the one the authorization asked for. */
  nonce?: string;
}

export type FakeKind = 'google' | 'github' | 'oidc' | 'entra';

export interface FakeProvider {
  url: string;
  kind: FakeKind;
  clientId: string;
  clientSecret: string;
  /** Who signs in at the next authorization. */
  user: FakeUser;
  /** Every request the fake received (method and path), to prove how it was reached. */
  requests: string[];
  /** Authorization requests as received (query). */
  authorizations: Array<Record<string, string>>;
  /** Token requests as received (form body). */
  tokenRequests: Array<Record<string, string>>;
  /** Entra ID: the fake's tenant id (the path segment after the authority, and `tid`). */
  tenantId: string;
  close(): Promise<void>;
}

interface PendingCode {
  user: FakeUser;
  clientId: string;
  redirectUri: string;
  challenge?: string;
  method?: string;
  nonce?: string;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** An RS256 JWT signed with node:crypto (no jose in the test realm). */
function signJwt(privateKey: KeyObject, kid: string, payload: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const body = base64url(JSON.stringify(payload));
  const signature = sign('sha256', Buffer.from(`${header}.${body}`), privateKey);
  return `${header}.${body}.${base64url(signature)}`;
}

export interface FakeOptions {
  kind: FakeKind;
  /** Path prefix of the issuer / API (GitHub Enterprise: the API under /api/v3); unused by Entra. */
  prefix?: string;
  https?: { key: string; cert: string };
}

/**
 * A small fake of an identity provider's HTTP boundary: authorize (auto-consent, redirects back
 * with a code), token (checks client credentials, redirect_uri and the PKCE verifier), and the
 * provider's user endpoints (Google userinfo, GitHub /user and /user/emails, OIDC discovery,
 * JWKS and id_token).
 */
export async function startFakeProvider(options: FakeOptions): Promise<FakeProvider> {
  const app = express();
  const clientId = `client-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(16).toString('hex');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(4).toString('hex');
  const codes = new Map<string, PendingCode>();
  const accessTokens = new Map<string, FakeUser>();
  const tenantId = randomUUID();
  const prefix = options.kind === 'entra' ? `/${tenantId}` : (options.prefix ?? '');
  let base = '';

  const fake: FakeProvider = {
    url: '',
    kind: options.kind,
    clientId,
    clientSecret,
    user: { sub: 'nobody' },
    requests: [],
    authorizations: [],
    tokenRequests: [],
    tenantId,
    close: () => Promise.resolve(),
  };

  app.use((req, _res, next) => {
    fake.requests.push(`${req.method} ${req.path}`);
    next();
  });
  app.use(express.urlencoded({ extended: false }));

  const authorize = (req: Request, res: express.Response) => {
    const q = req.query as Record<string, string>;
    fake.authorizations.push({ ...q });
    if (q.client_id !== clientId || !q.redirect_uri) return void res.status(400).send('bad client');
    const code = randomBytes(16).toString('hex');
    codes.set(code, {
      user: { ...fake.user },
      clientId,
      redirectUri: q.redirect_uri,
      challenge: q.code_challenge,
      method: q.code_challenge_method,
      nonce: q.nonce,
    });
    const back = new URL(q.redirect_uri);
    back.searchParams.set('code', code);
    if (q.state !== undefined) back.searchParams.set('state', q.state);
    res.redirect(302, back.href);
  };

  const token = (req: Request, res: express.Response) => {
    const body = req.body as Record<string, string>;
    fake.tokenRequests.push({ ...body });
    let id = body.client_id;
    let secret = body.client_secret;
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
      const [u, p] = Buffer.from(basic[1], 'base64').toString().split(':');
      id = decodeURIComponent(u ?? '');
      secret = decodeURIComponent(p ?? '');
    }
    const pending = codes.get(body.code ?? '');
    codes.delete(body.code ?? '');
    if (!pending || id !== clientId || secret !== clientSecret) return void res.status(400).json({ error: 'invalid_grant' });
    if (body.redirect_uri !== pending.redirectUri) return void res.status(400).json({ error: 'invalid_grant', error_description: 'redirect_uri' });
    if (pending.challenge) {
      const expected = createHash('sha256').update(body.code_verifier ?? '').digest('base64url');
      if (pending.method !== 'S256' || expected !== pending.challenge) {
        return void res.status(400).json({ error: 'invalid_grant', error_description: 'pkce' });
      }
    }
    const accessToken = randomBytes(16).toString('hex');
    accessTokens.set(accessToken, pending.user);
    const answer: Record<string, unknown> = {
      access_token: accessToken,
      refresh_token: `refresh-${randomBytes(8).toString('hex')}`,
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid email profile',
    };
    if (options.kind === 'oidc') {
      const now = Math.floor(Date.now() / 1000);
      const u = pending.user;
      answer.id_token = signJwt(privateKey, kid, {
        iss: `${base}${prefix}`,
        aud: clientId,
        sub: u.sub,
        iat: now,
        exp: now + 300,
        ...(pending.nonce ? { nonce: pending.nonce } : {}),
        ...(u.email !== undefined ? { email: u.email, email_verified: u.email_verified ?? false } : {}),
        ...(u.name ? { name: u.name } : {}),
        ...(u.tid ? { tid: u.tid, oid: u.oid } : {}),
      });
    } else if (options.kind === 'entra') {
      // What Entra ID's v2.0 token endpoint answers: a pairwise sub, the tenant and object ids.
      const now = Math.floor(Date.now() / 1000);
      const u = pending.user;
      answer.id_token = signJwt(privateKey, kid, {
        ver: '2.0',
        iss: `${base}/${tenantId}/v2.0`,
        aud: clientId,
        sub: u.sub,
        iat: now,
        nbf: now,
        exp: now + 300,
        nonce: u.nonce ?? pending.nonce,
        tid: u.tid ?? tenantId,
        oid: u.oid,
        ...(u.email !== undefined ? { email: u.email } : {}),
        ...(u.xms_edov !== undefined ? { xms_edov: u.xms_edov } : {}),
        ...(u.name ? { name: u.name, preferred_username: u.email ?? u.name } : {}),
      });
    }
    res.json(answer);
  };

  const bearer = (req: Request) =>
    accessTokens.get(
      typeof req.query.access_token === 'string' ? req.query.access_token : (req.headers.authorization ?? '').replace(/^(Bearer|token) /i, ''),
    );

  if (options.kind === 'google') {
    app.get('/o/oauth2/v2/auth', authorize);
    app.post('/token', token);
    app.get('/v3/userinfo', (req, res) => {
      const u = bearer(req);
      if (!u) return void res.status(401).json({ error: 'invalid_token' });
      res.json({ sub: u.sub, name: u.name, email: u.email, email_verified: u.email_verified, picture: 'https://example.com/a.png' });
    });
  } else if (options.kind === 'github') {
    app.get('/login/oauth/authorize', authorize);
    app.post('/login/oauth/access_token', token);
    app.get(`${prefix}/user`, (req, res) => {
      const u = bearer(req);
      if (!u) return void res.status(401).json({ message: 'Bad credentials' });
      res.json({ id: Number(u.sub), login: `user${u.sub}`, name: u.name ?? null, email: null, avatar_url: 'https://example.com/g.png' });
    });
    app.get(`${prefix}/user/emails`, (req, res) => {
      const u = bearer(req);
      if (!u) return void res.status(401).json({ message: 'Bad credentials' });
      res.json(
        u.githubEmails ??
          (u.email ? [{ email: u.email, primary: true, verified: u.email_verified ?? false, visibility: 'private' }] : []),
      );
    });
  } else if (options.kind === 'entra') {
    // https://{authority}/{tenant}/v2.0/.well-known/openid-configuration and what it points at.
    app.get(`${prefix}/v2.0/.well-known/openid-configuration`, (_req, res) => {
      res.json({
        issuer: `${base}/${tenantId}/v2.0`,
        authorization_endpoint: `${base}${prefix}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}${prefix}/oauth2/v2.0/token`,
        jwks_uri: `${base}${prefix}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        tenant_region_scope: 'EU',
      });
    });
    app.get(`${prefix}/oauth2/v2.0/authorize`, authorize);
    app.post(`${prefix}/oauth2/v2.0/token`, token);
    app.get(`${prefix}/discovery/v2.0/keys`, (_req, res) => {
      res.json({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, kty: 'RSA', use: 'sig' }] });
    });
  } else {
    app.get(`${prefix}/.well-known/openid-configuration`, (_req, res) => {
      const issuer = `${base}${prefix}`;
      res.json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      });
    });
    app.get(`${prefix}/authorize`, authorize);
    app.post(`${prefix}/token`, token);
    app.get(`${prefix}/jwks`, (_req, res) => {
      res.json({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] });
    });
    app.get(`${prefix}/userinfo`, (req, res) => {
      const u = bearer(req);
      if (!u) return void res.status(401).json({ error: 'invalid_token' });
      res.json({ sub: u.sub, email: u.email, email_verified: u.email_verified, name: u.name });
    });
  }

  const server: Server = options.https ? createHttpsServer(options.https, app) : createHttpServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  base = `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`;
  fake.url = base;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
