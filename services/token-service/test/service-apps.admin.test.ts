import { randomUUID } from 'node:crypto';
import { sha256Hex } from '@sentinel/crypto';
import { identityHeader, testUser } from '@sentinel/testing';
import request from 'supertest';
import { gatewayHeaders, seedAdmin, useServiceAppsWithPermissionService } from './service-apps-setup';

describe('/admin/service-apps', () => {
  const t = useServiceAppsWithPermissionService();
  let asAdmin: () => Record<string, string>;
  let adminId: string;
  let n = 0;
  const serviceName = () => `svc-${++n}`;

  beforeAll(async () => {
    const seeded = await seedAdmin(t.ctx.deps.prisma);
    asAdmin = seeded.headers;
    adminId = seeded.admin.user_id;
  });

  const create = (body: Record<string, unknown>) => request(t.app).post('/admin/service-apps').set(asAdmin()).send(body);
  const verify = (key: unknown) => request(t.app).post('/internal/service-keys/verify').set(gatewayHeaders()).send({ key });
  const activityOf = (targetId: string) =>
    t.ctx.deps.prisma.activityLog.findMany({ where: { targetId }, orderBy: { createdAt: 'asc' } });

  it('when an app is created, then the key is shown once and never again in list or get', async () => {
    const res = await create({ name: 'Docs', service_name: 'docs' });
    expect(res.status).toBe(201);
    const key: string = res.body.api_key;
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{55}$/);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Docs',
      service_name: 'docs',
      key_prefix: expect.any(String),
      is_active: true,
      last_used_at: null,
      created_by: adminId,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      api_key: key,
    });
    expect(key.startsWith(res.body.key_prefix)).toBe(true);
    expect(res.body.key_prefix).toHaveLength(15);

    const list = await request(t.app).get('/admin/service-apps').set(asAdmin());
    const got = await request(t.app).get(`/admin/service-apps/${res.body.id}`).set(asAdmin());
    expect(list.status).toBe(200);
    expect(got.status).toBe(200);
    const withoutKey = { ...res.body };
    delete withoutKey.api_key;
    expect(got.body).toEqual(withoutKey);
    expect(list.body).toContainEqual(withoutKey);
    for (const text of [list.text, got.text]) {
      expect(text).not.toContain(key.slice(15));
      expect(text).not.toContain(sha256Hex(key));
      expect(text).not.toMatch(/hash/i);
    }
  });

  it('when an app is created, then its row holds only the hash of the key', async () => {
    const res = await create({ name: 'Billing', service_name: 'billing' });
    const key: string = res.body.api_key;
    const rows = await t.ctx.deps.prisma.$queryRaw<Array<{ row: string; key_hash: string }>>`
      SELECT row_to_json(s)::text AS row, key_hash FROM service_apps s WHERE id = ${res.body.id}::uuid`;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key_hash).toBe(sha256Hex(key));
    expect(rows[0]?.row).not.toContain(key);
    expect(rows[0]?.row).not.toContain(key.slice(15));
  });

  it('when a name carries HTML, then it is stored without it', async () => {
    const res = await create({ name: '<b>Reports</b>', service_name: serviceName() });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Reports');
  });

  it('when the body is invalid, then 422 and nothing is created', async () => {
    const before = await t.ctx.deps.prisma.serviceApp.count();
    for (const body of [
      {},
      { name: 'x' },
      { service_name: 'ok-name' },
      { name: 'x', service_name: 'Upper' },
      { name: 'x', service_name: '1starts-with-digit' },
      { name: 'x', service_name: 'has space' },
      { name: 'x', service_name: `a${'b'.repeat(255)}` },
      { name: '<i></i>', service_name: 'empty-name' },
      { name: 42, service_name: 'numeric-name' },
    ]) {
      const res = await create(body);
      expect({ body, status: res.status }).toEqual({ body, status: 422 });
      expect(res.body.detail).toEqual(expect.any(String));
    }
    expect(await t.ctx.deps.prisma.serviceApp.count()).toBe(before);
  });

  it('when the service_name is taken, then 409', async () => {
    const name = serviceName();
    expect((await create({ name: 'One', service_name: name })).status).toBe(201);
    const res = await create({ name: 'Two', service_name: name });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain(name);
  });

  it('when the same service_name is created concurrently, then exactly one wins and the others get 409', async () => {
    const name = serviceName();
    const answers = await Promise.all(Array.from({ length: 5 }, () => create({ name: 'Racer', service_name: name })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it('when the id is unknown, then 404 on get, update, rotate and delete; a malformed id is 422', async () => {
    const path = `/admin/service-apps/${randomUUID()}`;
    expect((await request(t.app).get(path).set(asAdmin())).status).toBe(404);
    expect((await request(t.app).patch(path).set(asAdmin()).send({ is_active: false })).status).toBe(404);
    expect((await request(t.app).post(`${path}/rotate-key`).set(asAdmin())).status).toBe(404);
    const deleted = await request(t.app).delete(path).set(asAdmin());
    expect(deleted.status).toBe(404);
    expect(deleted.body).toEqual({ detail: 'Service app not found' });
    expect((await request(t.app).get('/admin/service-apps/not-a-uuid').set(asAdmin())).status).toBe(422);
  });

  it('when the caller is not an admin, then 403 (a user, one of our processes) or 401 (anonymous) on every route', async () => {
    const created = await create({ name: 'Guarded', service_name: serviceName() });
    const id: string = created.body.id;
    const cases = [
      [identityHeader({ user: testUser({ workspace_role: 'owner' }) }), 403],
      [gatewayHeaders(), 403],
      [identityHeader({}), 401],
    ] as const;
    for (const [headers, status] of cases) {
      const answers = await Promise.all([
        request(t.app).get('/admin/service-apps').set(headers),
        request(t.app).post('/admin/service-apps').set(headers).send({ name: 'x', service_name: serviceName() }),
        request(t.app).get(`/admin/service-apps/${id}`).set(headers),
        request(t.app).patch(`/admin/service-apps/${id}`).set(headers).send({ is_active: false }),
        request(t.app).post(`/admin/service-apps/${id}/rotate-key`).set(headers),
        request(t.app).delete(`/admin/service-apps/${id}`).set(headers),
      ]);
      expect(answers.map((r) => r.status)).toEqual(Array(6).fill(status));
    }
    expect((await request(t.app).get('/admin/service-apps')).status).toBe(401);
    expect((await request(t.app).get(`/admin/service-apps/${id}`).set(asAdmin())).body.is_active).toBe(true);
  });

  it('when an app is updated, then name and is_active change, and invalid values are 422', async () => {
    const created = await create({ name: 'Old name', service_name: serviceName() });
    const path = `/admin/service-apps/${created.body.id}`;
    const res = await request(t.app).patch(path).set(asAdmin()).send({ name: 'New name', is_active: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'New name', is_active: false, service_name: created.body.service_name });
    expect(res.body.api_key).toBeUndefined();
    expect((await request(t.app).patch(path).set(asAdmin()).send({ is_active: 'no' })).status).toBe(422);
    expect((await request(t.app).patch(path).set(asAdmin()).send({ name: '' })).status).toBe(422);
  });

  it('when the overlap is out of bounds, then 422', async () => {
    const created = await create({ name: 'Bounds', service_name: serviceName() });
    const path = `/admin/service-apps/${created.body.id}/rotate-key`;
    for (const overlap of [-1, 1.5, 7 * 24 * 3600 + 1, '60']) {
      expect((await request(t.app).post(path).set(asAdmin()).send({ overlap_seconds: overlap })).status).toBe(422);
    }
  });

  it('when an app goes through every mutation, then each writes one activity entry without any secret', async () => {
    const created = await create({ name: 'Audited', service_name: serviceName() });
    const id: string = created.body.id;
    const keys: string[] = [created.body.api_key];
    await request(t.app).patch(`/admin/service-apps/${id}`).set(asAdmin()).send({ is_active: false }).expect(200);
    // A PATCH that changes nothing records nothing.
    await request(t.app).patch(`/admin/service-apps/${id}`).set(asAdmin()).send({ is_active: false }).expect(200);
    const rotated = await request(t.app).post(`/admin/service-apps/${id}/rotate-key`).set(asAdmin()).send({ overlap_seconds: 60 });
    expect(rotated.status).toBe(200);
    keys.push(rotated.body.api_key);
    expect(rotated.body.api_key).not.toBe(created.body.api_key);
    expect(rotated.body.key_prefix).not.toBe(created.body.key_prefix);
    await request(t.app).delete(`/admin/service-apps/${id}`).set(asAdmin()).expect(204);
    expect((await request(t.app).get(`/admin/service-apps/${id}`).set(asAdmin())).status).toBe(404);

    const entries = await activityOf(id);
    expect(entries.map((e) => e.action)).toEqual([
      'service_app_created',
      'service_app_updated',
      'service_app_key_rotated',
      'service_app_deleted',
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ actorId: adminId, targetType: 'service_app', targetId: id });
      const detail = JSON.stringify(entry.detail);
      for (const key of keys) {
        expect(detail).not.toContain(key.slice(15));
        expect(detail).not.toContain(sha256Hex(key));
      }
    }
    expect(entries[1]?.detail).toMatchObject({ changes: { is_active: { from: true, to: false } } });
    expect(entries[2]?.detail).toMatchObject({ overlap_seconds: 60, key_prefix: rotated.body.key_prefix });
    // Deleted: its keys no longer verify.
    for (const key of keys) expect((await verify(key)).status).toBe(401);
  });
});
