/**
 * The cache can never serve an allow after a revoke, across replicas: two permission-service
 * processes (each with its own cache) answer checks while one writer interleaves grants and
 * revokes, through either replica's routes (share, unshare, visibility) or by SQL that mirrors
 * workspace-service's transactions (group membership, role: the change and, for a revoke, the
 * revision bump, in one transaction).
 *
 * The writer is sequential, so the committed states form one history S0, S1, … For a check sent
 * at time t, the oldest state it may see is the last one whose write had returned before t; the
 * newest is the last one whose write had started before the answer arrived. An allow that no
 * state in that window gives is a stale allow (and a deny no state gives is a stale deny: grants
 * bump the revision too, so they must show at once as well).
 */
import { randomUUID } from 'node:crypto';
import type { WorkspaceRole } from '@sentinel/http';
import { createTestContext, freePort, identityHeader, startServiceProcess, testService, testUser, type ChildService, type TestContext } from '@sentinel/testing';
import { loadConfig, type Config } from '../src/config';
import { evaluateCheck, type ShareFacts } from '../src/domain/evaluate';

type Action = 'view' | 'edit';
type Grantee = { type: 'user' | 'group'; id: string };

interface State {
  roles: Map<string, WorkspaceRole>;
  groups: Map<string, Set<string>>;
  resources: Map<string, { id: string; visibility: 'private' | 'workspace'; shares: Map<string, Action> }>;
}

const clone = (s: State): State => ({
  roles: new Map(s.roles),
  groups: new Map([...s.groups].map(([g, m]) => [g, new Set(m)])),
  resources: new Map([...s.resources].map(([r, v]) => [r, { ...v, shares: new Map(v.shares) }])),
});

/** mulberry32: a small seeded generator, so a failing run can be replayed by its seed. */
function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]! };
}

const SEED = 7;
const WRITES = 150;
const RESOURCES = 6;

