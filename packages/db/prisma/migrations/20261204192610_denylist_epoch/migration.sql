-- CreateTable
CREATE TABLE "denylist_epoch" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "value" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "denylist_epoch_pkey" PRIMARY KEY ("id")
);

-- By hand: the one row, so that every reader and writer finds it.
INSERT INTO "denylist_epoch" ("id", "value") VALUES (1, 0) ON CONFLICT DO NOTHING;
