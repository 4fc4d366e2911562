import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRelay, type Relay } from './relay';

describe('startRelay', () => {
  let echo: Server;
  let relay: Relay;

  beforeAll(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    const address = echo.address();
    relay = await startRelay(`redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/0`);
  });
  afterAll(async () => {
    await relay.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  const open = async () => {
    const socket = connect(relay.port, '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const closed = once(socket, 'close');
    socket.on('error', () => undefined);
    return { socket, received: () => received, closed };
  };
  const roundTrip = async (socket: Socket, text: string, received: () => string) => {
    const before = received().length;
    socket.write(text);
    await sleep(100);
    return received().slice(before);
  };

  it('when open, frozen, healed and cut, then it forwards, drops, forwards again, and closes', async () => {
    expect(relay.url).toBe(`redis://127.0.0.1:${relay.port}/0`);
    const a = await open();
    expect(await roundTrip(a.socket, 'ping', a.received)).toBe('ping');
    relay.freeze();
    expect(await roundTrip(a.socket, 'lost', a.received)).toBe('');
    relay.heal();
    expect(await roundTrip(a.socket, 'back', a.received)).toBe('back');
    relay.cut();
    await a.closed;
    const b = await open(); // accepted, then closed at once
    await b.closed;
    relay.heal();
    const c = await open();
    expect(await roundTrip(c.socket, 'again', c.received)).toBe('again');
    c.socket.destroy();
  });
});
