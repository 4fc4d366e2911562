import { HttpError } from './errors';

/** What a client is told to wait before trying again while a datastore is unreachable. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

export type Datastore = 'database' | 'redis';

/** Prisma's codes for "the server could not be reached / answered too late / the pool was exhausted". */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** @prisma/adapter-pg's DriverAdapterError kinds of the same meaning. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** SQLSTATEs: class 08 (connection exception), shutdowns, "cannot connect now", too many connections. */
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
/**
 * Raw socket errors reach the error handler only from node-postgres (permission-service's own
 * pool): calls to our services go through the service client, which answers its own 503.
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
/** node-postgres and pg-pool say these without a code. */
const PG_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;
/** ioredis (and @sentinel/redis's breaker) when a command could not get an answer. */
const REDIS_NAMES = new Set(['RedisUnavailableError', 'MaxRetriesPerRequestError']);
const REDIS_MESSAGES = /^(Command timed out|Connection is closed|Stream isn't writeable|Command aborted due to connection close)/;

type Fields = { name?: unknown; code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; errors?: unknown; meta?: unknown };

function classify(err: Fields): Datastore | undefined {
  const { name, code, kind, message } = err;
  if (typeof name === 'string' && REDIS_NAMES.has(name)) return 'redis';
  if (typeof message === 'string' && REDIS_MESSAGES.test(message) && typeof code !== 'string') return 'redis';
  if (typeof code === 'string' && (PRISMA_CODES.has(code) || SQLSTATE.test(code) || SOCKET_CODES.has(code))) return 'database';
  if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return 'database';
  if (typeof message === 'string' && PG_MESSAGES.test(message)) return 'database';
  return undefined;
}

/**
 * Which datastore an error says is unreachable, looking through the wrappers that Prisma, its
 * driver adapter and node-postgres put around the cause (`cause`, `meta.driverAdapterError`,
 * AggregateError's `errors`). Undefined for anything else, query errors of a reachable server
 * included (a constraint, a bad value): those are not outages.
 */
export function datastoreOutage(err: unknown, depth = 0): Datastore | undefined {
  if (depth > 4 || typeof err !== 'object' || err === null) return undefined;
  const fields = err as Fields;
  const own = classify(fields);
  if (own) return own;
  const meta = fields.meta as { driverAdapterError?: unknown } | undefined;
  const nested = [fields.cause, meta?.driverAdapterError, ...(Array.isArray(fields.errors) ? (fields.errors as unknown[]) : [])];
  for (const inner of nested) {
    const found = datastoreOutage(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** 503 with Retry-After for an error that says a datastore is unreachable; undefined otherwise. */
export function outageError(err: unknown): HttpError | undefined {
  const datastore = datastoreOutage(err);
  if (!datastore) return undefined;
  return new HttpError('unavailable', `Service unavailable: ${datastore}`, {
    headers: { 'Retry-After': String(OUTAGE_RETRY_AFTER_SECONDS) },
  });
}
