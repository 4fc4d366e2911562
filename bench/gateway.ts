/**
 * (c) `GET /auth/me` with a valid access token through the real gateway (tier check, RS256 with
 * a cached KeyObject, rate limit and denylist in one Redis round trip, identity forwarding) to
 * the real token-service, whose handler only echoes the forwarded identity.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPrismaClient, migrateDatabase } from '@sentinel/db';
import { freePort, identityHeader, startServiceProcess, type ChildService } from '@sentinel/testing';
import { Client } from 'pg';
import { measure, type Measurement } from './harness';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const GATEWAY_ME = '(c) GET /auth/me: gateway (JWT, limits, denylist) -> token-service';
const DIRECT_ME = '    token-service GET /auth/me alone (the upstream of c)';

export async function gatewayBench(): Promise<Measurement[]> {
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
    // The limits stay on (every request is counted in Redis), set high enough not to refuse the load.
    services.push(
      await startServiceProcess('gateway', gatewayPort, {
        ...env,
        TOKEN_SERVICE_URL: `http://127.0.0.1:${tokenPort}`,
        RATE_LIMIT_RPM: '100000000',
      }),
    );
    const user = await prisma.user.create({ data: { email: 'bench-me@example.com', name: 'Bench' } });
    const ws = await prisma.workspace.create({ data: { slug: 'bench-me', name: 'Bench' } });
    await prisma.workspaceMembership.create({ data: { workspaceId: ws.id, userId: user.id, role: 'editor' } });
    const res = await fetch(`http://127.0.0.1:${tokenPort}/internal/tokens/issue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...identityHeader({ caller: 'auth-service' }, secret) },
      body: JSON.stringify({ user_id: user.id, workspace_id: ws.id }),
    });
    const { access_token: token } = (await res.json()) as { access_token: string };
    const url = `http://127.0.0.1:${gatewayPort}/auth/me`;
    const headers = { authorization: `Bearer ${token}` };
    // The denylist mirror's marker is set by token-service's rebuild job at start; then warm up.
    for (let i = 0; i < 50; i += 1) {
      const warm = await fetch(url, { headers });
      if (warm.status !== 200) throw new Error(`GET /auth/me answered ${warm.status}: ${await warm.text()}`);
    }
    await sleep(200);
    const c = await measure(GATEWAY_ME, { url, headers });
    // What (c)'s upstream costs by itself: a full service (logging, trust boundary, schema), not (b)'s constant.
    const identity = (await (await fetch(url, { headers })).json()) as Record<string, unknown>;
    const direct = await measure(DIRECT_ME, {
      url: `http://127.0.0.1:${tokenPort}/auth/me`,
      headers: identityHeader({ user: { ...identity, token_id: 'bench', token_expires_at: Math.floor(Date.now() / 1000) + 900 } as never }, secret),
    });
    return [c, direct];
  } finally {
    await prisma.$disconnect();
    await Promise.all(services.map((s) => s.stop()));
    const admin = new Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}
