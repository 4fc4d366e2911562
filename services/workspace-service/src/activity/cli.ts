import type { ActivityChainVerification } from '@sentinel/contracts';
import { ConfigError, type Env } from '@sentinel/config';
import { createPrismaClient } from '@sentinel/db';
import { loadConfig } from '../config';
import { verifyChain } from './verify';

export type CliVerifyResult = { ok: true; result: ActivityChainVerification } | { ok: false; problems: string[] };

/**
 * `pnpm sentinel activity verify`: verifies the activity chain over a connection of its own built
 * from `env` (workspace-service's configuration), closed before returning.
 */
export async function verifyChainFromCli(env: Env): Promise<CliVerifyResult> {
  let databaseUrl: string;
  try {
    databaseUrl = loadConfig(env).DATABASE_URL;
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, problems: err.problems };
    throw err;
  }
  const prisma = createPrismaClient(databaseUrl, { poolSize: 2 });
  try {
    return { ok: true, result: await verifyChain(prisma) };
  } finally {
    await prisma.$disconnect();
  }
}
