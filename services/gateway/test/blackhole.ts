import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** Resolves true when a TCP connection to `port` completes within `ms`, false when it hangs. */
function connects(port: number, ms: number, held: Socket[]): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    held.push(socket);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('connect', () => (clearTimeout(timer), resolve(true)));
    socket.once('error', () => (clearTimeout(timer), resolve(false)));
  });
}

/**
 * A port on which TCP connections never complete, as with an upstream whose SYNs are dropped: a
 * process listens with a backlog of one and then blocks its event loop for good, the accept queue
 * is filled, and the kernel drops every further SYN.
 */
export async function startBlackhole(): Promise<{ port: number; close(): Promise<void> }> {
  const script = `const s = require('node:net').createServer();
s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  process.stdout.write(s.address().port + '\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0));
});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  const held: Socket[] = [];
  const close = async () => {
    for (const s of held) s.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  };
  // Fill the queue: once a connection hangs, every later one does too.
  for (let i = 0; i < 64 && (await connects(port, 500, held)); i += 1);
  if (held.length >= 64) {
    await close();
    throw new Error('blackhole: connections kept completing');
  }
  held.pop()?.destroy();
  return { port, close };
}
