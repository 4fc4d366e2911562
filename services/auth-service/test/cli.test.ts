import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestContext, PROJECT_ROOT } from '@sentinel/testing';
import { loadConfig } from '../src/config';

describe('pnpm sentinel client-apps create', () => {
  it('when an operator registers a client app with two redirect URIs, then it is active and logged', async () => {
    const ctx = await createTestContext(loadConfig);
    try {
      const run = (...args: string[]) =>
        spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'sentinel.ts'), 'client-apps', 'create', ...args], {
          cwd: PROJECT_ROOT,
          env: { ...process.env, ...ctx.env },
          encoding: 'utf8',
        });
      const ok = run('--name', 'Web', '--redirect-uri', 'https://app.example.test/cb', '--redirect-uri=http://localhost:3000/cb');
      expect(ok.status).toBe(0);
      const app = await ctx.deps.prisma.clientApp.findUniqueOrThrow({ where: { id: ok.stdout.trim() } });
      expect(app).toMatchObject({ name: 'Web', isActive: true, redirectUris: ['https://app.example.test/cb', 'http://localhost:3000/cb'] });
      expect(await ctx.deps.prisma.activityLog.count({ where: { action: 'client_app_created', targetId: app.id } })).toBe(1);

      const bad = run('--name', 'Bad', '--redirect-uri', 'javascript:alert(1)');
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('--redirect-uri');
      expect(run('--name', 'x', '--nope').status).toBe(2);
    } finally {
      await ctx.close();
    }
  }, 60_000);
});
