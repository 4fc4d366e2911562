/**
 * A bounded map (least recently used out first) whose entries are tagged with the workspace
 * access revision they were loaded at. `get` only returns an entry whose tag equals the revision
 * the caller has just read from the database, so an entry from before a bump is never used.
 *
 * This is only safe together with the caller's side of the contract (checks.ts): the revision is
 * read on every request, before the facts are loaded, and every change that can alter the cached
 * facts bumps it in its own transaction.
 */
export interface RevisionCache<T> {
  get(key: string, revision: bigint): T | undefined;
  set(key: string, revision: bigint, value: T): void;
  readonly size: number;
}

/** `capacity` 0 disables the cache: nothing is stored, every request loads its facts. */
export function createRevisionCache<T>(capacity: number): RevisionCache<T> {
  const entries = new Map<string, { revision: bigint; value: T }>();
  return {
    get(key, revision) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.revision !== revision) {
        // Older (or, after a racing load, newer) than what this request read: never usable here.
        if (entry.revision < revision) entries.delete(key);
        return undefined;
      }
      // Map iteration follows insertion order: re-inserting marks the entry most recently used.
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, revision, value) {
      if (capacity === 0) return;
      const existing = entries.get(key);
      // A slower request that read an older revision must not replace a fresher entry.
      if (existing && existing.revision > revision) return;
      entries.delete(key);
      entries.set(key, { revision, value });
      if (entries.size > capacity) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
