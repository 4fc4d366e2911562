import { randomUUID } from 'node:crypto';

export interface Note {
  id: string;
  workspace_id: string;
  owner_id: string;
  title: string;
  body: string;
  created_at: string;
  updated_at: string;
}

/**
 * The notes themselves, in memory: this is an example, and everything about who may see what
 * lives in Sentinel, not here. A real service would keep them in its own database.
 */
export class NoteStore {
  readonly #notes = new Map<string, Note>();

  /** A new note's id, to register with Sentinel before the note is stored. */
  newId(): string {
    return randomUUID();
  }

  add(note: Omit<Note, 'created_at' | 'updated_at'>): Note {
    const now = new Date().toISOString();
    const stored = { ...note, created_at: now, updated_at: now };
    this.#notes.set(note.id, stored);
    return stored;
  }

  get(id: string): Note | undefined {
    return this.#notes.get(id);
  }

  update(id: string, changes: { title?: string | undefined; body?: string | undefined }): Note | undefined {
    const note = this.#notes.get(id);
    if (!note) return undefined;
    const updated = { ...note, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)), updated_at: new Date().toISOString() };
    this.#notes.set(id, updated);
    return updated;
  }

  delete(id: string): void {
    this.#notes.delete(id);
  }

  /** The workspace's notes, newest first; `ids` narrows them to those. */
  list(workspaceId: string, ids?: ReadonlySet<string>): Note[] {
    return [...this.#notes.values()]
      .filter((n) => n.workspace_id === workspaceId && (!ids || ids.has(n.id)))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
  }
}
