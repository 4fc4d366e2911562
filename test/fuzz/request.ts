/**
 * Turns an endpoint, the case's fixture values and a mutation into the exact request bytes.
 */
import { gzipSync } from 'node:zlib';
import type { Body, Endpoint, Json } from './endpoints';
import { credentials, type Values } from './fixtures';
import type { WireRequest } from './http';
import {
  CONTENT_ENCODINGS,
  CONTENT_TYPES,
  DATE_VALUES,
  HEADER_VARIANTS,
  HOSTILE_TEXT,
  MALFORMED_JSON,
  PAGINATION_VALUES,
  RAW_ENCODED,
  UUID_VARIANTS,
  WRONG_VALUES,
  type Mutation,
  type Where,
} from './mutations';

interface Part {
  name: string;
  value: string;
  /** Already percent-encoded bytes that replace the encoded value. */
  raw?: string;
  /** Sent as is, not percent-encoded (`name[]`). */
  rawName?: string;
}

interface Spec {
  segments: Part[];
  query: Part[];
  body?: { json: Json } | { form: Part[] } | { csv: string[][] };
  headers: Record<string, string | undefined>;
  /** Body bytes that replace the encoded body (malformed JSON). */
  bytes?: (encoded: string) => string | Buffer;
  /** Nesting text that replaces the DEEP marker once the body is encoded. */
  deep?: string;
  encoding?: string;
  chunked?: boolean;
  method?: string;
  headerVariant?: number;
}

const DEEP = '\u0001deep\u0001';
const BOUNDARY = 'fuzz-boundary-7d1c';

