import { randomBytes } from 'node:crypto';
import type { Database } from '@sentinel/db';
import type { WorkspaceRole } from '@sentinel/http';
import {
  createTestContext,
  freePort,
  identityHeader,
  startServiceProcess,
  testService,
  testUser,
  type ChildService,
  type TestContext,
} from '@sentinel/testing';
import type { Express } from 'express';
import { createApp } from '../src/app';
import { loadConfig, type Config } from '../src/config';

let counter = 0;
export const unique = () => `${(counter += 1)}-${randomBytes(3).toString('hex')}`;

export interface SeededUser {
  id: string;
  email: string;
  name: string;
}

export async function seedUser(prisma: Database, name = 'Member'): Promise<SeededUser> {
  const n = unique();
  const user = await prisma.user.create({ data: { email: `user-${n}@example.com`, name: `${name} ${n}` } });
  return { id: user.id, email: user.email, name: user.name };
}

export interface SeededWorkspace {
  id: string;
  slug: string;
  /** One user per role given, in that order. */
  members: Array<SeededUser & { role: WorkspaceRole }>;
}

export async function seedWorkspace(prisma: Database, roles: WorkspaceRole[] = ['owner']): Promise<SeededWorkspace> {
  const slug = `ws-${unique()}`;
  const workspace = await prisma.workspace.create({ data: { slug, name: `Workspace ${slug}` } });
  const members: SeededWorkspace['members'] = [];
  for (const role of roles) {
    const user = await seedUser(prisma, role);
    await prisma.workspaceMembership.create({ data: { workspaceId: workspace.id, userId: user.id, role } });
    members.push({ ...user, role });
  }
  return { id: workspace.id, slug, members };
}

/** The header the gateway would forward for `user` holding a token for `workspace` with `role`. */
export function as(user: { id: string }, workspace: { id: string }, role: WorkspaceRole): Record<string, string> {
  return identityHeader({ user: testUser({ user_id: user.id, workspace_id: workspace.id, workspace_role: role }) });
}

/** Same, for the seeded member of that workspace with that role (its first one). */
export function asRole(workspace: SeededWorkspace, role: WorkspaceRole): Record<string, string> {
  const member = workspace.members.find((m) => m.role === role);
  if (!member) throw new Error(`no ${role} in the seeded workspace`);
  return as(member, workspace, role);
}

export async function accessRevision(prisma: Database, workspaceId: string): Promise<bigint> {
  const row = await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { accessRevision: true } });
  return row.accessRevision;
}

/** workspace-service's own entries about a workspace (token-service logs sessions there too). */
export async function activityActions(prisma: Database, workspaceId: string): Promise<string[]> {
  const rows = await prisma.activityLog.findMany({
    where: { workspaceId, action: { notIn: ['session_started', 'tokens_revoked'] } },
    orderBy: { createdAt: 'asc' },
    select: { action: true },
  });
  return rows.map((r) => r.action);
}

export interface Stack {
  ctx: TestContext<Config>;
  app: Express;
  tokenService: ChildService;
  /** A real session: token pair issued by token-service, as auth-service would ask for it. */
  login(userId: string, workspaceId: string): Promise<{ access_token: string; refresh_token: string }>;
  /** Whether token-service still considers this access token live (its /auth/introspect). */
  isActive(accessToken: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * This file's own database and Redis prefix, a real token-service process over them, and the
 * workspace-service app (driven with supertest) calling that token-service.
 */
export async function startStack(): Promise<Stack> {
  const ctx = await createTestContext(loadConfig);
  const tokenService = await startServiceProcess('token-service', await freePort(), ctx.env);
  const config = loadConfig({ ...ctx.env, TOKEN_SERVICE_URL: tokenService.url });
  const app = createApp({ ...ctx.deps, config });
  const post = async (path: string, body: unknown, identity: Record<string, string>) => {
    const res = await fetch(`${tokenService.url}${path}`, {
      method: 'POST',
      headers: { ...identity, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    const json: unknown = await res.json();
    return json;
  };
  return {
    ctx,
    app,
    tokenService,
    login: async (userId, workspaceId) =>
      (await post('/internal/tokens/issue', { user_id: userId, workspace_id: workspaceId }, identityHeader({ caller: 'auth-service' }))) as {
        access_token: string;
        refresh_token: string;
      },
    isActive: async (token) => ((await post('/auth/introspect', { token }, identityHeader({ service: testService() }))) as { active: boolean }).active,
    close: async () => {
      await tokenService.stop();
      await ctx.close();
    },
  };
}
