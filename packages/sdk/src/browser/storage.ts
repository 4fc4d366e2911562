/**
 * Where the login client keeps the PKCE verifier and the tokens. `window.sessionStorage` and
 * `localStorage` fit as they are; async stores (IndexedDB wrappers, a server session) may return
 * promises.
 */
export interface TokenStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** The default: lost on reload, invisible to other scripts' storage reads. */
export class MemoryStorage implements TokenStorage {
  readonly #items = new Map<string, string>();

  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }

  removeItem(key: string): void {
    this.#items.delete(key);
  }
}
