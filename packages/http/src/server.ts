import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logging';

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), then runs the closers. */
  close(): Promise<void>;
}

export interface ServeOptions {
  port: number;
  host: string;
  logger: Logger;
  shutdownTimeoutMs: number;
  /** Run after the server stopped: close pools and clients. */
  closers?: Array<() => Promise<unknown>>;
  /** Keep-alive longer than the gateway's agent keeps idle sockets, so it never reuses a closed one. */
  keepAliveTimeoutMs?: number;
}

export async function serve(handler: RequestListener, options: ServeOptions): Promise<RunningServer> {
  const server = createServer(handler);
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
  server.headersTimeout = server.keepAliveTimeout + 1_000;
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // A keep-alive connection turns idle when its in-flight response ends: close it then.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      const timer = setTimeout(() => server.closeAllConnections(), options.shutdownTimeoutMs);
      await stopped;
      clearInterval(sweep);
      clearTimeout(timer);
      for (const closer of options.closers ?? []) {
        await closer().catch((err: unknown) => options.logger.error({ err }, 'error while closing'));
      }
    })();
    return closing;
  };
  return { server, port, close };
}

/**
 * Runs `stop` once the process that started this one over an IPC channel (`pnpm start`'s
 * launcher) is gone, however it went (even SIGKILL closes the channel), so that no process
 * outlives its launcher. Nothing for a process started without one.
 */
function onLauncherGone(stop: () => void): void {
  if (process.send === undefined) return;
  if (!process.connected) stop();
  else process.once('disconnect', stop);
}

/**
 * On SIGTERM or SIGINT, or when the launcher is gone: close gracefully, then exit (non-zero if
 * closing failed).
 */
export function closeOnSignals(running: Pick<RunningServer, 'close'>, logger: Logger): void {
  const onSignal = (signal: NodeJS.Signals | 'launcher gone') => {
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  onLauncherGone(() => onSignal('launcher gone'));
}
