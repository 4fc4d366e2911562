/**
 * The admin panel's static server (node:http, no dependency): the built SPA from `dist`, any
 * other path falls back to index.html (client-side routes), and `/config.json` tells the app
 * where the gateway is, so one build serves any deployment. Only node: imports, so that Node 24
 * runs this file as it is in the panel's container.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

export interface PanelServerOptions {
  /** The built app (vite's outDir). */
  distDir: string;
  /** The gateway's public URL (BASE_URL): the only origin the app may call. */
  apiUrl: string;
  /** Send HSTS (the panel is served over https). */
  hsts: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers for every answer: a CSP that allows our own files and calls to the gateway only. */
export function panelHeaders(options: Pick<PanelServerOptions, 'apiUrl' | 'hsts'>): Record<string, string> {
  const gateway = new URL(options.apiUrl).origin;
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${gateway}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    ...(options.hsts ? { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains' } : {}),
  };
}

/** The file under distDir a URL path names, or undefined when it would leave distDir. */
function fileFor(distDir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = normalize(join(distDir, decoded));
  return file.startsWith(distDir + sep) ? file : undefined;
}

async function readOrUndefined(file: string | undefined): Promise<Buffer | undefined> {
  if (!file) return undefined;
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

export function createPanelServer(options: PanelServerOptions): Server {
  const headers = panelHeaders(options);
  const distDir = normalize(options.distDir);
  const config = JSON.stringify({ apiUrl: options.apiUrl });

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, cache: string, head: boolean) => {
    res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': cache });
    res.end(head ? undefined : body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, TYPES['.txt']!, 'Method not allowed', 'no-store', head);
    }
    const path = new URL(req.url ?? '/', 'http://panel').pathname;
    if (path === '/config.json') return send(res, 200, TYPES['.json']!, config, 'no-store', head);
    if (path === '/health') return send(res, 200, TYPES['.json']!, '{"status":"ok"}', 'no-store', head);
    // Hashed build outputs never change; everything else is revalidated.
    const isAsset = path.startsWith('/assets/');
    const file = path === '/' ? undefined : fileFor(distDir, path);
    const body = await readOrUndefined(file);
    if (body && file) {
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      return send(res, 200, type, body, isAsset ? 'public, max-age=31536000, immutable' : 'no-cache', head);
    }
    if (isAsset || extname(path) !== '') return send(res, 404, TYPES['.txt']!, 'Not found', 'no-cache', head);
    const index = await readOrUndefined(join(distDir, 'index.html'));
    if (!index) return send(res, 503, TYPES['.txt']!, 'The admin panel is not built yet.', 'no-store', head);
    return send(res, 200, TYPES['.html']!, index, 'no-cache', head);
  };

  return createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, headers);
      res.end();
    });
  });
}
