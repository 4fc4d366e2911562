-- A signing key may now be published before it signs: activated_at becomes activates_at (when
-- it starts signing, possibly in the future). Prisma's diff would drop and re-add the column,
-- resetting every key's time; a rename keeps them (same type, default and index).
ALTER TABLE "signing_keys" RENAME COLUMN "activated_at" TO "activates_at";

ALTER INDEX "signing_keys_activated_at_idx" RENAME TO "signing_keys_activates_at_idx";
