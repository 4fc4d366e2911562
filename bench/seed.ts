/**
 * `pnpm seed:bench [--scale 0.1]`: builds the permission benchmark's data set (bench/seed-data.ts)
 * in the database at DATABASE_URL (migrated first), and says what it made. At scale 1: 10k
 * users, 1k groups, 100k resources. Refuses a database that already holds the data set.
 */
import { migrateDatabase } from '@sentinel/db';
import { FULL_SIZES, seedBench, type SeedSizes } from './seed-data';

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/sentinel';

function sizesFrom(args: string[]): SeedSizes {
  const at = args.indexOf('--scale');
  const scale = at === -1 ? 1 : Number(args[at + 1]);
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be a number in (0, 1]');
  const scaled = (n: number) => Math.max(1, Math.round(n * scale));
  return { users: scaled(FULL_SIZES.users), groups: scaled(FULL_SIZES.groups), resources: scaled(FULL_SIZES.resources), maxGroupsPerUser: FULL_SIZES.maxGroupsPerUser };
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? DEFAULT_URL;
  const sizes = sizesFrom(process.argv.slice(2));
  await migrateDatabase(url);
  const started = performance.now();
  const made = await seedBench(url, sizes);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Seeded workspace ${made.workspaceId} in ${seconds} s: ${made.users} members, ${made.groups} groups ` +
      `(${made.groupMemberships} group memberships, at most ${sizes.maxGroupsPerUser} per user), ${made.resources} resources ` +
      `(${made.workspaceVisible} workspace-visible), ${made.shares} shares.`,
  );
}

main().catch((err: unknown) => {
  console.error(`seed:bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
