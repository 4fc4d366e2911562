import { Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { INTERNAL_IDENTITY_HEADER, REQUEST_ID_HEADER, type Logger } from '@sentinel/http';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import { countStreamedBody } from './body';
import type { GatewayConfig } from './config';
import { isNoStorePath } from './headers';
import type { Upstream } from './routes';

/** Set on the request by the gateway before proxying: the signed internal identity. */
export const FORWARD_IDENTITY = Symbol('sentinel.forwardIdentity');
export type ForwardedRequest = IncomingMessage & { [FORWARD_IDENTITY]?: string };

/**
 * Errors meaning the request never reached the upstream (503: it did not happen, a retry is
 * safe). A timeout after the request was sent is a 504 (the outcome is unknown); anything else,
 * a connection broken mid-request or a malformed answer, is a 502.
 */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UPSTREAM_CONNECT_TIMEOUT']);
const TIMED_OUT = 'UPSTREAM_TIMEOUT';

function failWith(proxyReq: ClientRequest, code: string, message: string): void {
  proxyReq.destroy(Object.assign(new Error(message), { code }));
}

/**
 * Bounds both waits of a proxied request: for a connection (a blackholed upstream must not hang
 * the caller), then for the upstream's answer. The proxy emits `proxyReq` from inside the
 * request's own 'socket' event, so the socket is already assigned here: listening for 'socket'
 * would come too late and leave the connect timer to cut every call at the connect timeout.
 * A keep-alive socket taken from the pool is connected already.
 */
function boundWaits(proxyReq: ClientRequest, config: GatewayConfig): void {
  const connectTimer = setTimeout(
    () => failWith(proxyReq, 'UPSTREAM_CONNECT_TIMEOUT', 'upstream connect timeout'),
    config.UPSTREAM_CONNECT_TIMEOUT_MS,
  );
  const connected = () => clearTimeout(connectTimer);
  const watch = (socket: Socket) => {
    if (socket.connecting) socket.once('connect', connected);
    else connected();
  };
  if (proxyReq.socket) watch(proxyReq.socket);
  else proxyReq.once('socket', watch);
  proxyReq.once('close', connected);
  proxyReq.setTimeout(config.UPSTREAM_TIMEOUT_MS, () => failWith(proxyReq, TIMED_OUT, 'upstream timeout'));
}

function sendError(res: ServerResponse | Socket, status: number, detail: string): void {
  if (!('writeHead' in res)) {
    res.destroy();
    return;
  }
  // Already answered by the gateway itself (a streamed body over the limit got its 413).
  if (res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ detail }));
}

export interface UpstreamProxies {
  handlers: Record<Upstream, RequestHandler>;
  close(): void;
}

/**
 * One proxy per upstream service over one keep-alive agent (without it, throughput halves and
 * latency explodes: docs/platform.md). An upstream that refuses or cannot be reached in time gives
 * 503 (nothing happened); one that does not answer in time gives 504 (it may have acted: the
 * outcome is unknown); one that breaks the response gives 502.
 */
export function createUpstreamProxies(config: GatewayConfig, logger: Logger): UpstreamProxies {
  const agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' });
  const targets: Record<Upstream, string> = {
    auth: config.AUTH_SERVICE_URL,
    token: config.TOKEN_SERVICE_URL,
    workspace: config.WORKSPACE_SERVICE_URL,
    permission: config.PERMISSION_SERVICE_URL,
  };
  const make = (upstream: Upstream) =>
    createProxyMiddleware<IncomingMessage, ServerResponse>({
      target: targets[upstream],
      agent,
      xfwd: true,
      on: {
        // Node answered the client's `Expect: 100-continue` already; passed on, it would make the
        // proxy skip its proxyReq event (no identity, no body count, the client's headers kept).
        start: (req) => {
          delete req.headers.expect;
        },
        proxyReq: (proxyReq, req, res) => {
          const identity = (req as ForwardedRequest)[FORWARD_IDENTITY];
          if (identity) proxyReq.setHeader(INTERNAL_IDENTITY_HEADER, identity);
          else proxyReq.removeHeader(INTERNAL_IDENTITY_HEADER);
          const requestId = req.headers[REQUEST_ID_HEADER];
          if (typeof requestId === 'string') proxyReq.setHeader(REQUEST_ID_HEADER, requestId);
          boundWaits(proxyReq, config);
          countStreamedBody(req, res, proxyReq);
        },
        proxyRes: (proxyRes, req) => {
          // The upstream's answer cannot make these cacheable (its headers are copied after this).
          if (isNoStorePath((req.url ?? '').split('?')[0] ?? '')) {
            proxyRes.headers['cache-control'] = 'no-store';
            proxyRes.headers.pragma = 'no-cache';
          }
        },
        error: (err, req, res) => {
          const code = (err as NodeJS.ErrnoException).code ?? '';
          logger.warn({ upstream, code, requestId: req.headers[REQUEST_ID_HEADER] }, 'upstream failed');
          if (UNREACHABLE.has(code)) sendError(res, 503, `Service unavailable: ${upstream} service`);
          else if (code === TIMED_OUT) {
            sendError(res, 504, `Gateway timeout: ${upstream} service did not answer in time; the outcome of the request is unknown`);
          } else sendError(res, 502, `Bad gateway: ${upstream} service did not answer`);
        },
      },
    });
  return {
    handlers: { auth: make('auth'), token: make('token'), workspace: make('workspace'), permission: make('permission') },
    close: () => agent.destroy(),
  };
}
