/**
 * The servers the baselines measure, each started as its own process by bench/run.ts:
 *   upstream-node PORT          bare node:http answering a constant
 *   upstream-express PORT       Express 5 answering the same constant
 *   proxy-node PORT TARGET      bare node:http keep-alive proxy             (baseline a)
 *   proxy-hpm PORT TARGET       Express 5 + http-proxy-middleware, keep-alive (baseline b)
 */
import { Agent, createServer, request } from 'node:http';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';

const BODY = JSON.stringify({ status: 'ok' });
const [mode, portArg, target] = process.argv.slice(2);
const port = Number(portArg);

function listening(): void {
  process.stdout.write('ready\n');
}

switch (mode) {
  case 'upstream-node':
    createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
      res.end(BODY);
    }).listen(port, '127.0.0.1', listening);
    break;
  case 'upstream-express': {
    const app = express();
    app.get('/*splat', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.listen(port, '127.0.0.1', listening);
    break;
  }
  case 'proxy-node': {
    const upstream = new URL(String(target));
    const agent = new Agent({ keepAlive: true, maxSockets: 512 });
    createServer((req, res) => {
      const out = request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(out);
    }).listen(port, '127.0.0.1', listening);
    break;
  }
  case 'proxy-hpm': {
    const app = express();
    const agent = new Agent({ keepAlive: true, maxSockets: 512 });
    app.use(createProxyMiddleware({ target: String(target), agent }));
    app.listen(port, '127.0.0.1', listening);
    break;
  }
  default:
    process.stderr.write(`unknown fixture ${mode}\n`);
    process.exit(2);
}
