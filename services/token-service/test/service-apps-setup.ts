import type { Database } from '@sentinel/db';
import { serviceApp, type ServiceDeps } from '@sentinel/runtime';
import { identityHeader, testAdmin } from '@sentinel/testing';
import type { Express } from 'express';
import type { Config } from '../src/config';
import { createServiceAppsRouter } from '../src/http/service-apps';
import { createServiceApps, type ServiceApps } from '../src/service-apps';

/**
 * The service-apps routes on the service's shared skeleton, with the ServiceApps object the
 * routes use exposed for tests that look behind them (the same wiring createApp does).
 */
export function buildServiceAppsApp(deps: ServiceDeps<Config>): Express & { serviceApps: ServiceApps } {
  const serviceApps = createServiceApps(deps);
  return Object.assign(serviceApp(deps, [createServiceAppsRouter(serviceApps)]), { serviceApps });
}

/** An admin who exists as a user (created_by references users). */
export async function seedAdmin(prisma: Database) {
  const admin = testAdmin({ email: `admin-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}@example.com` });
  await prisma.user.create({ data: { id: admin.user_id, email: admin.email, name: admin.name, isAdmin: true } });
  return { admin, headers: () => identityHeader({ admin }) };
}

export const gatewayHeaders = () => identityHeader({ caller: 'gateway' });
