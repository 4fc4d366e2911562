import type { Logger } from '@sentinel/http';
import type { Config } from '../config';
import type { LoginStateStore } from '../login/state';
import { devProvider } from './dev';
import { entraProvider } from './entra';
import { githubProvider } from './github';
import { googleProvider } from './google';
import { oidcProvider } from './oidc';
import type { LoginProvider } from './types';

export type { LoginProvider, ProviderProfile } from './types';

export interface ProviderRegistry {
  /** Configured provider names, in the order /auth/providers lists them. */
  names(): string[];
  get(name: string): LoginProvider | undefined;
}

/** The providers this configuration enables (`dev` only with DEV_LOGIN outside production). */
export function createProviderRegistry(config: Config, states: LoginStateStore, logger: Logger): ProviderRegistry {
  const providers = [
    googleProvider(config, states, logger),
    githubProvider(config, states, logger),
    entraProvider(config, states, logger),
    ...config.OIDC.map((p) => oidcProvider(p, config, states, logger)),
    config.DEV_LOGIN && config.NODE_ENV !== 'production' ? devProvider(config.BASE_URL, states) : undefined,
  ].filter((p): p is LoginProvider => p !== undefined);
  const byName = new Map(providers.map((p) => [p.name, p]));
  return {
    names: () => [...byName.keys()],
    get: (name) => byName.get(name),
  };
}