/** With the u flag, a surrogate pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Percent-encodes every UTF-16 code unit sequence as WTF-8, so a lone surrogate goes out as %ED%A0%80. */
export function encodeComponent(value: string): string {
  if (!LONE_SURROGATE.test(value)) return encodeURIComponent(value);
  let out = '';
  for (const byte of wtf8(value)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** UTF-8, except that a lone surrogate is encoded as its own three bytes (what Buffer would replace by U+FFFD). */
export function wtf8(value: string): Buffer {
  if (!LONE_SURROGATE.test(value)) return Buffer.from(value, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    let cp = value.charCodeAt(i);
    const next = value.charCodeAt(i + 1);
    if (cp >= 0xd800 && cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
      i++;
    }
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else bytes.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Buffer.from(bytes);
}

const fill = (s: string, v: Values) => s.replace(/\{(\w+)\}/g, (m, k: string) => v[k] ?? m);
const fillJson = (j: Json, v: Values): Json =>
  typeof j === 'string'
    ? fill(j, v)
    : Array.isArray(j)
      ? j.map((x) => fillJson(x, v))
      : j !== null && typeof j === 'object'
        ? Object.fromEntries(Object.entries(j).map(([k, x]) => [k, fillJson(x, v)]))
        : j;

function specOf(ep: Endpoint, v: Values): Spec {
  const body: Body | undefined = ep.body;
  return {
    segments: ep.path.split('/').map((seg) => ({ name: seg, value: fill(seg, v) })),
    query: Object.entries(ep.query ?? {}).map(([name, value]) => ({ name, value: fill(value, v) })),
    body: !body
      ? undefined
      : 'json' in body
        ? { json: fillJson(body.json, v) }
        : 'form' in body
          ? { form: Object.entries(body.form).map(([name, value]) => ({ name, value: fill(value, v) })) }
          : { csv: body.csv.map((row) => row.map((cell) => fill(cell, v))) },
    headers: {},
  };
}

/** The part of the spec a `Where` names, as a getter and a setter (undefined: the part is gone). */
function locate(spec: Spec, where: Where): { get(): unknown; set(value: unknown, raw?: string): void; remove(): void } | undefined {
  if (where.at === 'path') {
    const part = spec.segments[where.index];
    if (!part) return undefined;
    return { get: () => part.value, set: (value, raw) => ((part.value = String(value)), (part.raw = raw)), remove: () => (part.value = '') };
  }
  const parts = where.at === 'query' ? spec.query : spec.body && 'form' in spec.body ? spec.body.form : undefined;
  if (parts) {
    const name = where.at === 'query' ? where.name : String(where.path[0]);
    const part = parts.find((p) => p.name === name);
    if (!part) return undefined;
    return {
      get: () => part.value,
      set: (value, raw) => ((part.value = typeof value === 'string' ? value : JSON.stringify(value)), (part.raw = raw)),
      remove: () => parts.splice(parts.indexOf(part), 1),
    };
  }
  if (where.at !== 'body' || !spec.body) return undefined;
  if ('csv' in spec.body) {
    const row = spec.body.csv[Number(where.path[0])];
    const col = Number(where.path[1]);
    if (!row) return undefined;
    return { get: () => row[col], set: (value) => (row[col] = String(value)), remove: () => row.splice(col, 1) };
  }
  if (!('json' in spec.body)) return undefined;
  const json = spec.body;
  const parentPath = where.path.slice(0, -1);
  const key = where.path[where.path.length - 1];
  if (key === undefined) return undefined;
  let parent: unknown = json.json;
  for (const k of parentPath) parent = (parent as Record<string | number, unknown> | null)?.[k];
  if (parent === null || typeof parent !== 'object') return undefined;
  const container = parent as Record<string | number, unknown>;
  return {
    get: () => container[key],
    set: (value) => (container[key] = value),
    remove: () => (Array.isArray(container) ? container.splice(Number(key), 1) : delete container[key]),
  };
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

function ensureBody(spec: Spec): void {
  spec.body ??= { json: {} };
}

function apply(spec: Spec, m: Mutation): void {
  switch (m.kind) {
    case 'none':
      return;
    case 'text': {
      const at = locate(spec, m.where);
      at?.set(HOSTILE_TEXT[m.text]!(asText(at.get())));
      return;
    }
    case 'raw':
      locate(spec, m.where)?.set('', RAW_ENCODED[m.raw]);
      return;
    case 'wrongType':
      locate(spec, m.where)?.set(structuredClone(WRONG_VALUES[m.value]));
      return;
    case 'missing':
      locate(spec, m.where)?.remove();
      return;
    case 'noBody':
      spec.body = undefined;
      return;
    case 'uuid': {
      const at = locate(spec, m.where);
      at?.set(UUID_VARIANTS[m.variant]!(asText(at.get())));
      return;
    }
    case 'array': {
      const at = locate(spec, m.where);
      const items = at?.get();
      if (Array.isArray(items) && items.length > 0) at!.set(Array.from({ length: m.count }, () => structuredClone(items[0] as unknown)));
      return;
    }
    case 'date':
      locate(spec, m.where)?.set(DATE_VALUES[m.value]);
      return;
    case 'pagination':
      spec.query = spec.query.filter((p) => p.name !== m.name);
      spec.query.push({ name: m.name, value: '', raw: PAGINATION_VALUES[m.value] });
      return;
    case 'contentType':
      ensureBody(spec);
      spec.headers['content-type'] = CONTENT_TYPES[m.value];
      return;
    case 'contentEncoding':
      ensureBody(spec);
      spec.encoding = CONTENT_ENCODINGS[m.value];
      return;
    case 'malformed':
      ensureBody(spec);
      spec.bytes = MALFORMED_JSON[m.variant];
      return;
    case 'repeat': {
      const part = spec.query.find((p) => m.where.at === 'query' && p.name === m.where.name);
      if (!part) return;
      if (m.style === 0) spec.query.push({ ...part });
      else part.rawName = m.style === 1 ? `${part.name}[]` : `${part.name}[key]`;
      return;
    }
    case 'header':
      spec.headerVariant = m.variant;
      return;
    case 'method':
      spec.method = m.method;
      return;
    case 'size':
      pad(spec, m.bytes);
      spec.chunked = m.chunked;
      return;
    case 'deep': {
      const open = m.shape === 'array' ? '[' : '{"a":';
      const close = m.shape === 'array' ? ']' : '}';
      spec.deep = `${open.repeat(m.depth)}${m.shape === 'array' ? '' : '1'}${close.repeat(m.depth)}`;
      const at = m.where ? locate(spec, m.where) : undefined;
      if (at && spec.body && 'json' in spec.body) at.set(DEEP);
      else spec.body = { json: DEEP };
      return;
    }
  }
}

function pad(spec: Spec, bytes: number): void {
  ensureBody(spec);
  const body = spec.body!;
  if ('form' in body) body.form.push({ name: '_pad', value: 'x'.repeat(bytes) });
  else if ('csv' in body) {
    if (body.csv[0]) body.csv[0][1] = 'x'.repeat(bytes);
  } else if (body.json !== null && typeof body.json === 'object' && !Array.isArray(body.json)) body.json._pad = 'x'.repeat(bytes);
  else spec.body = { json: { _pad: 'x'.repeat(bytes) } };
}

const csvCell = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
const encodeParts = (parts: Part[]) => parts.map((p) => `${p.rawName ?? encodeComponent(p.name)}=${p.raw ?? encodeComponent(p.value)}`).join('&');

function encodeBody(spec: Spec): { bytes: Buffer; type: string } | undefined {
  const body = spec.body;
  if (!body) return undefined;
  let encoded: { bytes: Buffer; type: string };
  if ('json' in body) {
    let text = JSON.stringify(body.json);
    if (spec.deep !== undefined) text = text.replace(JSON.stringify(DEEP), spec.deep);
    encoded = { bytes: Buffer.from(text, 'utf8'), type: 'application/json' };
  } else if ('form' in body) {
    encoded = { bytes: Buffer.from(encodeParts(body.form)), type: 'application/x-www-form-urlencoded' };
  } else {
    const csv = ['email,name,workspace_slug,role', ...body.csv.map((row) => row.map(csvCell).join(','))].join('\n');
    encoded = {
      bytes: Buffer.concat([
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="users.csv"\r\nContent-Type: text/csv\r\n\r\n`),
        wtf8(`${csv}\n`),
        Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
      ]),
      type: `multipart/form-data; boundary=${BOUNDARY}`,
    };
  }
  if (spec.bytes) {
    const replaced = spec.bytes(encoded.bytes.toString('utf8'));
    encoded.bytes = typeof replaced === 'string' ? Buffer.from(replaced, 'utf8') : replaced;
  }
  return encoded;
}

let bomb: Buffer | undefined;

/** The request of one case. */
export function buildRequest(ep: Endpoint, values: Values, mutation: Mutation): WireRequest {
  const spec = specOf(ep, values);
  apply(spec, mutation);
  const path = spec.segments.map((s, i) => (i === 0 ? '' : (s.raw ?? encodeComponent(s.value)))).join('/');
  const query = encodeParts(spec.query);
  const body = encodeBody(spec);
  const headers: Record<string, string> = { ...credentials(ep.tier, values) };
  if (body) headers['content-type'] = body.type;
  if (spec.headerVariant !== undefined) {
    const [name, value] = HEADER_VARIANTS[spec.headerVariant]!(headers);
    spec.headers[name] = value;
  }
  for (const [name, value] of Object.entries(spec.headers)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  let bytes = body?.bytes;
  if (spec.encoding !== undefined && bytes !== undefined) {
    if (spec.encoding === 'gzip-real') bytes = gzipSync(bytes);
    if (spec.encoding === 'gzip-bomb') bytes = bomb ??= gzipSync(Buffer.from(`{"a":"${'a'.repeat(50 * 1024 * 1024)}"}`));
    headers['content-encoding'] = spec.encoding.startsWith('gzip-') ? 'gzip' : spec.encoding;
  }
  return { method: spec.method ?? ep.method, target: query ? `${path}?${query}` : path, headers, body: bytes, chunked: spec.chunked === true };
}
