import { randomBytes } from 'node:crypto';
import { createPrismaClient, migrateDatabase } from '@sentinel/db';
import { freePort, identityHeader, startServiceProcess, type ChildService } from '@sentinel/testing';
import { Client } from 'pg';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

export interface BenchSystem {
  gatewayUrl: string;
  tokenServiceUrl: string;
  secret: string;
  /** A new session (token pair) for the seeded member. */
  issue(): Promise<TokenPair>;
  close(): Promise<void>;
}

/**
 * The real token-service and gateway as processes, on a database and Redis prefix of their own,
 * with one member seeded. The gateway's limiter stays on the path, with limits no run reaches.
 */
export async function startBenchSystem(): Promise<BenchSystem> {
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
  const close = async () => {
    await prisma.$disconnect();
    await Promise.all(services.map((s) => s.stop()));
    const admin = new Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  };
  try {
    const [tokenPort, gatewayPort] = [await freePort(), await freePort()];
    services.push(await startServiceProcess('token-service', tokenPort, env));
    services.push(
      await startServiceProcess('gateway', gatewayPort, {
        ...env,
        TOKEN_SERVICE_URL: `http://127.0.0.1:${tokenPort}`,
        RATE_LIMIT_RPM: '100000000',
        RATE_LIMIT_AUTH_RPM: '100000000',
      }),
    );
    const user = await prisma.user.create({ data: { email: 'bench@example.com', name: 'Bench' } });
    const ws = await prisma.workspace.create({ data: { slug: 'bench', name: 'Bench' } });
    await prisma.workspaceMembership.create({ data: { workspaceId: ws.id, userId: user.id, role: 'editor' } });
    const tokenServiceUrl = `http://127.0.0.1:${tokenPort}`;
    const issue = async () => {
      const res = await fetch(`${tokenServiceUrl}/internal/tokens/issue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...identityHeader({ caller: 'auth-service' }, secret) },
        body: JSON.stringify({ user_id: user.id, workspace_id: ws.id }),
      });
      if (res.status !== 200) throw new Error(`issue answered ${res.status}`);
      return (await res.json()) as TokenPair;
    };
    return { gatewayUrl: `http://127.0.0.1:${gatewayPort}`, tokenServiceUrl, secret, issue, close };
  } catch (err) {
    await close();
    throw err;
  }
}
