/**
 * The cases of one endpoint: what parts of its request can be broken (targetsOf), the random
 * cases (mutationArbitrary) and the fixed ones every endpoint runs first (everyClassOnce).
 */
import fc from 'fast-check';
import type { Endpoint, Json } from './endpoints';
import {
  ARRAY_COUNTS,
  CONTENT_ENCODINGS,
  CONTENT_TYPES,
  CSV_SIZES,
  DATE_VALUES,
  DEPTHS,
  HEADER_VARIANTS,
  HOSTILE_TEXT,
  MALFORMED_JSON,
  NUL_TEXT,
  PAGINATION_HUGE,
  PAGINATION_NAMES,
  PAGINATION_NEGATIVE,
  PAGINATION_VALUES,
  RAW_ENCODED,
  RAW_NUL,
  RAW_SURROGATE,
  REPEAT_STYLES,
  SIZES,
  SURROGATE_TEXT,
  UUID_BAD,
  UUID_UPPER,
  UUID_VARIANTS,
  WRONG_VALUES,
  type Mutation,
  type Where,
} from './mutations';

/** The parts of an endpoint's request a mutation can aim at. */
export interface Targets {
  strings: Where[];
  leaves: Where[];
  keys: Where[];
  uuids: Where[];
  dates: Where[];
  arrays: Where[];
  raw: Where[];
  hasBody: boolean;
  csv: boolean;
}

const UUID_PLACEHOLDER = /^\{(user|admin|workspace|newWorkspace|member|victim|invitation|group|resource|rid|action|role|serviceApp|clientApp|newId)\}$/;

export function targetsOf(ep: Endpoint): Targets {
  const t: Targets = { strings: [], leaves: [], keys: [], uuids: [], dates: [], arrays: [], raw: [], hasBody: ep.body !== undefined, csv: ep.body !== undefined && 'csv' in ep.body };
  ep.path.split('/').forEach((seg, index) => {
    if (!seg.startsWith('{')) return;
    const where: Where = { at: 'path', index };
    t.strings.push(where);
    t.raw.push(where);
    if (UUID_PLACEHOLDER.test(seg)) t.uuids.push(where);
  });
  for (const [name, value] of Object.entries(ep.query ?? {})) {
    const where: Where = { at: 'query', name };
    t.strings.push(where);
    t.raw.push(where);
    t.keys.push(where);
    if (UUID_PLACEHOLDER.test(value)) t.uuids.push(where);
    if (/^\d{4}-\d\d-\d\d/.test(value)) t.dates.push(where);
  }
  const walk = (value: Json, path: (string | number)[]) => {
    if (path.length > 0) t.leaves.push({ at: 'body', path });
    if (typeof value === 'string') {
      t.strings.push({ at: 'body', path });
      if (UUID_PLACEHOLDER.test(value)) t.uuids.push({ at: 'body', path });
    } else if (Array.isArray(value)) {
      t.arrays.push({ at: 'body', path });
      value.forEach((item, i) => walk(item, [...path, i]));
    }
    else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        t.keys.push({ at: 'body', path: [...path, key] });
        walk(item, [...path, key]);
      }
    }
  };
  const body = ep.body;
  if (body && 'json' in body) walk(body.json, []);
  if (body && 'form' in body) {
    for (const name of Object.keys(body.form)) {
      const where: Where = { at: 'body', path: [name] };
      t.strings.push(where);
      t.raw.push(where);
      t.keys.push(where);
    }
  }
  if (body && 'csv' in body) body.csv[0]?.forEach((_cell, i) => t.strings.push({ at: 'body', path: [0, i] }));
  return t;
}

const index = (list: readonly unknown[]) => fc.nat({ max: list.length - 1 });

