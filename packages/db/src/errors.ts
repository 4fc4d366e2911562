import { Prisma } from './generated/prisma/client';

/** A write refused by a unique index (Prisma's P2002): the caller answers 409 or retries. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}
