/**
 * The mutation classes of the fuzz suite (issue 13, item 3), as plain data: a case says which
 * part of an endpoint's valid request to break and how (an index into the catalogues below), so
 * that a counter-example prints short and replays exactly. cases.ts draws them, request.ts turns
 * them into bytes.
 */
import type { Json } from './endpoints';

/** A part of the request: a path parameter (segment index), a query parameter, or a body field. */
export type Where = { at: 'path'; index: number } | { at: 'query'; name: string } | { at: 'body'; path: (string | number)[] };

export type Mutation =
  | { kind: 'none' }
  /** Replace a string with hostile text (NUL, lone surrogates, huge, markup…). */
  | { kind: 'text'; where: Where; text: number }
  /** Put these exact percent-encoded bytes on the wire for a path or query parameter (or a form field). */
  | { kind: 'raw'; where: Where; raw: number }
  | { kind: 'wrongType'; where: Where; value: number }
  | { kind: 'missing'; where: Where }
  | { kind: 'noBody' }
  | { kind: 'uuid'; where: Where; variant: number }
  | { kind: 'date'; where: Where; value: number }
  /** Fill a body array with copies of its first item (duplicates, and around its maximum length). */
  | { kind: 'array'; where: Where; count: number }
  | { kind: 'pagination'; name: string; value: number }
  | { kind: 'contentType'; value: number }
  | { kind: 'contentEncoding'; value: number }
  | { kind: 'malformed'; variant: number }
  /** Pad the body to about this many bytes (within and above the 1 MiB and 5 MiB limits), maybe with no Content-Length. */
  | { kind: 'size'; bytes: number; chunked: boolean }
  /** Replace a body field (or the whole body when `where` is absent) with nesting this deep. */
  | { kind: 'deep'; where?: Where; depth: number; shape: 'array' | 'object' }
  /** Send a query parameter twice, as `name[]` or as `name[key]`. */
  | { kind: 'repeat'; where: Where; style: number }
  /** Break or add one header (credentials included: a refusal must still write nothing). */
  | { kind: 'header'; variant: number }
  /** The same request with a method the endpoint does not have (or HEAD). */
  | { kind: 'method'; method: 'PUT' | 'OPTIONS' | 'HEAD' };

export const HOSTILE_TEXT: readonly ((base: string) => string)[] = [
  () => 'ab\u0000cd',
  (b) => `${b}\u0000`,
  () => '\u0000',
  () => '\ud800x',
  (b) => `${b}\udfff`,
  () => '\udbff',
  () => '\udc00\ud800',
  () => '😀 ünïcødé',
  () => '\ufeff\ufffe\uffff',
  () => '',
  () => '   ',
  () => '<script>alert(1)</script>',
  (b) => `<b>${b}</b>`,
  () => "'; DROP TABLE users; --",
  () => '%00',
  () => '\\u0000',
  () => '\u202eevil\r\n\u0085',
  () => 'a'.repeat(256),
  () => 'a'.repeat(5000),
  () => 'x'.repeat(200_000),
  () => '😀'.repeat(3000),
];
export const NUL_TEXT = 0;
export const SURROGATE_TEXT = 3;

/** Percent-encoded on the wire as they are (not re-encoded). */
export const RAW_ENCODED: readonly string[] = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  'x%ED%B0%80',
  '%C0%80',
  '%FF%FE',
  '%',
  '%zz',
  '%E2%82',
  '%2e%2e%2f%2e%2e',
  '%0D%0Aset-cookie:%20x=1',
  '%25%30%30',
];
export const RAW_NUL = 0;
export const RAW_SURROGATE = 2;

export const WRONG_VALUES: readonly Json[] = [
  0,
  -1,
  1.5,
  1e308,
  true,
  false,
  null,
  [],
  {},
  ['x'],
  { $ne: null },
  'text',
  JSON.parse('{"__proto__":{"is_admin":true}}') as Json,
  [[[]]],
];

export const UUID_VARIANTS: readonly ((base: string) => string)[] = [
  (b) => b.toUpperCase(),
  (b) => b.replace(/[a-f]/, (c) => c.toUpperCase()),
  () => 'not-a-uuid',
  () => '',
  () => '00000000-0000-0000-0000-000000000000',
  () => 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  () => '3b241101-e2bb-4255-8caf-4136c566a962',
  (b) => b.replace(/-/g, ''),
  (b) => `{${b}}`,
  (b) => `${b}x`,
  (b) => b.slice(0, -1),
  (b) => ` ${b} `,
  (b) => `urn:uuid:${b}`,
  (b) => b.replace(/[0-9]/, '٠'),
  () => 'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
];
/** For date parameters: the edges of PostgreSQL's and JavaScript's ranges, impossible dates. */
export const DATE_VALUES: readonly string[] = [
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '2024-02-30',
  '2023-02-29',
  '1970-01-01T00:00:00+25:00',
  '1970-01-01T24:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-23:59',
  '2020-01-01T00:00:00.123456789Z',
  '+275760-09-13T00:00:00Z',
];

