/**
 * A circuit breaker: after `threshold` consecutive failures (or at once, on open()) it opens, and
 * callers take their fallback without trying; the first success closes it again. Who calls
 * success() while it is open — a reconnection, a probe — is the owner's choice.
 */
export interface CircuitBreaker {
  /** True while calls should be tried. */
  readonly closed: boolean;
  /** An answer arrived: the failure count restarts and an open breaker closes. */
  success(): void;
  /** A call got no answer; true when this one opened the breaker. */
  failure(): boolean;
  /** Opens at once (the connection is known to be gone). */
  open(): void;
  /** Called with the new state whenever it changes. */
  onChange(listener: (closed: boolean) => void): void;
}

export function createCircuitBreaker(options: { threshold: number }): CircuitBreaker {
  let closed = true;
  let failures = 0;
  const listeners: Array<(closed: boolean) => void> = [];
  const set = (next: boolean) => {
    if (closed === next) return;
    closed = next;
    for (const listener of listeners) listener(closed);
  };
  return {
    get closed() {
      return closed;
    },
    success() {
      failures = 0;
      set(true);
    },
    failure() {
      failures += 1;
      if (!closed || failures < options.threshold) return false;
      set(false);
      return true;
    },
    open() {
      set(false);
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
