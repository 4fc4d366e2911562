import { spawn } from 'node:child_process';
import { advisoryLockKey, createPrismaClient, recordActivity, type Database } from '@sentinel/db';
import { createTestContext, identityHeader, PROJECT_ROOT, testAdmin, testUser, useServiceApp } from '@sentinel/testing';
import request from 'supertest';
import { chainPending, startActivitySequencer } from '../src/activity/chain';
import { verifyChain } from '../src/activity/verify';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

async function logEntries(prisma: Database, n: number, detail: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await recordActivity(prisma, { action: 'test_action', detail: { i, ...detail } }));
  return ids;
}

async function chainRows(prisma: Database) {
  const rows = await prisma.activityChain.findMany({ orderBy: { seq: 'asc' } });
  return rows.map((r) => ({ seq: Number(r.seq), entryId: r.entryId, hash: r.hash, prevHash: r.prevHash }));
}

/** As the database owner would: switch the append-only trigger off, change the row, switch it on. */
async function tamper(prisma: Database, table: 'activity_logs' | 'activity_chain', sql: string): Promise<void> {
  const trigger = `${table}_append_only`;
  await prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
    await tx.$executeRawUnsafe(sql);
    await tx.$executeRawUnsafe(`ALTER TABLE ${table} ENABLE TRIGGER ${trigger}`);
  });
}

