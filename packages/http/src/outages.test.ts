import { datastoreOutage, outageError } from './outages';

/** The shapes seen from node-postgres, @prisma/adapter-pg, Prisma 7 and ioredis in outages. */
const adapterError = (cause: object) => ({ name: 'DriverAdapterError', cause });
const prismaError = (code: string, cause?: object) =>
  Object.assign(new Error(`prisma ${code}`), { name: 'PrismaClientKnownRequestError', code, meta: cause ? { driverAdapterError: adapterError(cause) } : {} });

describe('datastoreOutage', () => {
  it.each([
    ['Prisma P1001 (server not reachable)', prismaError('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })],
    ['Prisma P2010 around an admin shutdown (57P01)', prismaError('P2010', { kind: 'postgres', code: '57P01', severity: 'FATAL' })],
    ['Prisma P2010 around a closed connection', prismaError('P2010', { kind: 'ConnectionClosed' })],
    ['Prisma P2024 (pool timeout)', prismaError('P2024')],
    ['pg: the database system is starting up (57P03)', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['pg: connection exception class 08', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: refused on every address', new AggregateError([Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })])],
  ])('%s → database', (_name, err) => {
    expect(datastoreOutage(err)).toBe('database');
  });

  it.each([
    ['a command timeout', new Error('Command timed out')],
    ['the breaker', Object.assign(new Error('Redis is unavailable'), { name: 'RedisUnavailableError' })],
    ['no more retries', Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' })],
  ])('Redis: %s → redis', (_name, err) => {
    expect(datastoreOutage(err)).toBe('redis');
  });

  it.each([
    ['a unique violation', prismaError('P2002', { kind: 'UniqueConstraintViolation' })],
    ['a NUL byte in text (22021)', prismaError('P2010', { kind: 'postgres', code: '22021', severity: 'ERROR' })],
    ['a Redis error reply', Object.assign(new Error('WRONGTYPE Operation against a key'), { name: 'ReplyError' })],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('not an outage: %s', (_name, err) => {
    expect(datastoreOutage(err)).toBeUndefined();
  });

  it('answers 503 with Retry-After and the datastore named', () => {
    const err = outageError(prismaError('P1001'));
    expect([err?.status, err?.detail, err?.extra.headers]).toEqual([503, 'Service unavailable: database', { 'Retry-After': '5' }]);
  });
});
