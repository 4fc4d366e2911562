import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPrismaClient, recordActivity, type Database } from '../src';
import { createTestDatabase } from '@sentinel/testing';

describe('the schema', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: Database;
  let sql: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    prisma = createPrismaClient(database.url, { poolSize: 2 });
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql.end();
    await prisma.$disconnect();
    await database.drop();
  });

  describe('the activity log', () => {
    it('when an entry is appended, then it is stored with its fields', async () => {
      const id = await recordActivity(prisma, { action: 'workspace_created', targetType: 'workspace', targetId: randomUUID(), detail: { name: 'x' } });
      const row = await prisma.activityLog.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ action: 'workspace_created', targetType: 'workspace', detail: { name: 'x' } });
    });

    it('when a service connection updates, deletes or truncates it, then the database refuses', async () => {
      const id = await recordActivity(prisma, { action: 'user_login' });
      await expect(sql.query(`UPDATE activity_logs SET action = 'forged' WHERE id = $1`, [id])).rejects.toThrow(/append-only: UPDATE/);
      await expect(sql.query(`DELETE FROM activity_logs WHERE id = $1`, [id])).rejects.toThrow(/append-only: DELETE/);
      await expect(sql.query('TRUNCATE activity_logs CASCADE')).rejects.toThrow(/append-only: TRUNCATE/);
      await expect(prisma.activityLog.update({ where: { id }, data: { action: 'forged' } })).rejects.toThrow(/append-only/);
      expect((await prisma.activityLog.findUniqueOrThrow({ where: { id } })).action).toBe('user_login');
    });

    it('when a chain row is written, then it cannot be changed or removed', async () => {
      const id = await recordActivity(prisma, { action: 'user_login' });
      await sql.query(`INSERT INTO activity_chain (seq, entry_id, hash, prev_hash) VALUES (1, $1, $2, $3)`, [id, 'a'.repeat(64), '0'.repeat(64)]);
      await expect(sql.query(`UPDATE activity_chain SET hash = $1`, ['b'.repeat(64)])).rejects.toThrow(/append-only/);
      await expect(sql.query(`DELETE FROM activity_chain`)).rejects.toThrow(/append-only/);
    });

    it('when the user an entry names is deleted, then the entry keeps its ids', async () => {
      const user = await prisma.user.create({ data: { email: 'gone@example.com', name: 'Gone' } });
      const id = await recordActivity(prisma, { action: 'user_login', actorId: user.id, targetType: 'user', targetId: user.id });
      await prisma.user.delete({ where: { id: user.id } });
      expect(await prisma.activityLog.findUniqueOrThrow({ where: { id } })).toMatchObject({ actorId: user.id, targetId: user.id });
    });
  });

  describe('constraints', () => {
    it('when values break the rules Prisma cannot express, then the database refuses them', async () => {
      const user = await prisma.user.create({ data: { email: 'rules@example.com', name: 'Rules' } });
      const ws = await prisma.workspace.create({ data: { slug: 'rules', name: 'Rules' } });
      const refusals: Array<Promise<unknown>> = [
        prisma.user.create({ data: { email: 'Upper@Example.com', name: 'x' } }),
        prisma.workspace.create({ data: { slug: '-bad-', name: 'x' } }),
        prisma.workspaceMembership.create({ data: { workspaceId: ws.id, userId: user.id, role: 'superuser' } }),
        prisma.resourcePermission.create({
          data: { serviceName: 'docs', resourceType: 'doc', resourceId: randomUUID(), workspaceId: ws.id, visibility: 'public' },
        }),
      ];
      for (const attempt of refusals) await expect(attempt).rejects.toThrow();
    });

    it('when a second pending invitation is made for one email, then it is refused; an accepted one does not count', async () => {
      const ws = await prisma.workspace.create({ data: { slug: 'invites', name: 'Invites' } });
      const invite = (status = 'pending') =>
        prisma.invitation.create({ data: { workspaceId: ws.id, email: 'new@example.com', role: 'viewer', status, expiresAt: new Date(Date.now() + 1000) } });
      await invite('accepted');
      await invite();
      await expect(invite()).rejects.toThrow();
    });

    it('when a refresh token is rotated twice from one parent, then the second child is refused', async () => {
      const user = await prisma.user.create({ data: { email: 'rt@example.com', name: 'RT' } });
      const ws = await prisma.workspace.create({ data: { slug: 'rt', name: 'RT' } });
      const family = await prisma.refreshTokenFamily.create({ data: { userId: user.id, workspaceId: ws.id, expiresAt: new Date(Date.now() + 60_000) } });
      const token = (parentId: string | null, hash: string) =>
        prisma.refreshToken.create({
          data: { familyId: family.id, parentId, tokenHash: hash.repeat(64), accessJti: randomUUID(), accessExpiresAt: new Date(), expiresAt: new Date(Date.now() + 60_000) },
        });
      const parent = await token(null, 'a');
      await token(parent.id, 'b');
      await expect(token(parent.id, 'c')).rejects.toThrow();
    });
  });
});
