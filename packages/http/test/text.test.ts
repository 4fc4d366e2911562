import { brotliCompressSync, gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import {
  createLogger,
  createServiceApp,
  findIllFormedText,
  formBody,
  INTERNAL_IDENTITY_HEADER,
  isWellFormedText,
  mintInternalToken,
  parseInput,
  serve,
  type RunningServer,
} from '../src';

const secret = 'unit-test-secret-with-enough-entropy-0123456789';
const auth = () => ({ [INTERNAL_IDENTITY_HEADER]: mintInternalToken(secret, {}) });
const ILL_FORMED = /must be well-formed Unicode text without NUL characters/;

/** A service app whose routes echo what they read, as the services' handlers do. */
function app() {
  const router = express.Router();
  router.post('/things', (req, res) => {
    res.json(parseInput(z.object({ name: z.string() }).passthrough(), req.body, 'body'));
  });
  router.post('/raw', (req, res) => {
    res.json({ body: req.body as unknown }); // no schema at all: the rule holds anyway
  });
  router.post('/form', formBody({ limit: '16kb' }), (req, res) => {
    res.json({ body: req.body as unknown });
  });
  router.get('/things/:id', (req, res) => {
    res.json({ id: req.params.id, q: req.query.q ?? null });
  });
  return createServiceApp({ logger: createLogger('test', 'silent'), internalSecret: secret, readiness: {} }, [router]);
}

describe('the text rule', () => {
  it.each([
    ['ab\u0000cd', false],
    ['\ud800x', false],
    ['x\udc00', false],
    ['\udc00\ud800', false],
    ['😀 \ud83d\ude00', true],
    ['\ufffd', true],
    ['plain', true],
  ])('isWellFormedText(%j) is %s', (text, expected) => {
    expect(isWellFormedText(text)).toBe(expected);
  });

  it('when a nested string or a key breaks it, then the path to it is found', () => {
    expect(findIllFormedText({ a: [1, 'ok', { b: 'x\u0000' }] })).toEqual(['a', 2, 'b']);
    expect(findIllFormedText({ a: { 'k\ud800': 1 } })).toEqual(['a', 'k\ud800']);
    expect(findIllFormedText({ a: ['ok', { b: null }] })).toBeUndefined();
  });

  it('when a value is nested 100 000 deep, then it is walked without overflowing the stack', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(findIllFormedText(deep)).toHaveLength(100_000);
  });

  it('when parseInput gets a NUL or a lone surrogate, then 422 before the schema, whatever the schema accepts', () => {
    expect(() => parseInput(z.unknown(), { name: 'a\u0000' }, 'body')).toThrow(ILL_FORMED);
    expect(() => parseInput(z.string(), '\ud800', 'query')).toThrow(ILL_FORMED);
  });
});

describe('the text rule at a service edge', () => {
  const server = app();
  let url = '';
  let running: RunningServer | undefined;
  beforeAll(async () => {
    running = await serve(server, { port: 0, host: '127.0.0.1', logger: createLogger('test', 'silent'), shutdownTimeoutMs: 500 });
    url = `http://127.0.0.1:${running.port}`;
  });
  afterAll(() => running?.close());
  /** Raw bytes as they are (supertest would turn a Buffer sent as JSON into JSON). */
  const postBytes = async (path: string, headers: Record<string, string>, body: Buffer) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { ...auth(), ...headers }, body });
    const answer: unknown = await res.json();
    return { status: res.status, body: answer };
  };

  it.each([
    ['a NUL escape', '{"name":"ab\\u0000cd"}', ['body', 'name']],
    ['a lone surrogate escape', '{"name":"\\ud800x"}', ['body', 'name']],
    ['a bad key', '{"name":"ok","\\u0000":1}', ['body', '?']],
  ])('when the JSON body holds %s, then 422 naming the field', async (_what, body, loc) => {
    const res = await request(server).post('/things').set(auth()).set('content-type', 'application/json').send(body);
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(ILL_FORMED);
    expect(res.body.errors).toEqual([expect.objectContaining({ loc, type: 'ill_formed_text' })]);
  });

  it('when a route reads the body without parseInput, then the rule still holds', async () => {
    const res = await request(server).post('/raw').set(auth()).set('content-type', 'application/json').send('{"deep":[{"x":"\\ud800"}]}');
    expect(res.status).toBe(422);
    expect(res.body.errors[0].loc).toEqual(['body', 'deep', 0, 'x']);
  });

  it('when the JSON body is not valid UTF-8, then 422 (never U+FFFD stored in its place)', async () => {
    const bytes = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff]), Buffer.from('"}')]);
    const res = await postBytes('/things', { 'content-type': 'application/json' }, bytes);
    expect(res).toEqual({
      status: 422,
      body: { detail: 'Invalid body: body must be well-formed Unicode text without NUL characters, in valid UTF-8' },
    });
  });

  it('when U+FFFD and astral characters are sent as such, then they are ordinary text', async () => {
    const res = await request(server).post('/things').set(auth()).send({ name: '\ufffd 😀' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: '\ufffd 😀' });
  });

  it.each(['%00', '%FF', '%ED%A0%80', 'a%00b'])('when a form field holds %s, then 422', async (value) => {
    const res = await request(server).post('/form').set(auth()).set('content-type', 'application/x-www-form-urlencoded').send(`token=${value}`);
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(ILL_FORMED);
  });

  it('when a form is well-formed, then it is read', async () => {
    const res = await request(server).post('/form').set(auth()).set('content-type', 'application/x-www-form-urlencoded').send('token=a%C3%A9+b');
    expect(res.body).toEqual({ body: { token: 'aé b' } });
  });

  it.each(['/things/x?q=%00', '/things/x?q=a&q=%FF', '/things/x?%00=1', '/things/%00', '/things/%ED%A0%80'])(
    'when the URL %s decodes to ill-formed text, then 422 before any router reads it',
    async (url) => {
      const res = await request(server).get(url).set(auth());
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(ILL_FORMED);
    },
  );

  it('when the URL is well-formed (a literal % included), then it is read as before', async () => {
    const res = await request(server).get('/things/%C3%A9?q=100%').set(auth());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'é', q: '100%' });
  });

  it.each([
    ['gzip', Buffer.from('{"name":"x"}')],
    ['br', Buffer.from('{"name":"x"}')],
    ['deflate', Buffer.from('{"name":"x"}')],
    ['gzip', gzipSync('{"name":"x"}').subarray(0, 12)],
  ])('when Content-Encoding is %s but the body is not (fully) compressed, then 422', async (encoding, body) => {
    const res = await postBytes('/things', { 'content-type': 'application/json', 'content-encoding': encoding }, body);
    expect(res).toEqual({ status: 422, body: { detail: 'Malformed body: it does not match its Content-Encoding' } });
  });

  it('when the body really is gzip or br, then it is read', async () => {
    for (const [encoding, body] of [
      ['gzip', gzipSync('{"name":"x"}')],
      ['br', brotliCompressSync('{"name":"x"}')],
    ] as const) {
      const res = await postBytes('/things', { 'content-type': 'application/json', 'content-encoding': encoding }, body);
      expect(res).toEqual({ status: 200, body: { name: 'x' } });
    }
  });

  it('when a form has too many fields, then 413, not 500', async () => {
    const body = Array.from({ length: 1500 }, (_, i) => `f${i}=1`).join('&');
    const res = await request(server).post('/form').set(auth()).set('content-type', 'application/x-www-form-urlencoded').send(body);
    expect(res.status).toBe(413);
  });
});
