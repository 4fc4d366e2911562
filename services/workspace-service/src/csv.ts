/**
 * CSV as the admin exports write it and the import reads it (RFC 4180: comma, CRLF, double
 * quotes). Every written cell that a spreadsheet would take for a formula is neutralised.
 */

export type CsvValue = string | number | boolean | Date | null | undefined;

/** Characters that make Excel, LibreOffice or Sheets evaluate a cell (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: formulas neutralised with a leading `'`, quoted when it holds `,`, `"` or a line break. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: the header line, then one line per row, each ending in CRLF. */
export function toCsv<K extends string>(columns: readonly K[], rows: ReadonlyArray<Record<K, CsvValue>>): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export class CsvSyntaxError extends Error {}

/**
 * Parses CSV text into records of fields. Quoted fields may hold commas, doubled quotes and line
 * breaks; lines end in LF or CRLF; blank lines are skipped. An unterminated quote is an error.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  const endField = () => {
    record.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    if (record.length > 1 || record[0] !== '') records.push(record);
    record = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else quoted = false;
    } else if (ch === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n') endRecord();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endRecord();
      i += 1;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvSyntaxError('Unterminated quoted field');
  if (field !== '' || record.length > 0) endRecord();
  return records;
}
