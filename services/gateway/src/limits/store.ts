import { mirrorKeys, type MirrorReading } from '@sentinel/denylist';
import type { Logger } from '@sentinel/http';
import type { Redis } from '@sentinel/redis';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

/**
 * One Lua call per request: count the hit in a fixed window (INCR, and PEXPIRE on the first hit:
 * 0.7's INCR+EXPIRE), and, when the request carries a token, read the denylist mirror in the same
 * round trip: the completeness marker's value (GET; a missing key is Lua false, which keeps its
 * place in the table and arrives as nil — a Lua nil would end the table) and whether the entry
 * exists.
 */
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if #KEYS < 3 then return {hits, ttl} end
return {hits, ttl, redis.call('GET', KEYS[2]), redis.call('EXISTS', KEYS[3])}`;

type HitReply = [number, number] | [number, number, string | null, number];
type ScriptedRedis = Redis & { sentinelGatewayHit(numKeys: number, ...args: Array<string | number>): Promise<HitReply> };

function withHitScript(redis: Redis): ScriptedRedis {
  if (!('sentinelGatewayHit' in redis)) redis.defineCommand('sentinelGatewayHit', { lua: HIT_SCRIPT });
  return redis as ScriptedRedis;
}

/** Separates the counter's client from the token id in the keys this store receives. */
export const JTI_SEPARATOR = '\u0000';

/**
 * The end of the window, carrying what the denylist mirror said in the same round trip
 * (undefined when the request had no token or Redis could not answer). express-rate-limit hands
 * the store's resetTime unchanged to `req.rateLimit.resetTime`, where the gateway reads it.
 */
export class WindowEnd extends Date {
  constructor(
    time: number,
    readonly mirror: MirrorReading | undefined,
  ) {
    super(time);
  }
}

interface MemoryCounter {
  hits: number;
  resetAt: number;
}

/**
 * express-rate-limit's Store over Redis, shared by every gateway replica, that folds the
 * denylist look-up into the counter's round trip: a key `client` counts `client`; a key
 * `client<NUL>jti` also reads jti's denylist mirror. When Redis is not connected or fails, it
 * counts in this replica's memory (and says so in the log, once per outage); the denylist is
 * then decided by Postgres (no mirror reading).
 */
export class GatewayStore implements Store {
  readonly localKeys = false;
  readonly prefix: string;
  private windowMs = 60_000;
  private readonly redis: ScriptedRedis;
  private readonly memory = new Map<string, MemoryCounter>();
  private degraded = false;

  constructor(
    redis: Redis,
    private readonly logger: Logger,
    name: string,
  ) {
    this.redis = withHitScript(redis);
    this.prefix = `rl:${name}:`;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const sep = key.indexOf(JTI_SEPARATOR);
    const client = sep < 0 ? key : key.slice(0, sep);
    const jti = sep < 0 ? undefined : key.slice(sep + 1);
    if (this.redis.status === 'ready') {
      try {
        const keys = jti === undefined ? [this.prefix + client] : [this.prefix + client, ...mirrorKeys(jti)];
        const reply = await this.redis.sentinelGatewayHit(keys.length, ...keys, this.windowMs);
        this.recovered();
        const mirror = reply.length === 4 ? { marker: reply[2], listed: reply[3] === 1 } : undefined;
        return { totalHits: reply[0], resetTime: new WindowEnd(Date.now() + reply[1], mirror) };
      } catch (err) {
        this.degrade(err);
      }
    } else {
      this.degrade(undefined);
    }
    return this.inMemory(client);
  }

  async decrement(key: string): Promise<void> {
    const client = key.split(JTI_SEPARATOR)[0] ?? key;
    const counter = this.memory.get(client);
    if (counter) counter.hits = Math.max(0, counter.hits - 1);
    await this.redis.decr(this.prefix + client).catch(() => undefined);
  }

  async resetKey(key: string): Promise<void> {
    const client = key.split(JTI_SEPARATOR)[0] ?? key;
    this.memory.delete(client);
    await this.redis.del(this.prefix + client).catch(() => undefined);
  }

  private inMemory(client: string): ClientRateLimitInfo {
    const now = Date.now();
    if (this.memory.size > 50_000) for (const [k, c] of this.memory) if (c.resetAt <= now) this.memory.delete(k);
    let counter = this.memory.get(client);
    if (!counter || counter.resetAt <= now) {
      counter = { hits: 0, resetAt: now + this.windowMs };
      this.memory.set(client, counter);
    }
    counter.hits += 1;
    return { totalHits: counter.hits, resetTime: new WindowEnd(counter.resetAt, undefined) };
  }

  private degrade(err: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn({ err, limiter: this.prefix }, 'rate limiter: Redis unavailable, counting in this replica’s memory');
  }

  private recovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.memory.clear();
    this.logger.info({ limiter: this.prefix }, 'rate limiter: Redis is back, counting in Redis again');
  }
}
