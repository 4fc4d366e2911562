import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';

export type RelayState = 'open' | 'cut' | 'frozen';

export interface Relay {
  /** The relay's own port on 127.0.0.1: point a client here instead of at the target. */
  port: number;
  /** `target`'s URL with the relay's port (e.g. `redis://127.0.0.1:PORT/0`), when one was given. */
  url: string;
  state(): RelayState;
  /** Closes every connection and refuses new ones (each is accepted and closed at once) until heal(). */
  cut(): void;
  /** Keeps connections open but drops every byte either way, for old and new connections, until heal(). */
  freeze(): void;
  /** Forwards again (connections closed by cut() stay closed; clients reconnect). */
  heal(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay on a free port of 127.0.0.1 to `target` (a `host:port`, or a URL whose host and port
 * are used), for tests of connection loss between processes and a server the test started:
 * cut (connections closed, as a restarted middlebox or a dead peer), frozen (bytes dropped, as a
 * network partition that sends no reset), healed.
 */
export async function startRelay(target: string): Promise<Relay> {
  const parsed = target.includes('://') ? new URL(target) : new URL(`tcp://${target}`);
  const targetHost = parsed.hostname;
  const targetPort = Number(parsed.port);
  let state: RelayState = 'open';
  const pairs = new Set<[Socket, Socket]>();

  const server = createServer((client) => {
    if (state === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const [from, to] of [pair, [upstream, client] as const]) {
      from.on('data', (chunk: Buffer) => {
        if (state === 'open') to.write(chunk);
      });
      from.on('error', end);
      from.on('close', end);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = new URL(parsed.toString());
  url.port = String(port);
  url.hostname = '127.0.0.1';

  const destroyAll = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    url: url.toString(),
    state: () => state,
    cut() {
      state = 'cut';
      destroyAll();
    },
    freeze() {
      state = 'frozen';
    },
    heal() {
      state = 'open';
    },
    async close() {
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
