import { CSV_IMPORT_COLUMNS, importRowSchema, type ImportPreview, type ImportResult } from '@sentinel/contracts';
import { recordActivities, recordActivity, type Database } from '@sentinel/db';
import { findIllFormedText, ILL_FORMED_TEXT_MESSAGE, ValidationError } from '@sentinel/http';
import { CsvSyntaxError, parseCsv } from '../csv';

/** Data rows one import may hold (the 5 MiB body limit allows far more than one transaction should). */
export const MAX_IMPORT_ROWS = 10_000;

type Column = (typeof CSV_IMPORT_COLUMNS)[number];
type Fields = Record<Column, string>;

export interface CheckedRow extends Fields {
  /** Data row number, from 1. */
  row: number;
  error: string | null;
}

/**
 * The file's data rows, or a 422 naming what is wrong with the file as a whole: not UTF-8, a
 * field that breaks the text rule (a NUL), empty, bad quoting, a header without exactly the
 * columns email,name,workspace_slug,role.
 */
export function readImportFile(file: Buffer): Array<Fields & { row: number; fieldCount: number }> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file);
  } catch {
    throw new ValidationError('The file is not valid UTF-8 text');
  }
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new ValidationError(`The file is not valid CSV: ${err.message}`);
    throw err;
  }
  const bad = findIllFormedText(records);
  if (bad) {
    const [record = 0, field = 0] = bad.map(Number);
    throw new ValidationError(`${record === 0 ? 'The header' : `Row ${record}`}, field ${field + 1}: ${ILL_FORMED_TEXT_MESSAGE}`);
  }
  const [header, ...data] = records;
  if (!header) throw new ValidationError('The file is empty');
  const names = header.map((h) => h.trim());
  const missing = CSV_IMPORT_COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !(CSV_IMPORT_COLUMNS as readonly string[]).includes(n));
  if (missing.length > 0 || unknown.length > 0 || names.length !== CSV_IMPORT_COLUMNS.length) {
    throw new ValidationError(`The header must name the columns ${CSV_IMPORT_COLUMNS.join(',')}, each once`);
  }
  if (data.length === 0) throw new ValidationError('The file has no data rows');
  if (data.length > MAX_IMPORT_ROWS) throw new ValidationError(`The file has more than ${MAX_IMPORT_ROWS} data rows`);
  return data.map((fields, i) => {
    const row = Object.fromEntries(CSV_IMPORT_COLUMNS.map((c) => [c, fields[names.indexOf(c)] ?? ''])) as Fields;
    return { ...row, row: i + 1, fieldCount: fields.length };
  });
}

type SlugReader = (slugs: string[]) => Promise<Map<string, string>>;

/** Every row checked: its own fields, duplicates of an earlier row, and its workspace's existence. */
async function checkRows(rows: ReturnType<typeof readImportFile>, workspaceIds: SlugReader): Promise<CheckedRow[]> {
  const seen = new Map<string, number>();
  const checked: CheckedRow[] = rows.map(({ fieldCount, ...raw }) => {
    if (fieldCount !== CSV_IMPORT_COLUMNS.length) return { ...raw, error: `Expected ${CSV_IMPORT_COLUMNS.length} fields, found ${fieldCount}` };
    const parsed = importRowSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ...raw, error: `${issue?.path.join('.') ?? 'row'}: ${issue?.message ?? 'invalid'}` };
    }
    const key = `${parsed.data.email}\u0000${parsed.data.workspace_slug}`;
    const first = seen.get(key);
    if (first !== undefined) return { ...raw, ...parsed.data, error: `Duplicate of row ${first}` };
    seen.set(key, raw.row);
    return { row: raw.row, ...parsed.data, error: null };
  });
  const known = await workspaceIds([...new Set(checked.filter((r) => !r.error).map((r) => r.workspace_slug))]);
  for (const r of checked) if (!r.error && !known.has(r.workspace_slug)) r.error = `Unknown workspace "${r.workspace_slug}"`;
  return checked;
}

