import { Command, Redis, type RedisOptions } from 'ioredis';
import { createCircuitBreaker, type CircuitBreaker } from './breaker';

export type { Redis } from 'ioredis';
export { createCircuitBreaker } from './breaker';
export type { CircuitBreaker } from './breaker';

export interface RedisClientOptions {
  /** Prepended to every key this client touches (not to pub/sub channels). */
  keyPrefix?: string;
  /** A command that gets no answer within this time fails (default 1000 ms). */
  commandTimeoutMs?: number;
  /**
   * Consecutive commands without an answer (timed out, connection lost) that open the client's
   * breaker and, when the connection still looks up, replace it (default 3).
   */
  breakerThreshold?: number;
}

/** What a command fails with at once while the client's breaker is open. */
export class RedisUnavailableError extends Error {
  constructor() {
    super('Redis is unavailable');
    this.name = 'RedisUnavailableError';
  }
}

type Stream = Parameters<Redis['sendCommand']>[1];

/**
 * ioredis sends some commands itself and leaves their promise unhandled — the re-SUBSCRIBE after
 * a reconnect, a re-SELECT: when the connection drops at that moment, the rejection ("Connection
 * is closed.") is unhandled, and an unhandled rejection ends a Node process. Every command's
 * promise gets a handler here; a caller still sees the rejection through the same promise.
 * Connections made by duplicate() (subscribers) are of this class too.
 */
class HandledRedis extends Redis {
  override sendCommand(command: Command, stream?: Stream): unknown {
    const result = super.sendCommand(command, stream);
    command.promise.catch(() => undefined);
    return result;
  }

  override duplicate(override?: Partial<RedisOptions>): Redis {
    return new HandledRedis({ ...this.options, ...(override ?? {}) } as RedisOptions & { replyMapping?: 'legacy' });
  }
}

/**
 * ioredis with a circuit breaker. While it is open every command fails at once with
 * RedisUnavailableError (so callers with a fallback take it without waiting, and the others
 * answer 503 at once), except the connection's own handshake and QUIT. It opens when the
 * connection is lost or after `threshold` consecutive commands got no answer; in that case a
 * connection that still looks up — TCP open, nothing answering, or replies out of step after
 * dropped bytes: ioredis keeps such a connection forever, a command timeout does not close it —
 * is dropped and a new one made. It closes when a connection is ready again (the server answered
 * the handshake and INFO).
 */
class GuardedRedis extends HandledRedis {
  readonly breaker: CircuitBreaker;
  private readonly observed = new WeakSet<Command>();

  constructor(url: string, options: RedisOptions & { replyMapping?: 'legacy' }, threshold: number) {
    super(url, options);
    this.breaker = createCircuitBreaker({ threshold });
    this.on('ready', () => this.breaker.success());
    this.on('close', () => this.breaker.open());
  }

  override sendCommand(command: Command, stream?: Stream): unknown {
    const exempt = Command.checkFlag('HANDSHAKE_COMMANDS', command.name) || Command.checkFlag('WILL_DISCONNECT', command.name);
    if (!this.breaker.closed && !exempt) {
      command.reject(new RedisUnavailableError());
      return command.promise;
    }
    const result = super.sendCommand(command, stream);
    // ioredis may send one command more than once (offline queue, resend): observe it once.
    if (!this.observed.has(command)) {
      this.observed.add(command);
      command.promise.then(
        () => this.breaker.success(),
        (err: unknown) => this.settled(err),
      );
    }
    return result;
  }

  private settled(err: unknown): void {
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'RedisUnavailableError') return;
    // An error reply (WRONGTYPE, NOSCRIPT, …) is an answer: the connection works.
    if (name === 'ReplyError') return this.breaker.success();
    if (this.breaker.failure() && this.status === 'ready') this.disconnect(true);
  }
}

/**
 * A Redis client that never hangs a request: commands fail after a bounded time, and at once
 * while the breaker is open (see GuardedRedis); the client keeps reconnecting in the background,
 * so it recovers by itself.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  const commandTimeout = options.commandTimeoutMs ?? 1000;
  const client = new GuardedRedis(
    url,
    {
      keyPrefix: options.keyPrefix ?? '',
      commandTimeout,
      connectTimeout: Math.max(3 * commandTimeout, 3000),
      maxRetriesPerRequest: 1,
      // A command that timed out may still have run: never send it a second time after a reconnect.
      autoResendUnfulfilledCommands: false,
      retryStrategy: (times) => Math.min(times * 100, 1000),
      lazyConnect: false,
    },
    options.breakerThreshold ?? 3,
  );
  // Without a listener, ioredis reports connection errors as unhandled 'error' events.
  client.on('error', () => undefined);
  return client;
}
