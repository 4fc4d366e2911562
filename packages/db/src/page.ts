import { Prisma } from './generated/prisma/client';
import { containsPattern } from './like';

/** `?page=&page_size=` as the contracts parse it (page counts from 1). */
export interface PageRequest {
  page: number;
  page_size: number;
}

/** `{items, total, page, page_size}`: the body of every paginated list. */
export interface Page<T> extends PageRequest {
  items: T[];
  total: number;
}

const offsetOf = (request: PageRequest) => (request.page - 1) * request.page_size;

/** `LIMIT … OFFSET …` of one page, for raw SQL. */
export const pageSql = (request: PageRequest): Prisma.Sql =>
  Prisma.sql`LIMIT ${request.page_size}::int OFFSET ${offsetOf(request)}::int`;

/** The same page for Prisma's `findMany`. */
export const pageArgs = (request: PageRequest) => ({ skip: offsetOf(request), take: request.page_size });

/** One page of `items` out of `total`. */
export const toPage = <T>(request: PageRequest, items: T[], total: number): Page<T> => ({
  items,
  total,
  page: request.page,
  page_size: request.page_size,
});

/**
 * `(a ILIKE '%term%' ESCAPE '\' OR b ILIKE …)`: any of `columns` contains the search term
 * literally, in any case (`%`, `_`, `\` match themselves); `TRUE` when the term is blank or absent.
 * `columns` are SQL column references written in code, never input.
 */
export function searchCondition(search: string | undefined, columns: readonly string[]): Prisma.Sql {
  const pattern = containsPattern(search);
  if (pattern === null) return Prisma.sql`TRUE`;
  return Prisma.sql`(${Prisma.join(
    columns.map((column) => Prisma.sql`${Prisma.raw(column)} ILIKE ${pattern}::text ESCAPE '\\'`),
    ' OR ',
  )})`;
}