describe('the check cache across two replicas', () => {
  let ctx: TestContext<Config>;
  const replicas: ChildService[] = [];

  beforeAll(async () => {
    ctx = await createTestContext(loadConfig);
    const ports = [await freePort(), await freePort()];
    // A cache smaller than the set of resources: entries are both hit and reloaded throughout the
    // run, so a replica that ignored the revision would hold allows loaded before a revoke.
    const env = { ...ctx.env, PERMISSION_CACHE_SIZE: String(RESOURCES - 2) };
    replicas.push(...(await Promise.all(ports.map((port) => startServiceProcess('permission-service', port, env)))));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await ctx?.close();
  });

  it('when grants, revokes and checks interleave, then no check sent after a revoke returned answers allow', async () => {
    const prisma = ctx.deps.prisma;
    const rng = seeded(SEED);
    const ws = (await prisma.workspace.create({ data: { slug: `ws-${randomUUID().slice(0, 8)}`, name: 'W' } })).id;
    const newUser = async (role: WorkspaceRole) => {
      const user = await prisma.user.create({ data: { email: `${randomUUID()}@example.com`, name: 'U' } });
      await prisma.workspaceMembership.create({ data: { workspaceId: ws, userId: user.id, role } });
      return user.id;
    };
    const owner = await newUser('viewer');
    const startRoles: WorkspaceRole[] = ['viewer', 'viewer', 'editor', 'viewer'];
    const users: string[] = [];
    for (const role of startRoles) users.push(await newUser(role));
    const groups = [
      (await prisma.group.create({ data: { workspaceId: ws, name: 'g1' } })).id,
      (await prisma.group.create({ data: { workspaceId: ws, name: 'g2' } })).id,
    ];
    const service = testService({ service_name: 'docs' });
    const asService = identityHeader({ service });
    const asUser = new Map([owner, ...users].map((id) => [id, identityHeader({ service, user: testUser({ user_id: id, workspace_id: ws }) })]));
    const call = async (method: string, path: string, headers: Record<string, string>, body: unknown) => {
      const res = await fetch(`${rng.pick(replicas).url}${path}`, {
        method,
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    };

    const state: State = {
      roles: new Map([[owner, 'viewer'], ...users.map((u, i): [string, WorkspaceRole] => [u, startRoles[i]!])]),
      groups: new Map(groups.map((g) => [g, new Set()])),
      resources: new Map(),
    };
    for (let i = 0; i < RESOURCES; i += 1) {
      const resourceId = randomUUID();
      const body = { service_name: 'docs', resource_type: 'document', resource_id: resourceId, workspace_id: ws, owner_id: owner, visibility: 'private' };
      const created = await call('POST', '/permissions/register', asService, body);
      state.resources.set(resourceId, { id: String(created.id), visibility: 'private', shares: new Map() });
    }
    const resourceIds = [...state.resources.keys()];

    // Each write changes the state, and returns once committed.
    const bump = `UPDATE workspaces SET access_revision = access_revision + 1 WHERE id = $1::uuid`;
    const writes: Array<() => Promise<void>> = [
      async () => {
        const r = state.resources.get(rng.pick(resourceIds))!;
        const members = users.filter((u) => state.roles.has(u)); // a share needs a grantee in the workspace
        const grantee: Grantee = members.length > 0 && rng.next() < 0.6 ? { type: 'user', id: rng.pick(members) } : { type: 'group', id: rng.pick(groups) };
        const permission: Action = rng.next() < 0.5 ? 'view' : 'edit';
        await call('POST', `/permissions/${r.id}/share`, asUser.get(owner)!, { grantee_type: grantee.type, grantee_id: grantee.id, permission });
        r.shares.set(`${grantee.type}:${grantee.id}`, permission);
      },
      async () => {
        const candidates = [...state.resources.values()].flatMap((r) => [...r.shares.keys()].map((k) => ({ r, k })));
        if (candidates.length === 0) return;
        const { r, k } = rng.pick(candidates);
        const [type, id] = k.split(':');
        await call('DELETE', `/permissions/${r.id}/share`, asService, { grantee_type: type, grantee_id: id });
        r.shares.delete(k);
      },
      async () => {
        const r = state.resources.get(rng.pick(resourceIds))!;
        const visibility = r.visibility === 'private' ? 'workspace' : 'private';
        await call('PATCH', `/permissions/${r.id}/visibility`, asService, { visibility });
        r.visibility = visibility;
      },
      async () => {
        const g = rng.pick(groups);
        const u = rng.pick(users);
        const members = state.groups.get(g)!;
        if (members.has(u)) {
          await prisma.$transaction([
            prisma.$executeRawUnsafe(`DELETE FROM group_memberships WHERE group_id = $1::uuid AND user_id = $2::uuid`, g, u),
            prisma.$executeRawUnsafe(bump, ws),
          ]);
          members.delete(u);
        } else if (state.roles.has(u)) {
          // workspace-service adds members only, and does not bump on an addition (it removes nothing).
          await prisma.groupMembership.create({ data: { groupId: g, userId: u } });
          members.add(u);
        }
      },
      async () => {
        // A role change or a removal (with the bump, as workspace-service does), or a re-join.
        const u = rng.pick(users);
        const current = state.roles.get(u);
        if (!current) {
          await prisma.workspaceMembership.create({ data: { workspaceId: ws, userId: u, role: 'viewer' } });
          state.roles.set(u, 'viewer');
          return;
        }
        const next = rng.pick<WorkspaceRole | 'removed'>(['viewer', 'editor', 'admin', 'removed'].filter((x) => x !== current) as Array<WorkspaceRole | 'removed'>);
        const change =
          next === 'removed'
            ? [
                // Removal also leaves the workspace's groups (workspace-service's removeMember).
                prisma.$executeRawUnsafe(`DELETE FROM group_memberships WHERE user_id = $1::uuid AND group_id = ANY($2::uuid[])`, u, groups),
                prisma.$executeRawUnsafe(`DELETE FROM workspace_memberships WHERE workspace_id = $1::uuid AND user_id = $2::uuid`, ws, u),
              ]
            : [prisma.$executeRawUnsafe(`UPDATE workspace_memberships SET role = $3 WHERE workspace_id = $1::uuid AND user_id = $2::uuid`, ws, u, next)];
        await prisma.$transaction([...change, prisma.$executeRawUnsafe(bump, ws)]);
        if (next === 'removed') {
          state.roles.delete(u);
          for (const members of state.groups.values()) members.delete(u);
        } else {
          state.roles.set(u, next);
        }
      },
    ];

    const history: Array<{ state: State; started: number; committed: number }> = [{ state: clone(state), started: 0, committed: 0 }];
    let writing = true;
    const writer = async () => {
      try {
        for (let i = 0; i < WRITES; i += 1) {
          const started = performance.now();
          await rng.pick(writes)();
          history.push({ state: clone(state), started, committed: performance.now() });
        }
      } finally {
        writing = false; // also when a write fails, so the checkers stop and the failure shows
      }
    };

    const decide = (s: State, userId: string, resourceId: string, action: Action): boolean => {
      const r = s.resources.get(resourceId)!;
      const role = s.roles.get(userId);
      const member = role ? { role, groups: new Set([...s.groups].filter(([, m]) => m.has(userId)).map(([g]) => g)) } : null;
      const shares: ShareFacts[] = [...r.shares].map(([k, permission]) => {
        const [granteeType, granteeId] = k.split(':') as ['user' | 'group', string];
        return { resourcePermissionId: r.id, granteeType, granteeId, permission };
      });
      const facts = { id: r.id, workspaceId: ws, ownerId: owner, visibility: r.visibility };
      return evaluateCheck({ userId, workspaceId: ws, member }, facts, shares, action);
    };

    const records: Array<{ sent: number; answered: number; replica: string; userId: string; resourceId: string; action: Action; answer: boolean }> = [];
    const checker = async (worker: number) => {
      const local = seeded(SEED * 1000 + worker);
      while (writing) {
        const userId = local.pick(users);
        const items = Array.from({ length: 3 }, () => ({ resourceId: local.pick(resourceIds), action: local.pick<Action>(['view', 'edit']) }));
        const replica = local.pick(replicas);
        const sent = performance.now();
        const res = await fetch(`${replica.url}/permissions/check`, {
          method: 'POST',
          headers: { ...asUser.get(userId)!, 'content-type': 'application/json' },
          body: JSON.stringify({ checks: items.map((i) => ({ service_name: 'docs', resource_type: 'document', resource_id: i.resourceId, action: i.action })) }),
        });
        const answered = performance.now();
        expect(res.status).toBe(200);
        const results = ((await res.json()) as { results: Array<{ allowed: boolean }> }).results;
        items.forEach((item, i) => records.push({ sent, answered, replica: `:${replica.port}`, userId, ...item, answer: results[i]!.allowed }));
      }
    };

    await Promise.all([writer(), ...Array.from({ length: 6 }, (_, w) => checker(w))]);
    // Judged once the history is complete: the window of states each check may have read.
    const staleAllows: string[] = [];
    const staleDenies: string[] = [];
    for (const c of records) {
      const oldest = history.findLastIndex((h) => h.committed < c.sent);
      const newest = history.findLastIndex((h) => h.started < c.answered);
      const window = history.slice(oldest, newest + 1);
      if (!window.some((h) => decide(h.state, c.userId, c.resourceId, c.action) === c.answer)) {
        const problem = `replica ${c.replica}: ${c.action} by ${c.userId} on ${c.resourceId}, states ${oldest}..${newest}`;
        (c.answer ? staleAllows : staleDenies).push(problem);
      }
    }
    const checked = records.length;
    const allowed = records.filter((c) => c.answer).length;
    expect(staleAllows).toEqual([]);
    expect(staleDenies).toEqual([]);
    // The run exercised both answers (a workload that only ever denies would prove nothing).
    expect(checked).toBeGreaterThan(300);
    expect(allowed).toBeGreaterThan(0);
    expect(allowed).toBeLessThan(checked);
  }, 120_000);
});
