/**
 * Polls `check` until it holds or `timeoutMs` has passed: true when it held. Tests wait for a
 * condition with a generous bound this way instead of sleeping for a guessed time.
 */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}