export const UUID_UPPER = 0;
export const UUID_BAD = 2;

export const PAGINATION_NAMES = ['page', 'page_size', 'limit'] as const;
/** Raw query values (percent-encoded already where needed). */
export const PAGINATION_VALUES: readonly string[] = [
  '-1',
  '0',
  '-0',
  '1.5',
  '1e3',
  '1e309',
  '99999999999999999999999',
  'abc',
  '',
  'NaN',
  'Infinity',
  '0x10',
  '%201',
  '1,2',
  '%EF%BC%92',
  '1e-7',
  'null',
];
export const PAGINATION_NEGATIVE = 0;
export const PAGINATION_HUGE = 6;

export const CONTENT_TYPES: readonly (string | undefined)[] = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=zzz',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/xml',
  undefined,
  'application/json, text/plain',
  'application/merge-patch+json',
  '*/*',
  'APPLICATION/JSON',
  'text/csv',
  'application/octet-stream',
  ';',
];

/** Content-Encoding values; `gzip-real` and `gzip-bomb` really compress, the others lie. */
export const CONTENT_ENCODINGS: readonly string[] = [
  'gzip',
  'br',
  'deflate',
  'x-gzip',
  'identity',
  'compress',
  'zstd',
  'gzip, br',
  'GZIP',
  'bogus',
  'gzip-real',
  'gzip-bomb',
];

export const MALFORMED_JSON: readonly ((base: string) => string | Buffer)[] = [
  (b) => b.slice(0, Math.max(1, b.length - 1)),
  (b) => `${b}garbage`,
  (b) => `\ufeff${b}`,
  (b) => b.replace(':', '='),
  () => '{',
  () => '{"a":1,}',
  () => "{'a':1}",
  () => '',
  () => 'null',
  () => '"text"',
  () => '1',
  () => '[]',
  () => '{"a":1,"a":2}',
  () => '{"__proto__":{"is_admin":true},"constructor":{"prototype":{"x":1}}}',
  () => Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  () => '{"a":"\u0000"}',
  () => '{"a":1e999,"b":-1e999}',
  () => '\u0000',
];

export const ARRAY_COUNTS = [2, 100, 501, 10_000] as const;

/** `name` twice, `name[]`, `name[key]`. */
export const REPEAT_STYLES = 3;

/** Header changes: [name, value from the case's credentials] (undefined removes the header). */
export const HEADER_VARIANTS: readonly ((h: Record<string, string>) => [string, string | undefined])[] = [
  () => ['authorization', 'Bearer'],
  (h) => ['authorization', `${h.authorization ?? 'Bearer x'}x`],
  (h) => ['authorization', (h.authorization ?? 'Bearer x').replace('Bearer', 'bearer')],
  () => ['authorization', 'Bearer a.b.c'],
  () => ['authorization', 'Basic Zm9vOmJhcg=='],
  () => ['x-service-key', `sk_${'A'.repeat(5000)}`],
  (h) => ['x-service-key', `${h['x-service-key'] ?? 'sk_x'}\xff`],
  (h) => ['cookie', `${h.cookie ?? 'a=b'}; admin_token=%E0%A4%A`],
  (h) => ['cookie', `admin_token=x; ${h.cookie ?? ''}`],
  () => ['x-requested-with', undefined],
  () => ['x-sentinel-identity', 'forged.identity.token'],
  () => ['x-forwarded-for', 'not-an-ip, 999.1.1.1'],
  () => ['origin', 'https://evil.example.com'],
  () => ['x-request-id', `\xff${'r'.repeat(2000)}`],
  () => ['cookie', 'a=b; '.repeat(1000)],
  () => ['accept', 'application/xml;q=2, */*;q=-1'],
];

/** Within and just above the 1 MiB body limit; for the CSV import, within and above its 5 MiB. */
export const SIZES = [100_000, 1_000_000, 1_048_577] as const;
export const CSV_SIZES = [2_000_000, 5_242_881] as const;
export const DEPTHS = [64, 5000, 50_000] as const;
