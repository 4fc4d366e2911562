import { randomUUID } from 'node:crypto';
import {
  INTERNAL_IDENTITY_HEADER,
  mintInternalToken,
  type AdminIdentity,
  type Identity,
  type ServiceIdentity,
  type UserIdentity,
} from '@sentinel/http';

/** The INTERNAL_SECRET that tests give the apps they build. */
export const TEST_INTERNAL_SECRET = 'test-internal-secret-0123456789abcdef0123456789abcdef';

const inFifteenMinutes = () => Math.floor(Date.now() / 1000) + 900;

export function testUser(overrides: Partial<UserIdentity> = {}): UserIdentity {
  return {
    user_id: randomUUID(),
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    workspace_id: randomUUID(),
    workspace_slug: 'analytical-engines',
    workspace_role: 'editor',
    groups: [],
    token_id: randomUUID(),
    token_expires_at: inFifteenMinutes(),
    ...overrides,
  };
}

export function testService(overrides: Partial<ServiceIdentity> = {}): ServiceIdentity {
  return { app_id: randomUUID(), service_name: 'docs', ...overrides };
}

export function testAdmin(overrides: Partial<AdminIdentity> = {}): AdminIdentity {
  return {
    user_id: randomUUID(),
    email: 'admin@example.com',
    name: 'Admin',
    token_id: randomUUID(),
    token_expires_at: inFifteenMinutes(),
    ...overrides,
  };
}

/**
 * The header the gateway would send for this identity, so a service's tests can call its
 * protected routes directly: `request(app).get('/x').set(identityHeader({ user: testUser() }))`.
 */
export function identityHeader(identity: Identity = {}, secret = TEST_INTERNAL_SECRET): Record<string, string> {
  return { [INTERNAL_IDENTITY_HEADER]: mintInternalToken(secret, identity) };
}
