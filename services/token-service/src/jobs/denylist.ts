import { rebuildMirror } from '@sentinel/denylist';
import { startPeriodicJob } from '@sentinel/runtime';
import type { AppDeps } from '../app';

/**
 * Keeps the Redis mirror of the denylist complete: rebuilt from Postgres at start, every
 * DENYLIST_REBUILD_INTERVAL_MS, and whenever the Redis connection is ready again after a loss; each
 * rebuild renews the completeness marker with the current epoch. Between a failed mirror write
 * (which bumps the epoch), a flush or a Redis restart and the next rebuild, readers use Postgres.
 * Stopped, after the rebuild in flight, on close.
 */
export function startDenylistRebuild(deps: AppDeps): void {
  const job = startPeriodicJob(
    { intervalMs: deps.config.DENYLIST_REBUILD_INTERVAL_MS, logger: deps.logger, failureMessage: 'denylist mirror rebuild failed' },
    () => rebuildMirror(deps),
  );
  const onReady = () => void job.run();
  deps.redis.on('ready', onReady);
  deps.onClose(() => {
    deps.redis.off('ready', onReady);
    return job.close();
  });
}
