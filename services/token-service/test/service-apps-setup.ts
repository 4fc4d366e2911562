import type { Database } from '@sentinel/db';
import { serviceApp, type ServiceDeps } from '@sentinel/runtime';
import {
  createTestContext,
  freePort,
  identityHeader,
  startServiceProcess,
  testAdmin,
  type ChildService,
  type TestContext,
} from '@sentinel/testing';
import type { Express } from 'express';
import { loadConfig, type Config } from '../src/config';
import { createServiceAppsRouter } from '../src/http/service-apps';
import { createServiceApps, createServiceResources, type ServiceApps } from '../src/service-apps';

/**
 * The service-apps routes on the service's shared skeleton, with the ServiceApps object the
 * routes use exposed for tests that look behind them (the same wiring createApp does).
 */
export function buildServiceAppsApp(deps: ServiceDeps<Config>): Express & { serviceApps: ServiceApps } {
  const serviceApps = createServiceApps({ ...deps, resources: createServiceResources(deps.config) });
  return Object.assign(serviceApp(deps, [createServiceAppsRouter(serviceApps)]), { serviceApps });
}

/** An admin who exists as a user (created_by references users). */
export async function seedAdmin(prisma: Database) {
  const admin = testAdmin({ email: `admin-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}@example.com` });
  await prisma.user.create({ data: { id: admin.user_id, email: admin.email, name: admin.name, isAdmin: true } });
  return { admin, headers: () => identityHeader({ admin }) };
}

export const gatewayHeaders = () => identityHeader({ caller: 'gateway' });

export interface ServiceAppsTest {
  readonly app: ReturnType<typeof buildServiceAppsApp>;
  readonly ctx: TestContext<Config>;
  /** The real permission-service process over the same database (stop it to make it unreachable). */
  readonly permission: ChildService;
}

/**
 * Like useServiceApp with buildServiceAppsApp, plus a real permission-service process on a free
 * port over the file's database: deleting an app purges its resources there first.
 */
export function useServiceAppsWithPermissionService(): ServiceAppsTest {
  let state: { ctx: TestContext<Config>; app: ReturnType<typeof buildServiceAppsApp>; permission: ChildService } | undefined;
  let ctx: TestContext<Config> | undefined;
  let permission: ChildService | undefined;
  beforeAll(async () => {
    const port = await freePort();
    ctx = await createTestContext(loadConfig, { PERMISSION_SERVICE_URL: `http://127.0.0.1:${port}` });
    permission = await startServiceProcess('permission-service', port, ctx.env);
    state = { ctx, app: buildServiceAppsApp(ctx.deps), permission };
  }, 60_000);
  afterAll(async () => {
    await permission?.stop();
    await ctx?.close();
  });
  const ready = () => {
    if (!state) throw new Error('useServiceAppsWithPermissionService: used before beforeAll ran');
    return state;
  };
  return {
    get app() {
      return ready().app;
    },
    get ctx() {
      return ready().ctx;
    },
    get permission() {
      return ready().permission;
    },
  };
}
