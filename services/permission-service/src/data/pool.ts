import type { ServiceDeps } from '@sentinel/runtime';
import { Pool } from 'pg';
import type { Config } from '../config';

/**
 * A node-postgres pool of the service's own, for the statements every check runs as named
 * prepared statements (data/access.ts). It connects lazily and is closed with the app.
 */
export function createCheckPool(deps: ServiceDeps<Config>): Pool {
  const pool = new Pool({ connectionString: deps.config.DATABASE_URL, max: deps.config.DATABASE_POOL_SIZE });
  // An idle connection that breaks (a database restart) must not crash the process; the next query reconnects.
  pool.on('error', (err) => deps.logger.warn({ err }, 'idle check connection failed'));
  deps.onClose(() => pool.end());
  return pool;
}
