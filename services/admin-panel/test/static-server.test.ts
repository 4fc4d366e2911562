/** The panel's static server over real HTTP: SPA fallback, runtime config, headers, no escape from dist. */
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPanelServer } from '../server/static.ts';

describe('the admin panel static server', () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panel-'));
    mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>panel</title>');
    writeFileSync(join(dir, 'dist', 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside dist');
    server = createPanelServer({ distDir: join(dir, 'dist'), apiUrl: 'https://api.example.com/', hsts: true });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a client-side route is asked for, then index.html answers with the SPA headers', async () => {
    const res = await fetch(`${base}/users/3f0c2a9e-0000-4000-8000-000000000000`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>panel</title>');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self' https://api.example.com");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('when the app boots, then /config.json names the gateway', async () => {
    const res = await fetch(`${base}/config.json`);
    expect(await res.json()).toEqual({ apiUrl: 'https://api.example.com/' });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('when a hashed asset is served, then it is cached for good; a missing one is a 404, not index.html', async () => {
    const asset = await fetch(`${base}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/assets/gone-1.js`)).status).toBe(404);
  });

  it('when a path tries to leave dist, then nothing outside it is served', async () => {
    for (const path of ['/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%zz']) {
      const res = await fetch(`${base}${path}`);
      expect(await res.text()).not.toContain('outside dist');
    }
  });

  it('when a method other than GET or HEAD is used, then 405', async () => {
    const res = await fetch(`${base}/`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});
