/** `%`, `_` and `\` in a search term match themselves (use with `LIKE … ESCAPE '\'`). */
export const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A `%…%` pattern matching `search` literally, or null for no filter (blank or absent). */
export function containsPattern(search: string | undefined): string | null {
  const q = search?.trim();
  return q ? `%${escapeLike(q)}%` : null;
}
