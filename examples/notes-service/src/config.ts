import { z } from 'zod';

const envSchema = z.object({
  /** The gateway. */
  SENTINEL_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:9003'),
  SERVICE_KEY: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(9100),
});

export type NotesConfig = { sentinelUrl: string; serviceKey: string; port: number };

export const MISSING_KEY = `SERVICE_KEY is not set. Create a service app for the "notes" service (with Sentinel running) and pass its key:
  pnpm sentinel service-apps create --name "Notes example" --service-name notes
  SERVICE_KEY=sk_... pnpm example`;

/** The example's settings from the environment, or the problems to print. */
export function loadConfig(env: Record<string, string | undefined>): NotesConfig | { problems: string[] } {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) return { problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
  const { SENTINEL_URL, SERVICE_KEY, PORT } = parsed.data;
  if (!SERVICE_KEY) return { problems: [MISSING_KEY] };
  return { sentinelUrl: SENTINEL_URL, serviceKey: SERVICE_KEY, port: PORT };
}
