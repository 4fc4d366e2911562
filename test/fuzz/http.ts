/**
 * The fuzz suite's HTTP client: node:http rather than fetch, because fetch refuses a body on GET
 * and normalizes URLs, and the suite must send exactly the bytes a hostile client would (raw
 * percent-encodings, a GET with a body, a Content-Encoding the body does not have).
 */
import { Agent, request } from 'node:http';

export interface WireRequest {
  method: string;
  /** Path and query, already percent-encoded as they go on the wire. */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Sent without Content-Length (Transfer-Encoding: chunked). */
  chunked?: boolean;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

export function send(baseUrl: string, req: WireRequest, timeoutMs = 30_000): Promise<WireResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { ...req.headers };
  if (req.body !== undefined && !req.chunked) headers['content-length'] = String(req.body.length);
  return new Promise((resolve, reject) => {
    let answered: WireResponse | undefined;
    const outgoing = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.target, headers, agent, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        answered = { status: res.statusCode ?? 0, headers: res.headers, body: '' };
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ ...answered!, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve(answered!));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    // A server that answers (413) before the body is sent may close the connection under our feet.
    outgoing.on('error', (err) => (answered ? resolve(answered) : reject(err)));
    if (req.body === undefined) outgoing.end();
    else if (req.chunked) {
      // Two writes, so that node sends the body chunked.
      outgoing.write(req.body.subarray(0, 1));
      outgoing.end(req.body.subarray(1));
    } else outgoing.end(req.body);
  });
}

export function closeAgent(): void {
  agent.destroy();
}

/** Credentials are shown by kind, not value (a broken one keeps its visible tail). */
const redact = (name: string, value: string) =>
  name === 'authorization'
    ? value.replace(/(Bearer|bearer) [\w-]+\.[\w-]+\.[\w-]+/, '$1 <user token>')
    : name === 'x-service-key'
      ? value.replace(/sk_[\w-]{40,60}/, '<service key>')
      : name === 'cookie'
        ? value.replace(/admin_token=[\w-]+\.[\w-]+\.[\w-]+/, 'admin_token=<admin token>')
        : value;

/** The request as it would be typed with curl: for failure messages (credentials replaced by their kind). */
export function describeRequest(req: WireRequest, maxBody = 1500): string {
  const lines = [`${req.method} ${req.target}`, ...(req.chunked ? ['transfer-encoding: chunked'] : [])];
  for (const [name, value] of Object.entries(req.headers)) {
    lines.push(`${name}: ${redact(name, value)}`);
  }
  if (req.body !== undefined) {
    const text = req.body.toString('utf8');
    const shown = text.length > maxBody ? `${text.slice(0, maxBody)}… (${req.body.length} bytes in all)` : text;
    lines.push('', JSON.stringify(shown));
  }
  return lines.join('\n');
}
