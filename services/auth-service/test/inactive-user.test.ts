import { pkcePair } from './support/browser';
import { browserLogin, exchange, startSystem, workspaces, type System } from './support/system';

/** An admin's deactivation (workspace-service PATCH /admin/users/{id}) must keep the user out. */
describe('a deactivated user', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem({ google: 'google' });
  }, 60_000);
  afterAll(async () => {
    await system.close();
  });
  const prisma = () => system.ctx.deps.prisma;

  it('when they sign in again, then 403 with no code; a code won before the deactivation no longer buys tokens', async () => {
    system.fakes.google!.user = { sub: 'g-inactive', email: 'ina@example.com', email_verified: true, name: 'Ina' };
    const { verifier, challenge } = pkcePair();
    const first = await browserLogin(system, system.browser(), 'google', challenge);
    expect(first.code).toBeDefined();
    const [workspace] = (await workspaces(system, first.code ?? '')).body as Array<{ id: string }>;

    await prisma().user.update({ where: { email: 'ina@example.com' }, data: { isActive: false } });

    const again = await browserLogin(system, system.browser(), 'google', pkcePair().challenge);
    expect(again.code).toBeUndefined();
    expect(again.hops.at(-1)?.status).toBe(403);
    const failure = await prisma().activityLog.findFirst({ where: { action: 'login_failed' }, orderBy: { createdAt: 'desc' } });
    expect(failure?.detail).toMatchObject({ provider: 'google', reason: 'user_inactive' });

    const late = await exchange(system, { code: first.code, workspace_id: workspace?.id, code_verifier: verifier });
    expect(late).toEqual({ status: 404, body: { detail: 'User not found' } });
    expect(await prisma().refreshTokenFamily.count()).toBe(0);
  });
});
