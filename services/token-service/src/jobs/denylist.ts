import { createDenylist } from '@sentinel/denylist';
import type { AppDeps } from '../app';

/**
 * Keeps the Redis mirror of the denylist complete: rebuilt from Postgres at start and every
 * DENYLIST_REBUILD_INTERVAL_MS, which also renews the completeness marker. After Redis is flushed
 * or restarted, readers use Postgres until the next rebuild.
 */
export function startDenylistRebuild(deps: AppDeps): void {
  const denylist = createDenylist(deps);
  const run = () =>
    denylist.rebuild().catch((err: unknown) => deps.logger.warn({ err }, 'denylist mirror rebuild failed'));
  void run();
  const timer = setInterval(() => void run(), deps.config.DENYLIST_REBUILD_INTERVAL_MS);
  timer.unref();
  deps.onClose(() => Promise.resolve(clearInterval(timer)));
}
