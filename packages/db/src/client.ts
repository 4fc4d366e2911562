import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client';

export { Prisma, PrismaClient } from './generated/prisma/client';
export type { PrismaClient as Database } from './generated/prisma/client';

export interface PrismaClientOptions {
  /** Largest number of pooled connections (default 10). */
  poolSize?: number;
}

/** A Prisma client over node-postgres (driver adapter; no query-engine binary). */
export function createPrismaClient(url: string, options: PrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}
