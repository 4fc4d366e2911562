/**
 * Every failure the SDK reports: the HTTP status and the `detail` Sentinel answered with, or for a
 * call that got no answer, 503 (unreachable) or 504 (timed out) with `cause` set. Express
 * middleware can answer `res.status(err.status).json({ detail: err.detail })` as is.
 */
export class SentinelError extends Error {
  override readonly name = 'SentinelError';

  constructor(
    readonly status: number,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${status}: ${detail}`, options);
  }
}
