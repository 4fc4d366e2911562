import { once } from 'node:events';
import { createServer, STATUS_CODES, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from './logging';
import { securityHeaders } from './security-headers';

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
  /** HSTS on the answers to requests Node's parser refuses, as the gateway sends it (COOKIE_SECURE). */
  cookieSecure?: boolean;
}

/** Node's parser errors that are not a plain 400 (its own defaults), and the detail we give each. */
const PARSER_ERRORS: Record<string, { status: number; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, detail: 'Request header fields too large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, detail: 'Chunk extensions too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, detail: 'Request timeout' },
  HPE_INVALID_CONTENT_LENGTH: { status: 400, detail: 'Invalid Content-Length' },
  HPE_UNEXPECTED_CONTENT_LENGTH: { status: 400, detail: 'Invalid Content-Length' },
  HPE_INVALID_CHUNK_SIZE: { status: 400, detail: 'Invalid chunked encoding' },
  HPE_INVALID_TRANSFER_ENCODING: { status: 400, detail: 'Invalid Transfer-Encoding' },
};

/**
 * Answers a request that Node's HTTP parser refused (huge headers, a bad Content-Length, broken
 * chunked encoding, …) in our format: `{"detail": …}` as JSON with the security headers, then
 * closes the connection — instead of Node's bare status line. Like Node, it writes nothing when a
 * response on that socket has already started.
 */
export function answerClientError(headers: ReadonlyArray<[string, string]>) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, detail } = PARSER_ERRORS[err.code ?? ''] ?? { status: 400, detail: 'Malformed HTTP request' };
    const body = JSON.stringify({ detail });
    const lines = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}`,
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      'cache-control: no-store',
      ...headers.map(([name, value]) => `${name}: ${value}`),
      'connection: close',
    ];
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
    socket.destroySoon();
  };
}

export async function serve(handler: RequestListener, options: ServeOptions): Promise<RunningServer> {
  const server = createServer(handler);
  server.on('clientError', answerClientError(securityHeaders(options.cookieSecure ?? false)));
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

/** On SIGTERM or SIGINT: close gracefully, then exit (non-zero if closing failed). */
export function closeOnSignals(running: Pick<RunningServer, 'close'>, logger: Logger): void {
  const onSignal = (signal: NodeJS.Signals) => {
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
}
