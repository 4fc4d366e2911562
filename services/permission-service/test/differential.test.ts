/**
 * Differential test: random small worlds (two workspaces, users with a role in either, both or
 * neither, groups and memberships, resources of two types with owners, visibility and shares to
 * users, groups and grantees that do not exist) are written to the file's database, and the
 * service's answers through its HTTP app (checks, and accessible lists read whole and followed
 * page by page with page sizes 1, 2, 3 and 7) are compared with a plain evaluator written below from docs/api.md's
 * "Check semantics" over the same data in memory. The token's role and groups claims are random:
 * the service must answer from the database, as docs/api.md requires.
 */
import { randomUUID } from 'node:crypto';
import type { WorkspaceRole } from '@sentinel/http';
import { identityHeader, testService, testUser, useServiceApp } from '@sentinel/testing';
import fc from 'fast-check';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

type Action = 'view' | 'edit';
type GranteeType = 'user' | 'group';
const ROLES: readonly WorkspaceRole[] = ['viewer', 'editor', 'admin', 'owner'];
const TYPES = ['doc', 'sheet'] as const;
const ACTIONS: readonly Action[] = ['view', 'edit'];
const PAGE_SIZES = [1, 2, 3, 7];

/** A world as fast-check generates it: users and groups by index (an index past the end is a grantee that does not exist). */
interface WorldSpec {
  users: Array<{ roles: [WorkspaceRole | null, WorkspaceRole | null]; tokenRole: WorkspaceRole; tokenGroups: number[] }>;
  groups: Array<{ workspace: 0 | 1; members: number[] }>;
  resources: Array<{
    workspace: 0 | 1;
    type: (typeof TYPES)[number];
    id: string;
    owner: number | null;
    visibility: 'private' | 'workspace';
    shares: Array<{ type: GranteeType; index: number; permission: Action }>;
  }>;
}

const worldArb: fc.Arbitrary<WorldSpec> = fc.integer({ min: 2, max: 4 }).chain((nUsers) =>
  fc.integer({ min: 0, max: 3 }).chain((nGroups) => {
    const role = fc.option(fc.constantFrom(...ROLES), { nil: null });
    const indexes = (n: number) => Array.from({ length: n }, (_, i) => i);
    return fc.record({
      users: fc.array(
        fc.record({ roles: fc.tuple(role, role), tokenRole: fc.constantFrom(...ROLES), tokenGroups: fc.subarray(indexes(nGroups)) }),
        { minLength: nUsers, maxLength: nUsers },
      ),
      groups: fc.array(fc.record({ workspace: fc.constantFrom<0 | 1>(0, 0, 1), members: fc.subarray(indexes(nUsers)) }), {
        minLength: nGroups,
        maxLength: nGroups,
      }),
      resources: fc.uniqueArray(
        fc.record({
          workspace: fc.constantFrom<0 | 1>(0, 0, 0, 1),
          type: fc.constantFrom(...TYPES),
          id: fc.uuid({ version: 4 }),
          owner: fc.option(fc.nat({ max: nUsers - 1 }), { nil: null }),
          visibility: fc.constantFrom<'private' | 'workspace'>('private', 'workspace'),
          shares: fc.uniqueArray(
            fc.oneof(
              fc.record({ type: fc.constant<GranteeType>('user'), index: fc.nat({ max: nUsers }), permission: fc.constantFrom(...ACTIONS) }),
              fc.record({ type: fc.constant<GranteeType>('group'), index: fc.nat({ max: nGroups }), permission: fc.constantFrom(...ACTIONS) }),
            ),
            { selector: (s) => `${s.type}:${s.index}`, maxLength: 4 },
          ),
        }),
        { selector: (r) => `${r.type}:${r.id}`, maxLength: 8 },
      ),
    });
  }),
);

/** The same world with database ids, as the reference evaluator reads it. */
interface World {
  service: string;
  workspaces: [string, string];
  users: Array<{ id: string; roles: [WorkspaceRole | null, WorkspaceRole | null]; tokenRole: WorkspaceRole; tokenGroups: string[] }>;
  groups: Array<{ id: string; workspace: string; members: Set<string> }>;
  resources: Array<{
    type: string;
    resourceId: string;
    workspace: string;
    ownerId: string | null;
    visibility: 'private' | 'workspace';
    shares: Array<{ type: GranteeType; granteeId: string; permission: Action }>;
  }>;
}

