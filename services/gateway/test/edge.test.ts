import { rawHttp } from '@sentinel/testing';
import request from 'supertest';
import { startStack, type Stack } from './support';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-xss-protection': '0',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'content-security-policy': "default-src 'none';frame-ancestors 'none'",
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-permitted-cross-domain-policies': 'none',
};

describe('gateway: headers, CORS, hosts and body limits', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ CORS_ORIGINS: 'https://app.example.com', ADMIN_URL: 'https://admin.example.com', CORS_CACHE_SECONDS: '0' });
    await stack.ctx.deps.prisma.clientApp.createMany({
      data: [
        { name: 'Frontend', redirectUris: ['https://front.example.org/callback'] },
        { name: 'Retired', redirectUris: ['https://retired.example.org/callback'], isActive: false },
      ],
    });
  });
  afterAll(() => stack.close());

  it('when any response is sent (proxied, refused, not found), then it carries exactly the security header set', async () => {
    for (const res of [
      await request(stack.gateway).get('/.well-known/jwks.json'),
      await request(stack.gateway).get('/auth/me'),
      await request(stack.gateway).get('/nowhere'),
    ]) {
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-dns-prefetch-control']).toBeUndefined();
      expect(res.headers['origin-agent-cluster']).toBeUndefined();
    }
  });

  it('when COOKIE_SECURE=true, then HSTS is sent too', async () => {
    const res = await request(stack.gatewayWith({ COOKIE_SECURE: 'true' })).get('/health');
    expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains; preload');
  });

  it('when the path is under /auth, /admin or /users, then no-store; elsewhere the upstream decides', async () => {
    for (const path of ['/auth/me', '/admin/stats', '/users/me']) {
      const res = await request(stack.gateway).get(path);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
    }
    expect((await request(stack.gateway).get('/.well-known/jwks.json')).headers['cache-control']).toBe('public, max-age=300');
  });

  it('when the request id is given, then it is kept and echoed; otherwise one is made', async () => {
    expect((await request(stack.gateway).get('/.well-known/jwks.json').set('x-request-id', 'req-42')).headers['x-request-id']).toBe('req-42');
    expect((await request(stack.gateway).get('/.well-known/jwks.json')).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each(['https://app.example.com', 'https://admin.example.com', 'https://front.example.org'])(
    'when the origin %s is allowed, then CORS answers with it and credentials, never *',
    async (origin) => {
      const res = await request(stack.gateway).get('/.well-known/jwks.json').set('origin', origin);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers.vary).toMatch(/Origin/);
      const preflight = await request(stack.gateway)
        .options('/admin/service-apps')
        .set('origin', origin)
        .set('access-control-request-method', 'PATCH')
        .set('access-control-request-headers', 'x-requested-with, content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(origin);
      expect(preflight.headers['access-control-allow-methods']).toMatch(/PATCH/);
      expect(preflight.headers['access-control-allow-headers']).toMatch(/X-Requested-With/);
    },
  );

  it.each(['https://evil.example.net', 'https://retired.example.org', 'null'])(
    'when the origin %s is not allowed, then no CORS header at all',
    async (origin) => {
      const res = await request(stack.gateway).get('/.well-known/jwks.json').set('origin', origin);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    },
  );

  it('when the Host is not allowed, then 400; ALLOWED_HOSTS=* switches the check off', async () => {
    const res = await request(stack.gateway).get('/.well-known/jwks.json').set('host', 'evil.example.net');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'Invalid host header' });
    expect((await request(stack.gateway).get('/.well-known/jwks.json').set('host', 'localhost:9003')).status).toBe(200);
    const listed = stack.gatewayWith({ ALLOWED_HOSTS: 'api.example.com' });
    expect((await request(listed).get('/.well-known/jwks.json').set('host', 'api.example.com')).status).toBe(200);
    expect((await request(listed).get('/.well-known/jwks.json').set('host', 'localhost')).status).toBe(400);
    const any = stack.gatewayWith({ ALLOWED_HOSTS: '*' });
    expect((await request(any).get('/.well-known/jwks.json').set('host', 'evil.example.net')).status).toBe(200);
  });

  it('when a body is over 1 MiB, then 413 before anything is forwarded (declared or streamed)', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const declared = await request(stack.gateway).post('/auth/refresh').set('content-type', 'application/json').send(big);
    expect(declared.status).toBe(413);
    expect(declared.body).toEqual({ detail: 'Request body too large' });
    const streamed = await fetch(`http://127.0.0.1:${await listen(stack)}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(128 * 1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    }).catch(() => undefined);
    // Either the 413 arrives, or the connection is cut as the limit passes; never token-service's 401.
    expect(streamed === undefined || streamed.status === 413).toBe(true);
  });

  it('when a CSV import body is 3 MiB, then it passes the size check (its limit is 5 MiB), and 6 MiB does not', async () => {
    const send = (bytes: number) => request(stack.gateway).post('/admin/import/csv/preview').set('content-type', 'text/csv').send('x'.repeat(bytes));
    expect((await send(3 * 1024 * 1024)).status).toBe(401); // past the size check, refused by the admin tier
    expect((await send(6 * 1024 * 1024)).status).toBe(413);
  });

  it('when Node refuses the request line or headers (431, bad Content-Length, bad chunking), then JSON with the security headers, and the connection closes', async () => {
    const port = await listen(stack);
    const cases: Array<[string, number, string]> = [
      [`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'Request header fields too large'],
      ['POST /auth/refresh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 12abc\r\n\r\n{}', 400, 'Invalid Content-Length'],
      ['POST /auth/refresh HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400, 'Invalid Content-Length'],
      ['GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n', 400, 'Malformed HTTP request'],
    ];
    for (const [raw, status, detail] of cases) {
      const res = await rawHttp(port, raw);
      expect({ status: res.status, body: res.body }).toEqual({ status, body: JSON.stringify({ detail }) });
      expect(res.headers).toMatchObject({ ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', connection: 'close' });
    }
    const chunked = await rawHttp(
      port,
      'POST /auth/refresh HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    );
    expect({ status: chunked.status, body: chunked.body }).toEqual({ status: 400, body: JSON.stringify({ detail: 'Invalid chunked encoding' }) });
  });

  it('when a URL decodes to a NUL, invalid UTF-8 or a surrogate, then 422 at the gateway, before anything is forwarded', async () => {
    for (const path of [
      '/auth/login/dev?redirect_uri=%00&code_challenge=x&code_challenge_method=S256',
      '/admin/users?search=%00',
      '/admin/activity?action=%FF',
      '/workspaces/%ED%A0%80/members',
    ]) {
      const res = await request(stack.gateway).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 422 });
      expect(res.body.detail).toMatch(/must be well-formed Unicode text without NUL characters/);
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
    }
  });
});

/** The gateway app on a real port (fetch with a streamed body needs one). */
async function listen(stack: Stack): Promise<number> {
  const { serve } = await import('@sentinel/http');
  const running = await serve(stack.gateway, { port: 0, host: '127.0.0.1', logger: stack.ctx.deps.logger, shutdownTimeoutMs: 500 });
  stack.ctx.deps.onClose(() => running.close());
  return running.port;
}
