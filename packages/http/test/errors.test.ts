import { z } from 'zod';
import express from 'express';
import request from 'supertest';
import {
  ConflictError,
  createLogger,
  createServiceApp,
  INTERNAL_IDENTITY_HEADER,
  mintInternalToken,
  parseInput,
} from '../src';

const secret = 'unit-test-secret-with-enough-entropy-0123456789';
const bodySchema = z.object({ name: z.string().min(1), size: z.number().int() });

function app() {
  const router = express.Router();
  router.post('/things', (req, res) => {
    const body = parseInput(bodySchema, req.body, 'body');
    if (body.name === 'taken') throw new ConflictError('Name already taken');
    res.status(201).json(body);
  });
  router.get('/boom', async () => {
    await Promise.resolve();
    throw new Error('secret internal detail: password=hunter2');
  });
  return createServiceApp(
    { logger: createLogger('test', 'silent'), internalSecret: secret, readiness: {}, bodyLimit: '1kb' },
    [router],
  );
}

const auth = () => ({ [INTERNAL_IDENTITY_HEADER]: mintInternalToken(secret, {}) });

describe('errors', () => {
  const server = app();

  it('when the body fails its schema, then 422 names the field', async () => {
    const res = await request(server).post('/things').set(auth()).send({ name: '', size: 'x' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/name/);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ loc: ['body', 'name'] }), expect.objectContaining({ loc: ['body', 'size'] })]),
    );
  });

  it('when the JSON is malformed, then 422 and no stack', async () => {
    const res = await request(server).post('/things').set(auth()).set('content-type', 'application/json').send('{"name":');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: 'Malformed JSON body' });
  });

  it('when the body is too large, then 413', async () => {
    const res = await request(server).post('/things').set(auth()).send({ name: 'x'.repeat(5000), size: 1 });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ detail: 'Request body too large' });
  });

  it('when a domain rule conflicts, then its status and detail', async () => {
    const res = await request(server).post('/things').set(auth()).send({ name: 'taken', size: 1 });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ detail: 'Name already taken' });
  });

  it('when something unexpected throws, then a generic 500 without internals', async () => {
    const res = await request(server).get('/boom').set(auth());
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ detail: 'Internal server error' });
  });

  it('when a request carries an x-request-id, then the response echoes it; otherwise one is made', async () => {
    const given = await request(server).get('/health').set('x-request-id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await request(server).get('/health').set('x-request-id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('malformed URLs', () => {
  it('when a path param has a broken percent-encoding, then 400, not 500', async () => {
    const router = express.Router();
    router.get('/things/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    const server = createServiceApp(
      { logger: createLogger('test', 'silent'), internalSecret: secret, readiness: {} },
      [router],
    );
    const res = await request(server).get('/things/%E0%A4%A').set(auth());
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'Malformed URL encoding' });
  });
});