const toPreview = (rows: CheckedRow[]): ImportPreview => ({
  rows: rows.map(({ email, name, workspace_slug, role, error }) => ({ email, name, workspace_slug, role, error })),
  valid_count: rows.filter((r) => !r.error).length,
  error_count: rows.filter((r) => r.error).length,
});

/** POST /admin/import/csv/preview: what execute would do with this file; changes nothing. */
export async function previewImport(prisma: Database, file: Buffer): Promise<ImportPreview> {
  const rows = await checkRows(readImportFile(file), async (slugs) => {
    const found = await prisma.workspace.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } });
    return new Map(found.map((w) => [w.slug, w.id]));
  });
  return toPreview(rows);
}

/**
 * POST /admin/import/csv/execute. Every row is checked first, inside the transaction; with any
 * error nothing is written and the rows are reported. Otherwise, in that one transaction: users
 * that do not exist are created (pre-provisioned: no linked account yet), memberships that do
 * not exist are added, and one entry is logged. Races with other imports, sign-ins or admins
 * are settled by the unique constraints (ON CONFLICT DO NOTHING), and the workspaces and users
 * used are key-share locked so that none is deleted before the commit.
 */
export async function executeImport(prisma: Database, adminId: string, file: Buffer): Promise<ImportResult> {
  const parsed = readImportFile(file);
  return prisma.$transaction(
    async (tx) => {
      let workspaces = new Map<string, string>();
      const rows = await checkRows(parsed, async (slugs) => {
        const found = await tx.$queryRaw<Array<{ id: string; slug: string }>>`
          SELECT id::text, slug FROM workspaces WHERE slug = ANY(${slugs}::text[]) FOR KEY SHARE`;
        workspaces = new Map(found.map((w) => [w.slug, w.id]));
        return workspaces;
      });
      const errors = rows.flatMap((r) => (r.error ? [{ row: r.row, email: r.email, error: r.error }] : []));
      if (errors.length > 0) return { users_created: 0, memberships_added: 0, errors };
      const names = new Map<string, string>();
      for (const r of rows) if (!names.has(r.email)) names.set(r.email, r.name);
      const created = await tx.user.createManyAndReturn({
        data: [...names].map(([email, name]) => ({ email, name })),
        skipDuplicates: true,
        select: { id: true, email: true },
      });
      const users = await tx.$queryRaw<Array<{ id: string; email: string }>>`
        SELECT id::text, email FROM users WHERE email = ANY(${[...names.keys()]}::text[]) FOR KEY SHARE`;
      const userIds = new Map(users.map((u) => [u.email, u.id]));
      const memberships = rows.flatMap((r) => {
        const workspaceId = workspaces.get(r.workspace_slug);
        const userId = userIds.get(r.email);
        return workspaceId && userId ? [{ workspaceId, userId, role: r.role }] : [];
      });
      const added = await tx.workspaceMembership.createManyAndReturn({
        data: memberships,
        skipDuplicates: true,
        select: { workspaceId: true, userId: true, role: true },
      });
      // Each user and membership the import made is logged as the single routes log it, so the
      // log filtered by workspace or user shows them; the summary entry ties them to the import.
      await recordActivities(tx, [
        ...created.map((u) => ({ action: 'user_created', actorId: adminId, targetType: 'user', targetId: u.id, detail: { email: u.email, via: 'csv_import' } })),
        ...added.map((m) => ({
          action: 'member_added',
          actorId: adminId,
          targetType: 'user',
          targetId: m.userId,
          workspaceId: m.workspaceId,
          detail: { role: m.role, via: 'csv_import' },
        })),
      ]);
      await recordActivity(tx, {
        action: 'csv_import_executed',
        actorId: adminId,
        targetType: 'user',
        detail: { rows: rows.length, users_created: created.length, memberships_added: added.length, workspaces: [...workspaces.keys()] },
      });
      return { users_created: created.length, memberships_added: added.length, errors: [] };
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

