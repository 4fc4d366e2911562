import { baseEnvSchema, type Env } from '@sentinel/config';
import { createClientAppRequestSchema, type ClientAppBody } from '@sentinel/contracts';
import { createPrismaClient } from '@sentinel/db';
import { createServiceClient } from '@sentinel/http';
import { createClientApps } from './index';

const cliEnvSchema = baseEnvSchema.pick({ DATABASE_URL: true });

export type CliCreateClientAppResult = { ok: true; app: ClientAppBody } | { ok: false; problems: string[] };

/** `--name x --redirect-uri a --redirect-uri b` (each option also as `--opt=value`). */
export function parseClientAppArgs(args: string[]): { name?: string; redirectUris: string[] } | string {
  const out: { name?: string; redirectUris: string[] } = { redirectUris: [] };
  for (let i = 0; i < args.length; i++) {
    const match = /^--(name|redirect-uri)(?:=(.*))?$/.exec(args[i] ?? '');
    if (!match) return `unknown argument: ${args[i]}`;
    const value = match[2] ?? args[++i];
    if (value === undefined) return `--${match[1]} needs a value`;
    if (match[1] === 'name') out.name = value;
    else out.redirectUris.push(value);
  }
  return out;
}

/**
 * `pnpm sentinel client-apps create`: registers a client app (the redirect-URI allowlist) for
 * operators without the admin panel, recorded in the activity log with no actor.
 */
export async function createClientAppFromCli(input: { name?: string; redirectUris: string[] }, env: Env): Promise<CliCreateClientAppResult> {
  const parsed = createClientAppRequestSchema.safeParse({ name: input.name, redirect_uris: input.redirectUris });
  if (!parsed.success) {
    const option = (field: PropertyKey | undefined) => (field === 'redirect_uris' ? '--redirect-uri' : `--${String(field)}`);
    return { ok: false, problems: parsed.error.issues.map((issue) => `${option(issue.path[0])}: ${issue.message}`) };
  }
  const { DATABASE_URL } = cliEnvSchema.parse(env);
  const prisma = createPrismaClient(DATABASE_URL, { poolSize: 2 });
  try {
    // Creating never calls token-service; the client is only there to satisfy the interface.
    const unused = createServiceClient({ baseUrl: 'http://127.0.0.1:9', secret: 'unused', caller: 'auth-service' });
    return { ok: true, app: await createClientApps(prisma, unused).create(parsed.data, null) };
  } finally {
    await prisma.$disconnect();
  }
}
