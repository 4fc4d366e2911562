export { DEV_SECRET_NAMES, devSecretsPath, ensureDevSecrets, findProjectRoot, parseEnvFile, readEnvironment } from './env';
export type { Env } from './env';
export { baseEnvSchema, envBoolean, envList, envPort } from './schema';
export { denylistEnvShape, rateLimitEnvShape, tokenLifetimeEnvShape } from './settings';
export type { BaseEnv } from './schema';
export { productionProblems, secretProblem } from './production';
export type { ProductionRequirements, SecretRule } from './production';
export { ConfigError, parseConfig } from './load';
