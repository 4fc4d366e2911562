import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '@sentinel/testing';

const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'sentinel.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('pnpm sentinel', () => {
  it('when the production configuration is weak, then config check lists the problems of every process', () => {
    const res = cli(['config', 'check'], { NODE_ENV: 'production', INTERNAL_SECRET: 'short' });
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('gateway:');
    expect(res.stdout).toContain('COOKIE_SECURE must be true in production');
    expect(res.stdout).toContain('INTERNAL_SECRET is shorter than 32 characters');
    expect(res.stdout).toMatch(/token-service:\n(.*\n)*.*ENCRYPTION_KEY/);
  });

  it('when the secrets it generates are used in production, then config check passes', () => {
    const generated = cli(['secrets', 'generate'], {});
    expect(generated.status).toBe(0);
    const env = Object.fromEntries(generated.stdout.trim().split('\n').map((line) => line.split('=') as [string, string]));
    expect(Object.keys(env)).toEqual(['SESSION_SECRET_KEY', 'ENCRYPTION_KEY', 'INTERNAL_SECRET']);
    const res = cli(['config', 'check'], { ...env, NODE_ENV: 'production', COOKIE_SECURE: 'true', ALLOWED_HOSTS: 'api.example.com' });
    expect(res.stdout).not.toMatch(/INTERNAL_SECRET|SESSION_SECRET_KEY|ENCRYPTION_KEY/);
  });
});
