/**
 * Refresh rotation over HTTP, through the real gateway to the real token-service, each refresh
 * consuming its token (closed loop, 32 workers), next to raw RS256 signatures per second.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createPrismaClient, migrateDatabase } from '@sentinel/db';
import { freePort, identityHeader, startServiceProcess, type ChildService } from '@sentinel/testing';
import { Client } from 'pg';
import { closedLoop, opsPerSecond, type Measurement } from './harness';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const WORKERS = 32;

export async function refreshBench(): Promise<Measurement[]> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const payload = Buffer.from('x'.repeat(300));
  const rawSign = opsPerSecond('raw RS256-2048 signatures (one thread)', () => sign('sha256', payload, privateKey));

  const dbName = `sentinel_bench_${randomBytes(4).toString('hex')}`;
  const dbUrl = new URL(SERVER_URL);
  dbUrl.pathname = `/${dbName}`;
  const secret = randomBytes(32).toString('hex');
  const env = {
    DATABASE_URL: dbUrl.toString(),
    REDIS_KEY_PREFIX: `bench:${dbName}:`,
    INTERNAL_SECRET: secret,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'error',
  };
  await migrateDatabase(env.DATABASE_URL);
  const services: ChildService[] = [];
  const prisma = createPrismaClient(env.DATABASE_URL, { poolSize: 2 });
  try {
    const [tokenPort, gatewayPort] = [await freePort(), await freePort()];
    services.push(await startServiceProcess('token-service', tokenPort, env));
    // The limiter stays on the path, with limits no benchmark reaches.
    const gatewayEnv = { ...env, TOKEN_SERVICE_URL: `http://127.0.0.1:${tokenPort}`, RATE_LIMIT_RPM: '100000000', RATE_LIMIT_AUTH_RPM: '100000000' };
    services.push(await startServiceProcess('gateway', gatewayPort, gatewayEnv));

    const user = await prisma.user.create({ data: { email: 'bench@example.com', name: 'Bench' } });
    const ws = await prisma.workspace.create({ data: { slug: 'bench', name: 'Bench' } });
    await prisma.workspaceMembership.create({ data: { workspaceId: ws.id, userId: user.id, role: 'editor' } });
    const tokens: string[] = [];
    for (let i = 0; i < WORKERS; i += 1) {
      const res = await fetch(`http://127.0.0.1:${tokenPort}/internal/tokens/issue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...identityHeader({ caller: 'auth-service' }, secret) },
        body: JSON.stringify({ user_id: user.id, workspace_id: ws.id }),
      });
      tokens.push(((await res.json()) as { refresh_token: string }).refresh_token);
    }
    const refreshUrl = `http://127.0.0.1:${gatewayPort}/auth/refresh`;
    const rotations = await closedLoop('refresh rotation via gateway (32 workers)', WORKERS, async (worker) => {
      const res = await fetch(refreshUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: tokens[worker] }),
      });
      if (res.status !== 200) return false;
      tokens[worker] = ((await res.json()) as { refresh_token: string }).refresh_token;
      return true;
    });
    return [rawSign, rotations];
  } finally {
    await prisma.$disconnect();
    await Promise.all(services.map((s) => s.stop()));
    const admin = new Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}
