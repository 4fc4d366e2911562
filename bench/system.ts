import { createHash, randomBytes } from 'node:crypto';
import { createPrismaClient, migrateDatabase } from '@sentinel/db';
import { freePort, identityHeader, startServiceProcess, type ChildService } from '@sentinel/testing';
import { Client } from 'pg';
import { BENCH_SERVICE, seedBench, type SeedSummary } from './seed-data';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TokenPair {
  access_token: string;
  refresh_token: string;
}

export interface BenchSystem {
  gatewayUrl: string;
  tokenServiceUrl: string;
  secret: string;
  /** A new session (token pair) for the seeded member, or for `who` (a member of the seed data). */
  issue(who?: { userId: string; workspaceId: string }): Promise<TokenPair>;
  /** With `permissions`: permission-service's own URL, a key of the `bench` service app, the data set. */
  permissions?: { url: string; serviceKey: string; seeded: SeedSummary };
  close(): Promise<void>;
}

/**
 * A service app for the `bench` service, written straight to the database the way token-service
 * stores one (the key's lookup prefix in clear, SHA-256 of the whole key); returns the key.
 */
async function createBenchServiceApp(prisma: ReturnType<typeof createPrismaClient>): Promise<string> {
  const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
  const keyPrefix = `sk_${b64(9)}`;
  const apiKey = `${keyPrefix}${b64(32)}`;
  const keyHash = createHash('sha256').update(apiKey).digest('hex');
  await prisma.serviceApp.create({ data: { name: 'Benchmark', serviceName: BENCH_SERVICE, keyPrefix, keyHash } });
  return apiKey;
}

/**
 * The real token-service and gateway as processes, on a database and Redis prefix of their own,
 * with one member seeded. The gateway's limiter stays on the path, with limits no run reaches.
 * With `permissions`, also the permission benchmark's data set (bench/seed-data.ts), a service
 * app for it, and permission-service behind the gateway.
 */
export async function startBenchSystem(options: { permissions?: boolean } = {}): Promise<BenchSystem> {
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
    const [tokenPort, gatewayPort, permissionPort] = [await freePort(), await freePort(), await freePort()];
    services.push(await startServiceProcess('token-service', tokenPort, env));
    let permissions: BenchSystem['permissions'];
    if (options.permissions) {
      const seeded = await seedBench(env.DATABASE_URL);
      const serviceKey = await createBenchServiceApp(prisma);
      services.push(await startServiceProcess('permission-service', permissionPort, env));
      permissions = { url: `http://127.0.0.1:${permissionPort}`, serviceKey, seeded };
    }
    services.push(
      await startServiceProcess('gateway', gatewayPort, {
        ...env,
        TOKEN_SERVICE_URL: `http://127.0.0.1:${tokenPort}`,
        PERMISSION_SERVICE_URL: `http://127.0.0.1:${permissionPort}`,
        RATE_LIMIT_RPM: '100000000',
        RATE_LIMIT_AUTH_RPM: '100000000',
        RATE_LIMIT_SERVICE_RPM: '100000000',
      }),
    );
    const user = await prisma.user.create({ data: { email: 'bench@example.com', name: 'Bench' } });
    const ws = await prisma.workspace.create({ data: { slug: 'bench', name: 'Bench' } });
    await prisma.workspaceMembership.create({ data: { workspaceId: ws.id, userId: user.id, role: 'editor' } });
    const tokenServiceUrl = `http://127.0.0.1:${tokenPort}`;
    const issue = async (who = { userId: user.id, workspaceId: ws.id }) => {
      const res = await fetch(`${tokenServiceUrl}/internal/tokens/issue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...identityHeader({ caller: 'auth-service' }, secret) },
        body: JSON.stringify({ user_id: who.userId, workspace_id: who.workspaceId }),
      });
      if (res.status !== 200) throw new Error(`issue answered ${res.status}`);
      return (await res.json()) as TokenPair;
    };
    return { gatewayUrl: `http://127.0.0.1:${gatewayPort}`, tokenServiceUrl, secret, issue, permissions, close };
  } catch (err) {
    await close();
    throw err;
  }
}
