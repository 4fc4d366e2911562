import { createPrismaClient, type Database } from '@sentinel/db';
import { createTestContext, type TestContext } from '@sentinel/testing';
import { loadConfig, type Config } from '../src/config';
import { startKeyRotation } from '../src/jobs/key-rotation';
import { createKeyRotation, createKeyStore } from '../src/keys';

const DAY_MS = 86_400_000;

describe('scheduled signing-key rotation (SIGNING_KEY_ROTATION_DAYS)', () => {
  let ctx: TestContext<Config>;
  const clients: Database[] = [];

  /** Another replica's rotation: its own pool over the same database and Redis prefix. */
  const replicaRotation = (config: Config = ctx.deps.config) => {
    const prisma = createPrismaClient(ctx.databaseUrl, { poolSize: 2 });
    clients.push(prisma);
    return createKeyRotation({ ...ctx.deps, config, prisma });
  };
  /** Makes every key look as old as `days`. */
  const age = (days: number) => ctx.deps.prisma.signingKey.updateMany({ data: { activatesAt: new Date(Date.now() - days * DAY_MS) } });
  const scheduled = () => ctx.deps.prisma.activityLog.count({ where: { action: 'signing_key_rotated', detail: { path: ['source'], equals: 'schedule' } } });

  beforeAll(async () => {
    ctx = await createTestContext(loadConfig, { SIGNING_KEY_ROTATION_DAYS: '90', SIGNING_KEY_PUBLISH_AHEAD_SECONDS: '60' });
    await createKeyStore(ctx.deps).signingKey();
  });
  afterAll(async () => {
    await ctx.close();
    await Promise.all(clients.map((c) => c.$disconnect()));
  });

  it('when the newest key is younger than the period, then nothing rotates', async () => {
    await age(89);
    expect(await replicaRotation().rotateIfDue()).toBeUndefined();
    expect(await ctx.deps.prisma.signingKey.count()).toBe(1);
  });

  it('when it is due and several replicas check at once, then exactly one rotates, published ahead, and the next check finds nothing due', async () => {
    await age(90.01);
    const [signing] = await ctx.deps.prisma.signingKey.findMany();
    const results = await Promise.all([replicaRotation(), replicaRotation(), replicaRotation()].map((r) => r.rotateIfDue()));
    const rotated = results.filter((r) => r !== undefined);
    expect(rotated).toHaveLength(1);
    expect(await ctx.deps.prisma.signingKey.count()).toBe(2);
    expect(await scheduled()).toBe(1);
    // Like any rotation: the key that signs now keeps signing until the new one's time.
    expect(rotated[0]!.activeAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    const store = createKeyStore(ctx.deps);
    expect((await store.signingKey()).kid).toBe(signing!.kid);
    expect((await store.published()).map((k) => k.kid)).toEqual([signing!.kid, rotated[0]!.kid]);
    // The new key is the newest: not due again for another period.
    expect(await replicaRotation().rotateIfDue()).toBeUndefined();
    expect(await ctx.deps.prisma.signingKey.count()).toBe(2);
  });

  it('when SIGNING_KEY_ROTATION_DAYS is 0, then nothing rotates however old the keys are, and the job does not start', async () => {
    await age(1000);
    const off = loadConfig({ ...ctx.env, SIGNING_KEY_ROTATION_DAYS: '0' });
    expect(await replicaRotation(off).rotateIfDue()).toBeUndefined();
    expect(startKeyRotation({ ...ctx.deps, config: off })).toBeUndefined();
    expect(await ctx.deps.prisma.signingKey.count()).toBe(2);
  });

  it('when the key comes from JWT_PRIVATE_KEY_PATH, then the job does not start (the operator rotates the file)', () => {
    const fromFile = loadConfig({ ...ctx.env, JWT_PRIVATE_KEY_PATH: '/nonexistent/key.pem' });
    expect(startKeyRotation({ ...ctx.deps, config: fromFile })).toBeUndefined();
  });

  it('when the job runs and a rotation is due, then it rotates once per due period, never twice at once, and close waits for the check in flight', async () => {
    await age(91);
    const before = await scheduled();
    const closers: Array<() => Promise<unknown>> = [];
    const config = loadConfig({ ...ctx.env, SIGNING_KEY_ROTATION_CHECK_INTERVAL_MS: '50' });
    const job = startKeyRotation({ ...ctx.deps, config, onClose: (closer) => closers.push(closer) });
    expect(job).toBeDefined();
    // Checks overlapping the one the job started at once are the same check.
    const checks = await Promise.all([job!.check(), job!.check(), job!.check()]);
    expect(checks).toHaveLength(3);
    // Several intervals later still one rotation: the new key is not due.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await scheduled()).toBe(before + 1);
    // Due again: close while a check is in flight, and the check has finished when close resolves.
    await age(91);
    void job!.check();
    for (const close of closers) await close();
    expect(await scheduled()).toBe(before + 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await scheduled()).toBe(before + 2);
  });
});
