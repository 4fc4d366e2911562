import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

export interface Relay {
  /** The relay's own port on 127.0.0.1: point the process under test here instead of the target. */
  port: number;
  /** Drops every connection (reset) and refuses new ones until heal(): a lost network. */
  cut(): void;
  /** Accepts and forwards connections again after cut(). */
  heal(): void;
  /** Keeps every connection open but drops the bytes both ways (new ones too): a frozen peer. */
  freeze(): void;
  /** Forwards bytes again after freeze(); what was dropped meanwhile stays lost. */
  thaw(): void;
  close(): Promise<void>;
}

type State = 'open' | 'cut' | 'frozen';

/**
 * A TCP relay on a free loopback port in front of `targetPort`, for tests that break a
 * connection the way a network does (cut, or freeze: TCP stays up and nothing answers).
 */
export async function createRelay(options: { targetPort: number; targetHost?: string }): Promise<Relay> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  let state: State = 'open';
  const sockets = new Set<Socket>();

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  // Forwards `from` to `to` except while frozen; either side's end or error closes both.
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (state === 'open' && !to.destroyed) to.write(chunk);
    });
    from.on('close', () => to.destroy());
  };

  const server = createServer((client) => {
    track(client);
    if (state === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(options.targetPort, targetHost);
    track(upstream);
    forward(client, upstream);
    forward(upstream, client);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    cut: () => {
      state = 'cut';
      for (const socket of sockets) socket.resetAndDestroy();
    },
    heal: () => {
      state = 'open';
    },
    freeze: () => {
      state = 'frozen';
    },
    thaw: () => {
      state = 'open';
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
