/**
 * @sentinel/redis's client against a redis-server of this test's own behind a TCP relay: a
 * stopped server and a frozen connection (TCP open, every byte dropped) must cost a bounded
 * number of timeouts, then fail at once, and the client must come back by itself.
 */
import { createRedisClient, type Redis } from '@sentinel/redis';
import { eventually, startPrivateRedis, startRelay, type PrivateRedis, type Relay } from '../src';

const TIMEOUT_MS = 300;

async function outcome(call: Promise<unknown>): Promise<{ ok: boolean; error?: string; ms: number }> {
  const started = performance.now();
  try {
    await call;
    return { ok: true, ms: performance.now() - started };
  } catch (err) {
    return { ok: false, error: (err as Error).name, ms: performance.now() - started };
  }
}

describe('the Redis client when Redis fails', () => {
  let server: PrivateRedis;
  let relay: Relay;
  let client: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    relay = await startRelay(server.url);
  });
  beforeEach(async () => {
    client = createRedisClient(relay.url, { commandTimeoutMs: TIMEOUT_MS, breakerThreshold: 2 });
    await client.ping();
  });
  afterEach(() => {
    relay.heal();
    client.disconnect();
  });
  afterAll(async () => {
    await relay.close();
    await server.stop();
  });

  const answers = () => eventually(async () => (await outcome(client.ping())).ok, 10_000);

  it('when the connection freezes, then after 2 timeouts commands fail at once, and once healed it answers again', async () => {
    relay.freeze();
    const first = [await outcome(client.get('k')), await outcome(client.get('k'))];
    expect(first.map((r) => r.ok)).toEqual([false, false]);
    const next = await outcome(client.get('k'));
    expect(next).toEqual({ ok: false, error: 'RedisUnavailableError', ms: expect.any(Number) });
    expect(next.ms).toBeLessThan(TIMEOUT_MS / 2);

    relay.heal();
    expect(await answers()).toBe(true);
    // Replies are in step again (a kept connection would answer each command with the previous one's reply).
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    expect(await client.incr('n')).toBe(1);
  }, 30_000);

  it('when the server stops, then commands fail at once instead of waiting; it recovers after a restart', async () => {
    await server.stop();
    try {
      expect(await eventually(async () => (await outcome(client.get('k'))).error === 'RedisUnavailableError', 5000)).toBe(true);
      const during = await outcome(client.get('k'));
      expect(during.ms).toBeLessThan(TIMEOUT_MS / 2);
    } finally {
      await server.start();
    }
    expect(await answers()).toBe(true);
  }, 30_000);

  it('when Redis answers with an error, then the breaker stays closed', async () => {
    await client.set('s', 'text');
    for (let i = 0; i < 3; i += 1) await expect(client.incr('s')).rejects.toThrow(/not an integer/);
    expect(await client.get('s')).toBe('text');
  });
  it('when a subscriber loses its connection just as it re-subscribes, then no rejection goes unhandled (it would end the process)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const subscriber = client.duplicate();
    subscriber.on('error', () => undefined);
    try {
      await subscriber.subscribe('sentinel-test');
      let readies = 0;
      // ioredis re-sends SUBSCRIBE from its own ready handler, right after 'ready' is emitted.
      subscriber.on('ready', () => {
        readies += 1;
        if (readies === 1) {
          relay.cut();
          relay.heal();
        }
      });
      relay.cut();
      relay.heal();
      expect(await eventually(() => readies >= 2, 10_000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      subscriber.disconnect();
    }
  });
});
