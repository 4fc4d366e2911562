import { startPeriodicJob, type ServiceDeps } from '@sentinel/runtime';
import type { Config } from '../config';
import { createKeyRotation, type KeyRotation } from '../keys';

export interface ScheduledRotation {
  /** One check now (the timer calls it; tests too). Never two at once in this process. */
  check(): Promise<void>;
}

/**
 * The scheduled signing-key rotation: every SIGNING_KEY_ROTATION_CHECK_INTERVAL_MS, a new key is
 * scheduled (published ahead, like any rotation) once the newest key is SIGNING_KEY_ROTATION_DAYS
 * old. Replicas all run it; the database decides (advisory lock and a second look under it), so
 * exactly one rotates. Off when the days are 0, or when the operator's key comes from
 * JWT_PRIVATE_KEY_PATH (they rotate by changing the file). Stopped, after the check in flight,
 * on close.
 */
export function startKeyRotation(deps: ServiceDeps<Config>, rotation: KeyRotation = createKeyRotation(deps)): ScheduledRotation | undefined {
  const { config, logger } = deps;
  if (config.SIGNING_KEY_ROTATION_DAYS === 0) return undefined;
  if (config.JWT_PRIVATE_KEY_PATH !== undefined && config.JWT_PRIVATE_KEY_PATH !== '') {
    logger.info('scheduled signing-key rotation is off: the key comes from JWT_PRIVATE_KEY_PATH');
    return undefined;
  }
  const job = startPeriodicJob(
    {
      intervalMs: config.SIGNING_KEY_ROTATION_CHECK_INTERVAL_MS,
      logger,
      failureMessage: 'scheduled signing-key rotation failed; retrying at the next check',
    },
    () => rotation.rotateIfDue(),
  );
  deps.onClose(job.close);
  return { check: job.run };
}
