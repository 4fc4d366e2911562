/**
 * Retries, timeouts and typed errors of the service clients, against a local server that stands
 * in for the gateway's HTTP boundary and answers what each test scripts.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@sentinel/testing';
import { PermissionClient, SentinelError } from '../src';

type Scripted = { status: number; body?: unknown; delayMs?: number };

describe('service client transport', () => {
  let server: Server;
  let baseUrl: string;
  let script: Scripted[] = [];
  let seen: Array<{ method: string; url: string; key: string | undefined }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', key: req.headers['x-service-key'] as string | undefined });
      const next = script.shift() ?? { status: 500, body: { detail: 'unscripted' } };
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body === undefined ? '' : JSON.stringify(next.body));
      }, next.delayMs ?? 0);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    script = [];
    seen = [];
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (options: { retries?: number; timeoutMs?: number } = {}) =>
    new PermissionClient({ baseUrl, serviceName: 'notes', serviceKey: 'sk_test', retryBaseMs: 1, ...options });
  const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as SentinelError);
  const result = { service_name: 'notes', resource_type: 'note', resource_id: '6f0d1c7e-0000-4000-8000-000000000001', action: 'view' };

  it('when the gateway answers 503 then 200, then the call is retried and succeeds', async () => {
    script = [{ status: 503, body: { detail: 'Service unavailable' } }, { status: 200, body: { results: [{ ...result, allowed: true }] } }];
    await expect(client().can('tok', 'note', result.resource_id, 'view')).resolves.toBe(true);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual({ method: 'POST', url: '/permissions/check', key: 'sk_test' });
  });

  it('when the gateway keeps answering 503, then the retries end with a typed 503', async () => {
    script = [{ status: 503, body: { detail: 'down' } }, { status: 503, body: { detail: 'down' } }, { status: 503, body: { detail: 'still down' } }];
    const err = await failure(client({ retries: 2 }).can('tok', 'note', result.resource_id, 'view'));
    expect(err).toBeInstanceOf(SentinelError);
    expect([err?.status, err?.detail]).toEqual([503, 'still down']);
    expect(seen).toHaveLength(3);
  });

  it('when the gateway answers 400 (or any 4xx), then nothing is retried and the detail is kept', async () => {
    script = [{ status: 400, body: { detail: 'The grantee is not a member of this workspace' } }];
    const err = await failure(client().registerResource({ resource_type: 'note', resource_id: result.resource_id, workspace_id: result.resource_id, owner_id: result.resource_id }));
    expect([err?.status, err?.detail]).toEqual([400, 'The grantee is not a member of this workspace']);
    expect(seen).toHaveLength(1);
  });

  it('when a call that must not be repeated meets 502, then it is not retried; an idempotent one is', async () => {
    const acl = { id: result.resource_id, service_name: 'notes', resource_type: 'note', resource_id: result.resource_id, workspace_id: result.resource_id, owner_id: null, visibility: 'private', created_at: new Date().toISOString(), shares: [] };
    script = [{ status: 200, body: acl }, { status: 502, body: { detail: 'Bad gateway' } }];
    const err = await failure(client().unshare('note', result.resource_id, { grantee_type: 'user', grantee_id: result.resource_id }));
    expect(err?.status).toBe(502);
    expect(seen.map((s) => s.method)).toEqual(['GET', 'DELETE']);

    seen = [];
    script = [{ status: 502, body: { detail: 'Bad gateway' } }, { status: 200, body: acl }];
    await expect(client().getResourceAcl('note', result.resource_id)).resolves.toMatchObject({ id: result.resource_id });
    expect(seen).toHaveLength(2);
  });

  it('when the gateway does not answer in time, then a typed 504 and no retry', async () => {
    script = [{ status: 200, body: { results: [] }, delayMs: 2_000 }];
    const err = await failure(client({ timeoutMs: 200 }).can('tok', 'note', result.resource_id, 'view'));
    expect([err?.status, err?.detail]).toEqual([504, 'Sentinel did not answer within 200 ms']);
    expect(seen).toHaveLength(1);
  });

  it('when nothing listens, then the connection is tried again and the call ends with a typed 503', async () => {
    let attempts = 0;
    const closed = new PermissionClient({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      serviceName: 'notes',
      serviceKey: 'sk_test',
      retryBaseMs: 1,
      retries: 2,
      fetch: (input, init) => {
        attempts += 1;
        return fetch(input, init);
      },
    });
    const err = await failure(closed.can('tok', 'note', result.resource_id, 'view'));
    expect([err?.status, err?.detail]).toEqual([503, 'Sentinel is unreachable']);
    expect(attempts).toBe(3);
  });

  it('when no service key is given, then the client says how to get one', () => {
    expect(() => new PermissionClient({ baseUrl, serviceName: 'notes', serviceKey: '' })).toThrow(/pnpm sentinel service-apps create/);
  });

  it('when fetch is injected, then every call goes through it', async () => {
    const urls: string[] = [];
    const injected = new PermissionClient({
      baseUrl: 'http://sentinel.invalid',
      serviceName: 'notes',
      serviceKey: 'sk_test',
      fetch: (input) => {
        urls.push(new URL(input instanceof Request ? input.url : input).href);
        return Promise.resolve(Response.json({ resource_ids: [], has_full_access: true, complete: true }));
      },
    });
    await expect(injected.accessible('tok', 'note', 'view', result.resource_id)).resolves.toEqual({ resource_ids: [], has_full_access: true });
    expect(urls).toEqual(['http://sentinel.invalid/permissions/accessible']);
  });
});
