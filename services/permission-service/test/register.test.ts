import { randomUUID } from 'node:crypto';
import { identityHeader, testUser, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createResourceRepository } from '../src/data/resources';
import { asService, registerBody, seeder } from './support';

describe('POST /permissions/register', () => {
  const t = useServiceApp(loadConfig, createApp);
  const seed = seeder(() => t.ctx.deps.prisma);
  let workspaceId: string;
  let ownerId: string;

  beforeAll(async () => {
    workspaceId = await seed.workspace();
    ownerId = await seed.user(workspaceId, 'editor');
  });

  const register = (body: object, headers = asService()) => request(t.app).post('/permissions/register').set(headers).send(body);

  it("when a resource is new, then 201 with 0.7's record shape, no shares, and an activity entry", async () => {
    const body = registerBody({ workspace_id: workspaceId, owner_id: ownerId, visibility: 'workspace' });
    const res = await register(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      service_name: 'docs',
      resource_type: 'document',
      resource_id: body.resource_id,
      workspace_id: workspaceId,
      owner_id: ownerId,
      visibility: 'workspace',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      shares: [],
    });
    const entries = await t.ctx.deps.prisma.activityLog.findMany({ where: { targetId: res.body.id } });
    expect(entries).toEqual([
      expect.objectContaining({ action: 'permission_registered', workspaceId, targetType: 'resource_permission' }),
    ]);
  });

  it('when visibility is omitted, then it defaults to workspace (0.7)', async () => {
    const res = await register({ ...registerBody({ workspace_id: workspaceId, owner_id: ownerId }), visibility: undefined });
    expect(res.status).toBe(201);
    expect(res.body.visibility).toBe('workspace');
  });

  it('when the resource exists, then 200 with the existing record unchanged, even if the body differs', async () => {
    const body = registerBody({ workspace_id: workspaceId, owner_id: ownerId });
    const first = await register(body);
    const otherOwner = await seed.user(workspaceId);
    const again = await register({ ...body, owner_id: otherOwner, visibility: 'workspace' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await t.ctx.deps.prisma.activityLog.count({ where: { targetId: first.body.id } })).toBe(1);
  });

  it('when ten registers of the same resource race, then one row, one 201 and nine 200 with the same record', async () => {
    const body = registerBody({ workspace_id: workspaceId, owner_id: ownerId });
    const answers = await Promise.all(Array.from({ length: 10 }, () => register(body)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((r) => r.body.id as string)).size).toBe(1);
    expect(await t.ctx.deps.prisma.resourcePermission.count({ where: { resourceId: body.resource_id } })).toBe(1);
  });

  it('when ten inserts race past the existence check, then ON CONFLICT keeps one row and exactly one is created', async () => {
    const repo = createResourceRepository(t.ctx.deps.prisma);
    const input = { serviceName: 'docs', resourceType: 'document', resourceId: randomUUID(), workspaceId, ownerId, visibility: 'private' as const };
    const actor = { appId: randomUUID(), serviceName: 'docs', userId: null };
    const results = await Promise.all(Array.from({ length: 10 }, () => repo.register(input, actor)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.resource.id)).size).toBe(1);
    const id = results[0]!.resource.id;
    expect(await t.ctx.deps.prisma.activityLog.count({ where: { targetId: id, action: 'permission_registered' } })).toBe(1);
  });

  it("when the key's service_name differs from the body's, then 403 and nothing is stored", async () => {
    const body = registerBody({ workspace_id: workspaceId, owner_id: ownerId });
    const res = await register(body, asService('billing'));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: "Service key is not authorized for service 'docs'" });
    expect(await t.ctx.deps.prisma.resourcePermission.count({ where: { resourceId: body.resource_id } })).toBe(0);
  });

  it('when the body is invalid, then 422 naming the field', async () => {
    const valid = registerBody({ workspace_id: workspaceId, owner_id: ownerId });
    for (const [field, value] of [
      ['resource_id', 'not-a-uuid'],
      ['service_name', 'Docs'],
      ['resource_type', '1doc'],
      ['resource_type', `a${'b'.repeat(255)}`],
      ['visibility', 'public'],
      ['workspace_id', 42],
      ['owner_id', undefined],
    ] as const) {
      const res = await register({ ...valid, [field]: value });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].loc).toEqual(['body', field]);
    }
  });

  it('when the workspace or the owner does not exist, then 400, not 500', async () => {
    const unknownWorkspace = await register(registerBody({ workspace_id: randomUUID(), owner_id: ownerId }));
    expect(unknownWorkspace.status).toBe(400);
    const unknownOwner = await register(registerBody({ workspace_id: workspaceId, owner_id: randomUUID() }));
    expect(unknownOwner.status).toBe(400);
  });

  it('when only a user calls it (no service key), then 401', async () => {
    const res = await register(registerBody({ workspace_id: workspaceId, owner_id: ownerId }), identityHeader({ user: testUser() }));
    expect(res.status).toBe(401);
  });
});
