import type { RequestListener } from 'node:http';
import type { BaseEnv, Env } from '@sentinel/config';
import type { ServiceDeps } from '@sentinel/runtime';
import { createTestContext, type TestContext } from './context';

export interface ServiceTest<C extends BaseEnv, A extends RequestListener> {
  /** The app built over this file's own database and Redis prefix (after beforeAll). */
  readonly app: A;
  readonly ctx: TestContext<C>;
}

/**
 * Registers beforeAll/afterAll for a test file that drives one service's app: a fresh context
 * (database, Redis prefix, config from `env`) and the app built on it, closed after the file.
 */
export function useServiceApp<C extends BaseEnv, A extends RequestListener>(
  loadConfig: (env: Env) => C,
  createApp: (deps: ServiceDeps<C>) => A,
  env: Record<string, string> = {},
): ServiceTest<C, A> {
  let ctx: TestContext<C> | undefined;
  let app: A | undefined;
  beforeAll(async () => {
    ctx = await createTestContext(loadConfig, env);
    app = createApp(ctx.deps);
  });
  afterAll(async () => {
    await ctx?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useServiceApp: used before beforeAll ran');
    return value;
  };
  return {
    get app() {
      return ready(app);
    },
    get ctx() {
      return ready(ctx);
    },
  };
}
