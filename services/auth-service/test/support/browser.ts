import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { identityHeader } from '@sentinel/testing';

interface RawAnswer {
  status: number;
  location: string | null;
  setCookies: string[];
  body: string;
}

/**
 * An https request trusting `ca` (the fake Entra's self-signed certificate): this process read
 * NODE_EXTRA_CA_CERTS at its start, before the certificate existed, so fetch would refuse it.
 */
function fetchWithCa(url: URL, ca: string, init: { method: string; headers: Record<string, string>; body: string | undefined }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: init.method, headers: init.headers, ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const cookies = res.headers['set-cookie'] ?? [];
        resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, setCookies: cookies, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export interface Hop {
  url: string;
  status: number;
  location: string | undefined;
  body: string;
}

/**
 * A browser, as far as these flows need one: a cookie jar per host (Path, Max-Age and deletion
 * honored), redirects followed by hand, and forms posted. Requests to the auth-service carry the
 * gateway's (anonymous) identity header, as the gateway would add it.
 */
export class Browser {
  private readonly jar = new Map<string, Map<string, { value: string; path: string }>>();

  /** `ca`: a certificate to trust for https hosts besides the system's (a fake provider's). */
  constructor(
    private readonly gatewayOrigins: string[],
    private readonly ca?: string,
  ) {}

  cookie(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name)?.value;
  }

  setCookie(url: string, name: string, value: string, path = '/'): void {
    const host = new URL(url).host;
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    this.jar.get(host)?.set(name, { value, path });
  }

  clearCookies(): void {
    this.jar.clear();
  }

  async request(url: string, init: { method?: string; form?: Record<string, string>; accept?: string } = {}): Promise<Hop> {
    const target = new URL(url);
    const cookies = [...(this.jar.get(target.host)?.entries() ?? [])]
      .filter(([, c]) => target.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`);
    const headers: Record<string, string> = { accept: init.accept ?? 'text/html,application/json;q=0.9' };
    if (cookies.length > 0) headers.cookie = cookies.join('; ');
    if (this.gatewayOrigins.includes(target.origin)) Object.assign(headers, identityHeader({}));
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const method = init.method ?? (init.form ? 'POST' : 'GET');
    let answer: RawAnswer;
    if (target.protocol === 'https:' && this.ca) {
      answer = await fetchWithCa(target, this.ca, { method, headers, body });
    } else {
      const res = await fetch(url, { method, headers, body, redirect: 'manual' });
      answer = { status: res.status, location: res.headers.get('location'), setCookies: res.headers.getSetCookie(), body: await res.text() };
    }
    for (const line of answer.setCookies) this.store(target, line);
    const location = answer.location ?? undefined;
    return { url, status: answer.status, location: location ? new URL(location, url).href : undefined, body: answer.body };
  }

  private store(target: URL, line: string): void {
    const [pair, ...attributes] = line.split(';').map((s) => s.trim());
    const eq = (pair ?? '').indexOf('=');
    const name = (pair ?? '').slice(0, eq);
    const value = (pair ?? '').slice(eq + 1);
    const attr = new Map(attributes.map((a) => [a.split('=')[0]?.toLowerCase() ?? '', a.split('=').slice(1).join('=')]));
    const expired =
      attr.get('max-age') === '0' || (attr.has('expires') && Date.parse(attr.get('expires') ?? '') <= Date.now()) || value === '';
    const host = target.host;
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    if (expired) this.jar.get(host)?.delete(name);
    else this.jar.get(host)?.set(name, { value, path: attr.get('path') || '/' });
  }

  /** Follows redirects until a non-redirect answer or a URL that `stop` accepts (not fetched). */
  async follow(url: string, stop: (url: string) => boolean, maxHops = 10): Promise<Hop[]> {
    const hops: Hop[] = [];
    let next: string | undefined = url;
    while (next && hops.length < maxHops) {
      const hop = await this.request(next);
      hops.push(hop);
      if (hop.status < 300 || hop.status >= 400 || !hop.location || stop(hop.location)) break;
      next = hop.location;
    }
    return hops;
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Verifies an RS256 JWT against a JWKS (by kid), with node:crypto; returns its claims. */
export function verifyWithJwks(token: string, jwks: { keys: Array<JsonWebKey & { kid?: string }> }): Record<string, unknown> {
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h ?? '', 'base64url').toString()) as { alg: string; kid: string };
  if (header.alg !== 'RS256') throw new Error('alg');
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`no key ${header.kid}`);
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s ?? '', 'base64url'));
  if (!ok) throw new Error('bad signature');
  return JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
}
