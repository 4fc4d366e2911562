import { z } from 'zod';

/**
 * Why a chain link is broken: `seq_gap` (a chain row missing or out of sequence),
 * `prev_hash_mismatch` (a row not linked to the previous row's hash), `entry_missing` (a chain row
 * whose entry is gone), `entry_modified` (the entry no longer hashes to its chain row, which the
 * next row still links to), `chain_row_modified` (the row's hash no longer matches its entry nor
 * the next row's link), `hash_mismatch` (the last row: entry or row changed, cannot tell which).
 */
export const activityChainBreakReasonSchema = z.enum([
  'seq_gap',
  'prev_hash_mismatch',
  'entry_missing',
  'entry_modified',
  'chain_row_modified',
  'hash_mismatch',
]);
export type ActivityChainBreakReason = z.infer<typeof activityChainBreakReasonSchema>;

const counts = {
  /** Chain rows verified intact (before the first broken link, if any). */
  checked: z.number().int().nonnegative(),
  /** Entries the sequencer has not chained yet (committed since its last pass); not a break. */
  unchained: z.number().int().nonnegative(),
};

/** GET /admin/activity/verify (+): the hash chain over the activity log, and its first broken link. */
export const activityChainVerificationSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), ...counts }),
  z.object({
    ok: z.literal(false),
    ...counts,
    broken_at: z.object({ seq: z.number().int(), entry_id: z.string(), reason: activityChainBreakReasonSchema }),
  }),
]);
export type ActivityChainVerification = z.infer<typeof activityChainVerificationSchema>;
