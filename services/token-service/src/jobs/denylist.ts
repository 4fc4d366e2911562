import { rebuildMirror } from '@sentinel/denylist';
import type { AppDeps } from '../app';

/**
 * Keeps the Redis mirror of the denylist complete: rebuilt from Postgres at start, every
 * DENYLIST_REBUILD_INTERVAL_MS, and whenever the Redis connection is ready again after a loss; each
 * rebuild renews the completeness marker with the current epoch. Between a failed mirror write
 * (which bumps the epoch), a flush or a Redis restart and the next rebuild, readers use Postgres.
 */
export function startDenylistRebuild(deps: AppDeps): void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await rebuildMirror(deps);
    } catch (err) {
      deps.logger.warn({ err }, 'denylist mirror rebuild failed');
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), deps.config.DENYLIST_REBUILD_INTERVAL_MS);
  timer.unref();
  const onReady = () => void run();
  deps.redis.on('ready', onReady);
  deps.onClose(() => {
    clearInterval(timer);
    deps.redis.off('ready', onReady);
    return Promise.resolve();
  });
}
