import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { PROJECT_ROOT, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { buildServiceAppsApp, gatewayHeaders } from './service-apps-setup';

/** Runs `pnpm sentinel …` (its script, as pnpm would) against this file's database and Redis. */
async function sentinel(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'sentinel.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('pnpm sentinel service-apps create', () => {
  const t = useServiceApp(loadConfig, buildServiceAppsApp);

  it('when an operator creates an app, then the key is printed once, verifies, and the creation is logged without an actor', async () => {
    const result = await sentinel(['service-apps', 'create', '--name', 'Docs', '--service-name', 'docs'], t.ctx.env);
    expect(result).toMatchObject({ code: 0 });
    // stdout holds only the key (scriptable); the notice and the warning go to stderr.
    const key = result.stdout.trim();
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{55}$/);
    expect(result.stderr).toMatch(/shown only once/);
    expect(result.stderr).not.toContain(key);

    const verified = await request(t.app).post('/internal/service-keys/verify').set(gatewayHeaders()).send({ key });
    expect(verified.status).toBe(200);
    expect(verified.body.service_name).toBe('docs');

    const row = await t.ctx.deps.prisma.serviceApp.findUniqueOrThrow({ where: { serviceName: 'docs' } });
    expect(row).toMatchObject({ name: 'Docs', createdById: null, keyPrefix: key.slice(0, 15) });
    const entries = await t.ctx.deps.prisma.activityLog.findMany({ where: { targetId: row.id } });
    expect(entries).toEqual([expect.objectContaining({ action: 'service_app_created', actorId: null })]);
    expect(JSON.stringify(entries[0]?.detail)).not.toContain(key.slice(15));
  });

  it('when the service_name is taken or invalid, then it exits non-zero and says why', async () => {
    const taken = await sentinel(['service-apps', 'create', '--name=Docs again', '--service-name=docs'], t.ctx.env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain("already exists");
    expect(taken.stdout).not.toMatch(/sk_/);

    const invalid = await sentinel(['service-apps', 'create', '--name', 'Bad', '--service-name', 'Not Valid'], t.ctx.env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('--service-name');

    const missing = await sentinel(['service-apps', 'create', '--name', 'Bad', '--colour', 'blue'], t.ctx.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('usage: pnpm sentinel service-apps create');
    expect(await t.ctx.deps.prisma.serviceApp.count()).toBe(1);
  });
});
