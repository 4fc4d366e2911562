import { createTokenVerifier, PermissionClient, requireUser, SentinelError } from '@sentinel/sdk';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { NoteStore } from './notes';

/** Each note is a Sentinel resource of this service: service_name "notes", resource_type "note". */
const TYPE = 'note';

const createSchema = z.object({
  title: z.string().trim().min(1).max(200),
  body: z.string().max(10_000).default(''),
  visibility: z.enum(['private', 'workspace']).default('private'),
});
const updateSchema = z.object({ title: z.string().trim().min(1).max(200).optional(), body: z.string().max(10_000).optional() });
const shareSchema = z.object({
  grantee_type: z.enum(['user', 'group']),
  grantee_id: z.uuid(),
  permission: z.enum(['view', 'edit']).default('view'),
});
const idSchema = z.object({ id: z.uuid() });

class InvalidInput extends Error {
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super('Invalid input');
  }
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new InvalidInput(result.error.issues);
  return result.data;
}

/** req.user after requireUser (the middleware has answered 401 otherwise). */
function userOf(req: Request) {
  if (!req.user) throw new SentinelError(401, 'Not authenticated');
  return req.user;
}

export interface NotesAppOptions {
  sentinelUrl: string;
  serviceKey: string;
  store?: NoteStore;
}

/** The team-notes service: every route needs a Sentinel user; every note access is checked by Sentinel. */
export function createNotesApp(options: NotesAppOptions): express.Express {
  const sentinel = { baseUrl: options.sentinelUrl, serviceName: 'notes', serviceKey: options.serviceKey };
  // checkRevocation: a logged-out or removed user is refused at once, not when their token expires.
  const verifier = createTokenVerifier({ ...sentinel, checkRevocation: true });
  const permissions = new PermissionClient(sentinel);
  const store = options.store ?? new NoteStore();

  /** The note, if it exists in the user's workspace and Sentinel allows `action` on it; else 404 or 403. */
  async function authorizedNote(req: Request, action: 'view' | 'edit') {
    const user = userOf(req);
    const { id } = parse(idSchema, req.params);
    const note = store.get(id);
    if (!note || note.workspace_id !== user.workspace_id) throw new SentinelError(404, 'Note not found');
    if (!(await permissions.can(user.token, TYPE, id, action))) throw new SentinelError(403, `You may not ${action} this note`);
    return { user, note };
  }

  const app = express();
  app.use(express.json({ limit: '64kb' }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/notes', requireUser(verifier));

  app.post('/notes', async (req, res) => {
    const user = userOf(req);
    const input = parse(createSchema, req.body);
    const id = store.newId();
    // Registered first: a note Sentinel does not know would be reachable by no one.
    await permissions.registerResource({ resource_type: TYPE, resource_id: id, workspace_id: user.workspace_id, owner_id: user.user_id, visibility: input.visibility });
    res.status(201).json(store.add({ id, workspace_id: user.workspace_id, owner_id: user.user_id, title: input.title, body: input.body }));
  });

  app.get('/notes', async (req, res) => {
    const user = userOf(req);
    const { resource_ids, has_full_access } = await permissions.accessible(user.token, TYPE, 'view', user.workspace_id);
    res.json(store.list(user.workspace_id, has_full_access ? undefined : new Set(resource_ids)));
  });

  app.get('/notes/:id', async (req, res) => {
    const { note } = await authorizedNote(req, 'view');
    res.json(note);
  });

  app.patch('/notes/:id', async (req, res) => {
    const changes = parse(updateSchema, req.body);
    const { note } = await authorizedNote(req, 'edit');
    res.json(store.update(note.id, changes));
  });

  // Sentinel itself allows only the note's owner or a workspace admin to share.
  app.post('/notes/:id/share', async (req, res) => {
    const share = parse(shareSchema, req.body);
    const { user, note } = await authorizedNote(req, 'view');
    await permissions.share(user.token, TYPE, note.id, share);
    res.status(201).json({ status: 'ok' });
  });

  app.delete('/notes/:id', async (req, res) => {
    const { note } = await authorizedNote(req, 'edit');
    await permissions.deregisterResource(TYPE, note.id);
    store.delete(note.id);
    res.status(204).end();
  });

  // Express needs all four parameters to see an error handler.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown } | null)?.status;
    if (err instanceof InvalidInput) {
      res.status(422).json({ detail: 'Invalid input', errors: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    } else if (err instanceof SentinelError) {
      res.status(err.status).json({ detail: err.detail });
    } else if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser's errors (malformed JSON, too large) carry a status and a safe message.
      res.status(status).json({ detail: (err as Error).message });
    } else {
      process.stderr.write(`notes-service: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      res.status(500).json({ detail: 'Internal error' });
    }
  });
  return app;
}
