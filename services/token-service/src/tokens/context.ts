import type { Denylist } from '@sentinel/denylist';
import type { Database } from '@sentinel/db';
import type { Logger } from '@sentinel/http';
import type { Config } from '../config';
import type { KeyStore } from '../keys';

/** What the token rules need; built once in app.ts. */
export interface TokenContext {
  prisma: Database;
  config: Config;
  keys: KeyStore;
  denylist: Denylist;
  logger: Logger;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export const refreshLifetimeMs = (config: Config) => config.REFRESH_TOKEN_EXPIRE_DAYS * 24 * 3600 * 1000;
