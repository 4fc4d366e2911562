/**
 * The published package as a user gets it: `npm pack` (which builds it through `prepack`), the
 * tarball installed into an empty folder from the npm registry, then loaded there with `import`
 * and with `require`, and type-checked as a TypeScript consumer would.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SDK_DIR = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('npm pack', () => {
  let dir: string;
  let app: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sentinel-sdk-pack-'));
    const packed = await run(npm, ['pack', '--json', '--pack-destination', dir], { cwd: SDK_DIR, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    // npm prints prepack's output before its JSON report.
    const report = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('\n[') + 1)) as Array<{ filename: string }>;
    app = join(dir, 'app');
    await run('mkdir', ['-p', app]);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    await run(npm, ['install', join(dir, report[0]!.filename), '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, timeout: 240_000 });
  }, 480_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const node = (args: string[]) => run(process.execPath, args, { cwd: app, timeout: 60_000 });

  it('when installed into an empty folder, then it depends only on public npm packages', async () => {
    const manifest = JSON.parse(await readFile(join(app, 'node_modules/@sentinel/sdk/package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const runtime = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
    expect(Object.keys(runtime).filter((name) => name.startsWith('@sentinel/'))).toEqual([]);
    expect(Object.values(runtime).filter((spec) => spec.startsWith('workspace:'))).toEqual([]);
    expect(Object.keys(runtime)).toEqual(['jose']);
  });

  it('when loaded with require, then both entries work', async () => {
    const script = `
      const sdk = require('@sentinel/sdk');
      const browser = require('@sentinel/sdk/browser');
      const client = new sdk.PermissionClient({ baseUrl: 'http://localhost:9003', serviceName: 'notes', serviceKey: 'sk_x' });
      console.log(JSON.stringify({ version: sdk.VERSION, verifier: typeof sdk.createTokenVerifier, client: client.serviceName, login: typeof browser.LoginClient }));`;
    const { stdout } = await node(['-e', script]);
    expect(JSON.parse(stdout)).toEqual({ version: '0.1.0', verifier: 'function', client: 'notes', login: 'function' });
  });

  it('when loaded with import, then both entries work and the browser client builds a PKCE login URL', async () => {
    const script = `
      import { createTokenVerifier, SentinelError } from '@sentinel/sdk';
      import { LoginClient } from '@sentinel/sdk/browser';
      const login = new LoginClient({ baseUrl: 'http://localhost:9003', redirectUri: 'http://localhost:3000/callback' });
      const url = new URL(await login.startLogin('github'));
      console.log(JSON.stringify({ path: url.pathname, method: url.searchParams.get('code_challenge_method'), verifier: typeof createTokenVerifier, error: new SentinelError(403, 'no').status }));`;
    const { stdout } = await node(['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual({ path: '/auth/login/github', method: 'S256', verifier: 'function', error: 403 });
  });

  it('when a TypeScript project imports it (ESM and CommonJS), then its types resolve', async () => {
    const code = `import { PermissionClient, type AuthenticatedUser } from '@sentinel/sdk';
import { LoginClient } from '@sentinel/sdk/browser';
export const ok: boolean = new PermissionClient({ baseUrl: 'x', serviceName: 'n', serviceKey: 'k' }).serviceName === 'n' && typeof LoginClient === 'function';
export const role = (user: AuthenticatedUser): string => user.workspace_role;
`;
    await writeFile(join(app, 'consumer.mts'), code);
    await writeFile(join(app, 'consumer.cts'), code);
    const tsc = require.resolve('typescript/bin/tsc');
    const args = [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2023,dom', 'consumer.mts', 'consumer.cts'];
    // tsc prints its errors on stdout: an empty output is a clean compile.
    const output = await node(args).then(
      (r) => r.stdout,
      (e: { stdout?: string; message?: string }) => e.stdout ?? e.message,
    );
    expect(output).toBe('');
  });

  it('when the browser bundle is read, then it imports no Node built-in', async () => {
    for (const file of ['browser.mjs', 'browser.js']) {
      const text = await readFile(join(app, 'node_modules/@sentinel/sdk/dist', file), 'utf8');
      expect(text).not.toMatch(/["']node:|require\(["'](crypto|http|https|fs|buffer)["']\)/);
    }
  });
});
