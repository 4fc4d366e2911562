export { createPrismaClient, Prisma, PrismaClient } from './client';
export type { Database, PrismaClientOptions } from './client';
export { recordActivities, recordActivity } from './activity';
export { containsPattern, escapeLike } from './like';
export { isUniqueViolation } from './errors';
export type { ActivityEntry, ActivityWriter } from './activity';
export { advisoryLockKey, migrateDatabase, MIGRATIONS_DIR, readMigrations } from './migrate';
export type { MigrateOptions } from './migrate';