/** Every mutation that applies to the endpoint (the valid request itself is the first example). */
export function mutationArbitrary(t: Targets): fc.Arbitrary<Mutation> {
  const arbs: fc.Arbitrary<Mutation>[] = [
    fc.record({ kind: fc.constant('pagination' as const), name: fc.constantFrom(...PAGINATION_NAMES), value: index(PAGINATION_VALUES) }),
    fc.record({ kind: fc.constant('contentType' as const), value: index(CONTENT_TYPES) }),
    fc.record({ kind: fc.constant('contentEncoding' as const), value: index(CONTENT_ENCODINGS) }),
    fc.record({ kind: fc.constant('malformed' as const), variant: index(MALFORMED_JSON) }),
  ];
  // Big bodies cost the most to send and parse: a quarter of the weight of the other classes.
  const heavy: fc.Arbitrary<Mutation>[] = [
    fc.record({
      kind: fc.constant('size' as const),
      bytes: fc.constantFrom(...(t.csv ? [...SIZES, ...CSV_SIZES] : SIZES)),
      chunked: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('deep' as const), depth: fc.constantFrom(...DEPTHS), shape: fc.constantFrom('array' as const, 'object' as const) }),
  ];
  if (t.strings.length > 0) {
    arbs.push(fc.record({ kind: fc.constant('text' as const), where: fc.constantFrom(...t.strings), text: index(HOSTILE_TEXT) }));
  }
  if (t.raw.length > 0) arbs.push(fc.record({ kind: fc.constant('raw' as const), where: fc.constantFrom(...t.raw), raw: index(RAW_ENCODED) }));
  if (t.leaves.length > 0) {
    arbs.push(fc.record({ kind: fc.constant('wrongType' as const), where: fc.constantFrom(...t.leaves), value: index(WRONG_VALUES) }));
    heavy.push(
      fc.record({
        kind: fc.constant('deep' as const),
        where: fc.constantFrom(...t.leaves),
        depth: fc.constantFrom(...DEPTHS),
        shape: fc.constantFrom('array' as const, 'object' as const),
      }),
    );
  }
  if (t.keys.length > 0) arbs.push(fc.record({ kind: fc.constant('missing' as const), where: fc.constantFrom(...t.keys) }));
  const queries = t.raw.filter((w) => w.at === 'query');
  if (queries.length > 0) {
    arbs.push(fc.record({ kind: fc.constant('repeat' as const), where: fc.constantFrom(...queries), style: fc.nat({ max: REPEAT_STYLES - 1 }) }));
  }
  arbs.push(
    fc.record({ kind: fc.constant('header' as const), variant: index(HEADER_VARIANTS) }),
    fc.record({ kind: fc.constant('method' as const), method: fc.constantFrom('PUT' as const, 'OPTIONS' as const, 'HEAD' as const) }),
  );
  if (t.hasBody) arbs.push(fc.constant<Mutation>({ kind: 'noBody' }));
  if (t.arrays.length > 0) {
    arbs.push(fc.record({ kind: fc.constant('array' as const), where: fc.constantFrom(...t.arrays), count: fc.constantFrom(...ARRAY_COUNTS) }));
  }
  if (t.dates.length > 0) arbs.push(fc.record({ kind: fc.constant('date' as const), where: fc.constantFrom(...t.dates), value: index(DATE_VALUES) }));
  if (t.uuids.length > 0) {
    arbs.push(fc.record({ kind: fc.constant('uuid' as const), where: fc.constantFrom(...t.uuids), variant: index(UUID_VARIANTS) }));
  }
  return fc.oneof(...arbs.map((arbitrary) => ({ arbitrary, weight: 4 })), ...heavy.map((arbitrary) => ({ arbitrary, weight: 1 })));
}

/**
 * Run first on every endpoint, before the random cases: the valid request, NUL and a lone
 * surrogate in every string (body field, query and path parameter), %00 on the wire in every
 * query parameter, every UUID upper-cased, and one case of every other class.
 */
export function everyClassOnce(t: Targets): Mutation[] {
  const cases: Mutation[] = [{ kind: 'none' }];
  for (const where of t.strings) cases.push({ kind: 'text', where, text: NUL_TEXT }, { kind: 'text', where, text: SURROGATE_TEXT });
  for (const where of t.raw) if (where.at !== 'path') cases.push({ kind: 'raw', where, raw: RAW_NUL });
  const raw = t.raw[0];
  if (raw) cases.push({ kind: 'raw', where: raw, raw: RAW_SURROGATE });
  if (t.leaves[0]) cases.push({ kind: 'wrongType', where: t.leaves[0], value: 0 });
  if (t.keys[0]) cases.push({ kind: 'missing', where: t.keys[0] });
  for (const where of t.uuids) cases.push({ kind: 'uuid', where, variant: UUID_UPPER });
  if (t.uuids[0]) cases.push({ kind: 'uuid', where: t.uuids[0], variant: UUID_BAD });
  for (const where of t.arrays) cases.push({ kind: 'array', where, count: 2 }, { kind: 'array', where, count: 501 });
  for (const where of t.dates) DATE_VALUES.forEach((_v, value) => cases.push({ kind: 'date', where, value }));
  cases.push(
    { kind: 'pagination', name: 'page', value: PAGINATION_NEGATIVE },
    { kind: 'pagination', name: 'page_size', value: PAGINATION_HUGE },
    { kind: 'contentType', value: 0 },
    { kind: 'contentEncoding', value: CONTENT_ENCODINGS.indexOf('gzip') },
    { kind: 'contentEncoding', value: CONTENT_ENCODINGS.indexOf('br') },
    { kind: 'malformed', variant: 0 },
    { kind: 'size', bytes: 1_000_000, chunked: false },
    { kind: 'size', bytes: t.csv ? 5_242_881 : 1_048_577, chunked: true },
    { kind: 'deep', depth: 5000, shape: 'object' },
    { kind: 'header', variant: 1 },
    { kind: 'method', method: 'PUT' },
  );
  const query = t.raw.find((w) => w.at === 'query');
  if (query) cases.push({ kind: 'repeat', where: query, style: 0 });
  return cases;
}
