import type { z } from 'zod';
import type { Env } from './env';
import { productionProblems, type ProductionRequirements } from './production';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment through the service's schema once, and freezes the result. In
 * production it also refuses missing, default or weak secrets, listing every problem at once.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Env,
  production: ProductionRequirements = { secrets: {} },
): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  const issues = result.success ? [] : result.error.issues;
  const problems = issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
  if (env.NODE_ENV === 'production') {
    // A key the schema already refused is reported once.
    const refused = new Set(issues.map((i) => String(i.path[0])));
    problems.push(...productionProblems(env, production).filter((p) => !refused.has(p.split(' ')[0] ?? '')));
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(result.data);
}
