import { randomUUID } from 'node:crypto';
import { identityHeader, testAdmin, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { asService, asUser, registerBody, seeder } from './support';

describe('POST /internal/services/{service_name}/purge', () => {
  const t = useServiceApp(loadConfig, createApp);
  const seed = seeder(() => t.ctx.deps.prisma);
  const db = () => t.ctx.deps.prisma;
  const fromTokenService = identityHeader({ caller: 'token-service' });
  let ws: string;
  let otherWs: string;
  let owner: string;
  let viewer: string;
  let otherOwner: string;
  let actor: string;

  beforeAll(async () => {
    ws = await seed.workspace();
    otherWs = await seed.workspace();
    owner = await seed.user(ws, 'viewer');
    viewer = await seed.user(ws, 'viewer');
    otherOwner = await seed.user(otherWs, 'viewer');
    actor = await seed.user();
  });

  const register = async (svc: string, workspaceId: string, ownerId: string) => {
    const body = registerBody({ service_name: svc, workspace_id: workspaceId, owner_id: ownerId, visibility: 'workspace' });
    const res = await request(t.app).post('/permissions/register').set(asService(svc)).send(body);
    expect(res.status).toBe(201);
    return { id: res.body.id as string, resourceId: body.resource_id as string };
  };
  const purge = (svc: string, body: object, headers = fromTokenService) =>
    request(t.app).post(`/internal/services/${svc}/purge`).set(headers).send(body);

  it("when token-service purges a service, then its resources and shares go, each workspace's revision is bumped once, and other services stay", async () => {
    const appId = randomUUID();
    const a = await register('doomed', ws, owner);
    await register('doomed', ws, owner);
    await register('doomed', otherWs, otherOwner);
    const kept = await register('kept', ws, owner);
    await db().resourceShare.create({ data: { resourcePermissionId: a.id, granteeType: 'user', granteeId: viewer, permission: 'edit' } });
    const check = () =>
      request(t.app)
        .post('/permissions/check')
        .set(asUser({ user_id: viewer, workspace_id: ws }, 'doomed'))
        .send({ checks: [{ service_name: 'doomed', resource_type: 'document', resource_id: a.resourceId, action: 'edit' }] });
    expect((await check()).body.results[0].allowed).toBe(true);
    const before = { ws: await seed.revision(ws), other: await seed.revision(otherWs) };

    const res = await purge('doomed', { app_id: appId, actor_id: actor });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ resources: 3, shares: 1, workspaces: 2 });
    expect(await db().resourcePermission.count({ where: { serviceName: 'doomed' } })).toBe(0);
    expect(await db().resourceShare.count({ where: { resourcePermissionId: a.id } })).toBe(0);
    expect(await db().resourcePermission.count({ where: { id: kept.id } })).toBe(1);
    expect(await seed.revision(ws)).toBe(before.ws + 1n);
    expect(await seed.revision(otherWs)).toBe(before.other + 1n);
    expect((await check()).body.results[0].allowed).toBe(false);
    const entries = await db().activityLog.findMany({ where: { targetId: appId }, orderBy: { workspaceId: 'asc' } });
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry).toMatchObject({ action: 'permission_service_purged', actorId: actor, targetType: 'service_app' });
    expect(entries.find((e) => e.workspaceId === ws)?.detail).toEqual({ service_name: 'doomed', resources: 2, shares: 1 });

    // Idempotent: a retry finds nothing, bumps nothing, records nothing.
    expect((await purge('doomed', { app_id: appId, actor_id: actor })).body).toEqual({ resources: 0, shares: 0, workspaces: 0 });
    expect(await seed.revision(ws)).toBe(before.ws + 1n);
    expect(await db().activityLog.count({ where: { targetId: appId } })).toBe(2);
  });

  it('when two purges of the same service race, then both answer 200 and everything is gone once', async () => {
    for (let i = 0; i < 6; i++) await register('racer', i % 2 === 0 ? ws : otherWs, i % 2 === 0 ? owner : otherOwner);
    const appId = randomUUID();
    const answers = await Promise.all([0, 1, 2].map(() => purge('racer', { app_id: appId, actor_id: null })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.reduce((n, a) => n + (a.body.resources as number), 0)).toBe(6);
    expect(await db().resourcePermission.count({ where: { serviceName: 'racer' } })).toBe(0);
  });

  it('when the caller is not token-service, then 403; a bad name or body 422', async () => {
    await register('guarded', ws, owner);
    const body = { app_id: randomUUID(), actor_id: null };
    for (const headers of [
      identityHeader({ caller: 'gateway' }),
      identityHeader({ caller: 'workspace-service' }),
      asService('guarded'),
      identityHeader({ admin: testAdmin() }),
      identityHeader({}),
    ]) {
      expect((await purge('guarded', body, headers)).status).toBe(403);
    }
    expect((await purge('Guarded!', body)).status).toBe(422);
    expect((await purge('guarded', { app_id: 'x', actor_id: null })).status).toBe(422);
    expect((await purge('guarded', {})).status).toBe(422);
    expect(await db().resourcePermission.count({ where: { serviceName: 'guarded' } })).toBe(1);
  });
});
