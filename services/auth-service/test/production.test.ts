import { freePort, startServiceProcess } from '@sentinel/testing';

describe('auth-service in production', () => {
  it('when DEV_LOGIN=true, then the process refuses to start and says why', async () => {
    const child = await startServiceProcess(
      'auth-service',
      await freePort(),
      {
        NODE_ENV: 'production',
        COOKIE_SECURE: 'true',
        DEV_LOGIN: 'true',
        INTERNAL_SECRET: 'a3f1c9e07b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e',
        SESSION_SECRET_KEY: 'b4e2d0f18c3e5d7f9a1b2c4d6e8f0a2b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f',
        ENCRYPTION_KEY: 'c5f3e1a29d4f6e8a0b2c3d5e7f9a1b3c4d6e8f0a2b3c5d7e9f1a3b5c7d9e1f3a',
      },
      { waitForHealth: false },
    );
    const code = await new Promise<number | null>((resolve) => child.process.once('exit', (exitCode) => resolve(exitCode)));
    expect(code).toBe(1);
    expect(child.output()).toContain('DEV_LOGIN is refused in production');
  });
});