function runCli(env: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sentinel.ts', 'activity', 'verify'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('activity chain', () => {
  const t = useServiceApp(loadConfig, createApp, { ACTIVITY_CHAIN_INTERVAL_MS: '100' });
  const prisma = () => t.ctx.deps.prisma;

  it('when entries are logged, then the sequencer chains them in (created_at, id) order from the genesis hash', async () => {
    const ids = await logEntries(prisma(), 5);
    expect(await chainPending(prisma(), { batchSize: 2 })).toBe(5);
    const rows = await chainRows(prisma());
    const ordered = await prisma().activityLog.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true } });
    expect(rows.map((r) => r.entryId)).toEqual(ordered.map((e) => e.id));
    expect(new Set(rows.map((r) => r.entryId))).toEqual(new Set(ids));
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]?.prevHash).toBe('0'.repeat(64));
    rows.slice(1).forEach((row, i) => expect(row.prevHash).toBe(rows[i]?.hash));
    expect(await chainPending(prisma())).toBe(0);
  });

  it('when two sequencers run at the same time, then there is one chain without duplicates or gaps', async () => {
    const other = createPrismaClient(t.ctx.databaseUrl, { poolSize: 3 });
    try {
      const before = await prisma().activityChain.count();
      await logEntries(prisma(), 60);
      const runs = await Promise.all([
        chainPending(prisma(), { batchSize: 3 }),
        chainPending(other, { batchSize: 3 }),
        logEntries(prisma(), 10).then(() => chainPending(other, { batchSize: 4 })),
      ]);
      await chainPending(prisma()); // whatever the last holder left for the next tick
      const rows = await chainRows(prisma());
      expect(rows.length).toBe(before + 70);
      expect(runs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(70);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      expect(new Set(rows.map((r) => r.entryId)).size).toBe(rows.length);
      expect(await verifyChain(prisma(), { batchSize: 7 })).toEqual({ ok: true, checked: rows.length, unchained: 0 });
    } finally {
      await other.$disconnect();
    }
  });

  it('when another sequencer holds the lock, then a batch does nothing and does not wait', async () => {
    await logEntries(prisma(), 2);
    const other = createPrismaClient(t.ctx.databaseUrl, { poolSize: 2 });
    try {
      await other.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${advisoryLockKey('sentinel:activity-chain')})`);
        expect(await chainPending(prisma())).toBe(0);
      });
    } finally {
      await other.$disconnect();
    }
    expect(await chainPending(prisma())).toBe(2);
  });

  it('when the chain is intact, then the endpoint reports ok to an admin, counting entries not chained yet apart', async () => {
    await logEntries(prisma(), 1);
    const res = await request(t.app).get('/admin/activity/verify').set(identityHeader({ admin: testAdmin() }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, checked: await prisma().activityChain.count(), unchained: 1 });
  });

  it('when the caller is anonymous, then 401; when a user who is not an admin, then 403', async () => {
    expect((await request(t.app).get('/admin/activity/verify')).status).toBe(401);
    expect((await request(t.app).get('/admin/activity/verify').set(identityHeader({ user: testUser() }))).status).toBe(403);
  });
});

async function eventuallyUnchained(prisma: Database, expected: number): Promise<number> {
  let unchained = -1;
  for (let i = 0; i < 100 && unchained !== expected; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    unchained = (await verifyChain(prisma)).unchained;
  }
  return unchained;
}

describe('the background sequencer', () => {
  const t = useServiceApp(loadConfig, createApp, { ACTIVITY_CHAIN_INTERVAL_MS: '100' });

  it('when started, then it chains what is pending at once and what is logged later on its interval', async () => {
    await logEntries(t.ctx.deps.prisma, 3);
    startActivitySequencer(t.ctx.deps);
    expect(await eventuallyUnchained(t.ctx.deps.prisma, 0)).toBe(0);
    await logEntries(t.ctx.deps.prisma, 2);
    expect(await eventuallyUnchained(t.ctx.deps.prisma, 0)).toBe(0);
    expect(await verifyChain(t.ctx.deps.prisma)).toEqual({ ok: true, checked: 5, unchained: 0 });
  });
});

describe('activity chain verification after tampering', () => {
  it('when one entry is edited in the database, then the endpoint and the CLI report that entry', async () => {
    const ctx = await createTestContext(loadConfig);
    try {
      const app = createApp(ctx.deps);
      const cliBefore = await runCli(ctx.env);
      const ids = await logEntries(ctx.deps.prisma, 4);
      await chainPending(ctx.deps.prisma);
      const intact = await runCli(ctx.env);
      expect(intact.code).toBe(0);
      expect(intact.stdout).toContain('intact: 4 entries');
      expect(cliBefore.code).toBe(0);

      const rows = await chainRows(ctx.deps.prisma);
      const victim = rows[2];
      if (!victim) throw new Error('expected a third row');
      expect(ids).toContain(victim.entryId);
      await tamper(ctx.deps.prisma, 'activity_logs', `UPDATE activity_logs SET detail = '{"i": 99}' WHERE id = '${victim.entryId}'`);

      const broken = { ok: false, checked: 2, unchained: 0, broken_at: { seq: 3, entry_id: victim.entryId, reason: 'entry_modified' } };
      expect(await verifyChain(ctx.deps.prisma, { batchSize: 2 })).toEqual(broken);
      const res = await request(app).get('/admin/activity/verify').set(identityHeader({ admin: testAdmin() }));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(broken);
      const cli = await runCli(ctx.env);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain(`seq 3 (entry ${victim.entryId}): entry_modified`);
    } finally {
      await ctx.close();
    }
  });

  it('when a chain row is rewritten or removed, then verification reports that row', async () => {
    const ctx = await createTestContext(loadConfig);
    try {
      const db = ctx.deps.prisma;
      await logEntries(db, 4);
      await chainPending(db);
      const rows = await chainRows(db);
      await tamper(db, 'activity_chain', `UPDATE activity_chain SET hash = '${'f'.repeat(64)}' WHERE seq = 2`);
      expect(await verifyChain(db)).toMatchObject({ ok: false, checked: 1, broken_at: { seq: 2, entry_id: rows[1]?.entryId, reason: 'chain_row_modified' } });
      await tamper(db, 'activity_chain', `DELETE FROM activity_chain WHERE seq = 1`);
      expect(await verifyChain(db)).toMatchObject({ ok: false, checked: 0, broken_at: { seq: 2, reason: 'seq_gap' } });
    } finally {
      await ctx.close();
    }
  });
});
