import { z } from 'zod';
import { workspaceRoleSchema } from './common';
import { displayNameSchema, emailSchema } from './workspaces';

/** Admin API: CSV import (0.7 contract §2.7 "CSV import and export"). */

/** The columns a CSV import must have, in its header, by these exact names. */
export const CSV_IMPORT_COLUMNS = ['email', 'name', 'workspace_slug', 'role'] as const;

/** One row as it must be: email lower-cased, name HTML-stripped. */
export const importRowSchema = z.object({
  email: emailSchema,
  name: displayNameSchema,
  workspace_slug: z.string().trim().min(1, 'must not be empty').max(100),
  role: z.string().trim().toLowerCase().pipe(workspaceRoleSchema),
});

/** A row as read from the file (values normalised when valid), with its problem if any. */
export const importPreviewRowSchema = z.object({
  email: z.string(),
  name: z.string(),
  workspace_slug: z.string(),
  role: z.string(),
  error: z.string().nullable(),
});

export const importPreviewSchema = z.object({
  rows: z.array(importPreviewRowSchema),
  valid_count: z.number().int().min(0),
  error_count: z.number().int().min(0),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

/** A refused row: `row` counts data rows from 1 (the header is not counted). */
export const importRowErrorSchema = z.object({ row: z.number().int().min(1), email: z.string(), error: z.string() });

/** POST /admin/import/csv/execute: with any row error nothing is applied and `errors` lists them. */
export const importResultSchema = z.object({
  users_created: z.number().int().min(0),
  memberships_added: z.number().int().min(0),
  errors: z.array(importRowErrorSchema),
});
export type ImportResult = z.infer<typeof importResultSchema>;