/** docs/api.md, "Check semantics", in order, over the world in memory. */
function referenceCheck(world: World, userId: string, wid: string, type: string, resourceId: string, action: Action): boolean {
  const resource = world.resources.find((r) => r.type === type && r.resourceId === resourceId);
  if (!resource) return false; // unknown resource
  if (resource.workspace !== wid) return false; // another workspace than the token's
  const user = world.users.find((u) => u.id === userId);
  const role = user?.roles[world.workspaces.indexOf(wid)] ?? null;
  // Role and groups are the current ones: someone no longer a member has neither (removal is a revoke).
  if (role === null) return false;
  if (resource.ownerId === userId) return true;
  if (role === 'admin' || role === 'owner') return true;
  if (resource.visibility === 'workspace' && (action === 'view' || role === 'editor')) return true;
  const grants = (permission: Action) => action === 'view' || permission === 'edit';
  const groups = new Set(world.groups.filter((g) => g.workspace === wid && g.members.has(userId)).map((g) => g.id));
  return resource.shares.some(
    (s) => grants(s.permission) && ((s.type === 'user' && s.granteeId === userId) || (s.type === 'group' && groups.has(s.granteeId))),
  );
}

describe('differential: the service against a reference evaluator written from docs/api.md', () => {
  const t = useServiceApp(loadConfig, createApp);
  const db = () => t.ctx.deps.prisma;
  let run = 0;

  /** Writes the world to the database under fresh workspaces and a service name of its own. */
  async function writeWorld(spec: WorldSpec): Promise<World> {
    const tag = `${++run}-${randomUUID().slice(0, 6)}`;
    const workspaces = [randomUUID(), randomUUID()] as [string, string];
    await db().workspace.createMany({ data: workspaces.map((id, i) => ({ id, slug: `diff-${tag}-${i}`, name: 'W' })) });
    const users = spec.users.map((u) => ({ ...u, id: randomUUID(), tokenGroups: [] as string[] }));
    await db().user.createMany({ data: users.map((u) => ({ id: u.id, email: `${u.id}@example.com`, name: 'U' })) });
    await db().workspaceMembership.createMany({
      data: users.flatMap((u) => u.roles.flatMap((role, i) => (role ? [{ workspaceId: workspaces[i]!, userId: u.id, role }] : []))),
    });
    const groups = spec.groups.map((g) => ({ id: randomUUID(), workspace: workspaces[g.workspace], members: new Set(g.members.map((i) => users[i]!.id)) }));
    await db().group.createMany({ data: groups.map((g, i) => ({ id: g.id, workspaceId: g.workspace, name: `g${i}` })) });
    await db().groupMembership.createMany({ data: groups.flatMap((g) => [...g.members].map((userId) => ({ groupId: g.id, userId }))) });
    spec.users.forEach((u, i) => (users[i]!.tokenGroups = u.tokenGroups.map((g) => groups[g]!.id)));

    const unknown = { user: randomUUID(), group: randomUUID() };
    const granteeId = (type: GranteeType, index: number) => (type === 'user' ? users[index]?.id : groups[index]?.id) ?? unknown[type];
    const resources = spec.resources.map((r) => ({
      rowId: randomUUID(),
      type: r.type,
      resourceId: r.id,
      workspace: workspaces[r.workspace],
      ownerId: r.owner === null ? null : users[r.owner]!.id,
      visibility: r.visibility,
      shares: r.shares.map((s) => ({ type: s.type, granteeId: granteeId(s.type, s.index), permission: s.permission })),
    }));
    const service = `diff${tag}`;
    await db().resourcePermission.createMany({
      data: resources.map((r) => ({
        id: r.rowId,
        serviceName: service,
        resourceType: r.type,
        resourceId: r.resourceId,
        workspaceId: r.workspace,
        ownerId: r.ownerId,
        visibility: r.visibility,
      })),
    });
    await db().resourceShare.createMany({
      data: resources.flatMap((r) => r.shares.map((s) => ({ resourcePermissionId: r.rowId, granteeType: s.type, granteeId: s.granteeId, permission: s.permission }))),
    });
    return { service, workspaces, users, groups, resources };
  }

  /** The gateway's identity for the user holding a token for `wid`, with the token's (random) role and groups. */
  const as = (world: World, user: World['users'][number], wid: string) =>
    identityHeader({
      service: testService({ service_name: world.service }),
      user: testUser({ user_id: user.id, workspace_id: wid, workspace_role: user.tokenRole, groups: user.tokenGroups }),
    });

  async function compareChecks(world: World): Promise<void> {
    const keys = [...world.resources.map((r) => ({ type: r.type, id: r.resourceId })), { type: 'doc', id: randomUUID() }];
    const items = keys.flatMap((k) => ACTIONS.map((action) => ({ service_name: world.service, resource_type: k.type, resource_id: k.id, action })));
    await Promise.all(
      world.users.flatMap((user) =>
        world.workspaces.map(async (wid) => {
          const res = await request(t.app).post('/permissions/check').set(as(world, user, wid)).send({ checks: items });
          expect(res.status).toBe(200);
          const expected = items.map((i) => ({ ...i, allowed: referenceCheck(world, user.id, wid, i.resource_type, i.resource_id, i.action) }));
          expect({ user: user.id, wid, results: res.body.results }).toEqual({ user: user.id, wid, results: expected });
        }),
      ),
    );
  }

  /** Every id of an accessible list, following the cursor page by page. */
  async function accessibleList(world: World, user: World['users'][number], type: string, action: Action, limit?: number) {
    const ids: string[] = [];
    const fullAccess = new Set<boolean>();
    let cursor: string | undefined;
    for (let pages = 1; ; pages++) {
      const body = { service_name: world.service, resource_type: type, action, workspace_id: world.workspaces[0], limit, cursor };
      const res = await request(t.app).post('/permissions/accessible').set(as(world, user, world.workspaces[0])).send(body);
      expect(res.status).toBe(200);
      const page = res.body as { resource_ids: string[]; has_full_access: boolean; complete: boolean; next_cursor?: string };
      ids.push(...page.resource_ids);
      fullAccess.add(page.has_full_access);
      if (page.complete) {
        expect(page.next_cursor).toBeUndefined();
        break;
      }
      // A page that is not the last one is full, and says where the next one starts.
      expect(page.resource_ids).toHaveLength(limit ?? -1);
      expect(page.next_cursor).toEqual(expect.any(String));
      cursor = page.next_cursor;
      if (pages > 20) throw new Error('accessible did not end');
    }
    expect(fullAccess.size).toBe(1);
    return { ids, hasFullAccess: [...fullAccess][0] };
  }

  async function compareAccessible(world: World): Promise<void> {
    const wid = world.workspaces[0];
    const combos = world.users.flatMap((user) => TYPES.flatMap((type) => ACTIONS.map((action) => ({ user, type, action }))));
    await Promise.all(
      combos.map(async ({ user, type, action }, i) => {
        const context = { user: user.id, role: user.roles[0], type, action };
        const expected = world.resources
          .filter((r) => r.type === type && referenceCheck(world, user.id, wid, type, r.resourceId, action))
          .map((r) => r.resourceId)
          .sort();
        const fullRole = user.roles[0] === 'admin' || user.roles[0] === 'owner';
        const whole = await accessibleList(world, user, type, action);
        if (fullRole) {
          // docs/api.md: admins and owners without a limit get no ids and has_full_access.
          expect({ ...context, ...whole }).toEqual({ ...context, ids: [], hasFullAccess: true });
        } else {
          expect({ ...context, ids: [...whole.ids].sort(), hasFullAccess: whole.hasFullAccess }).toEqual({ ...context, ids: expected, hasFullAccess: false });
        }
        const order = fullRole ? undefined : whole.ids;
        // Each list once whole and once page by page, the page sizes taking turns over the lists
        // (every size serves several lists in every world; all of them on every list was slow).
        const limit = PAGE_SIZES[(i + run) % PAGE_SIZES.length]!;
        const paged = await accessibleList(world, user, type, action, limit);
        // accessible == { r : check(r) }, in one stable order whatever the page size.
        expect({ ...context, limit, ids: [...paged.ids].sort(), hasFullAccess: paged.hasFullAccess }).toEqual({
          ...context,
          limit,
          ids: expected,
          hasFullAccess: fullRole,
        });
        expect(new Set(paged.ids).size).toBe(paged.ids.length);
        if (order) expect(paged.ids).toEqual(order);
      }),
    );
    // A user asking about another workspace than their token's: 403.
    const user = world.users[0]!;
    const res = await request(t.app)
      .post('/permissions/accessible')
      .set(as(world, user, world.workspaces[1]))
      .send({ service_name: world.service, resource_type: 'doc', action: 'view', workspace_id: wid });
    expect(res.status).toBe(403);
  }

  it('when random worlds are checked and listed, then the service and the reference agree', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (spec) => {
        const world = await writeWorld(spec);
        await compareChecks(world);
        await compareAccessible(world);
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
