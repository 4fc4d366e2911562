import type { Response } from 'express';

/**
 * Sends a CSV export as a download. Exports are bounded: X-Export-Total says how many rows
 * matched and X-Export-Truncated whether the file holds fewer.
 */
export function sendCsv(res: Response, filename: string, csv: string, counts: { total: number; truncated: boolean }): void {
  res.status(200);
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${filename}"`);
  res.setHeader('x-export-total', String(counts.total));
  res.setHeader('x-export-truncated', String(counts.truncated));
  res.send(csv);
}
