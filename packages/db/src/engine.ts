import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import type * as EngineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

export type { SchemaEngine } from '@prisma/schema-engine-wasm';

type EngineBindings = typeof EngineGlue;
type WasmImports = Record<string, unknown>;
type WasmExports = Record<string, unknown> & { __wbindgen_start: () => void };
/** The part of the WebAssembly API used here (lib ES2023 declares none of it). */
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, WasmImports>): Promise<{ instance: { exports: WasmExports } }>;
};

const BINDINGS = '@prisma/schema-engine-wasm/schema_engine_bg';

let bindingsPromise: Promise<EngineBindings> | undefined;

/**
 * The wasm-bindgen glue of Prisma's schema engine, instantiated once per process on first use
 * (the glue module keeps the wasm instance in module state, so there can be only one).
 *
 * The package's main entry imports the `.wasm` file as an ES module, which needs
 * `--experimental-wasm-modules`; instead we load the glue module, instantiate the `.wasm` next
 * to it ourselves and hand the instance to the glue, as that entry would.
 */
export function loadSchemaEngine(): Promise<EngineBindings> {
  bindingsPromise ??= instantiate().catch((error: unknown) => {
    bindingsPromise = undefined;
    throw error;
  });
  return bindingsPromise;
}

async function instantiate(): Promise<EngineBindings> {
  const bindings: EngineBindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const wasmPath = path.join(path.dirname(require.resolve(BINDINGS)), 'schema_engine_bg.wasm');
  const bytes = await readFile(wasmPath);
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': withUnrefTimers(bindings) });
  bindings.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return bindings;
}

/**
 * The glue's imports, except that the engine's timers (its connection pool's idle and timeout
 * timers, ~10 s) do not keep the process alive: without this a CLI run lingers after it is done.
 * While the engine works, its database sockets keep the process alive anyway.
 */
function withUnrefTimers(bindings: EngineBindings): WasmImports {
  const imports: WasmImports = { ...bindings };
  for (const name of Object.keys(imports)) {
    if (name.startsWith('__wbg_setTimeout_')) {
      imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
  }
  return imports;
}

/**
 * PrismaPg's executeScript splits a migration on every `;` and runs the pieces one by one: that
 * breaks dollar-quoted bodies (our trigger functions) and leaves a half-applied migration behind
 * when a statement fails. Here a script goes to Postgres whole, as one simple-protocol query,
 * which Postgres runs as one implicit transaction (so a migration cannot use statements that
 * refuse a transaction block, such as CREATE INDEX CONCURRENTLY).
 */
class WholeScriptPg extends PrismaPg {
  constructor(private readonly pool: pg.Pool) {
    super(pool);
  }

  override async connect(): ReturnType<PrismaPg['connect']> {
    const adapter = await super.connect();
    adapter.executeScript = async (script: string) => {
      try {
        await this.pool.query(script);
      } catch (error) {
        (adapter as unknown as { onError(error: unknown): never }).onError(error);
      }
    };
    return adapter;
  }
}

export interface EngineOptions {
  /** The database the engine works on. It must exist: the engine connects even for a diff between datamodels. */
  connectionString: string;
  /** Prisma schema files the engine starts with, as [path, content] pairs. */
  datamodels?: [string, string][];
  /** Receives the engine's JSON log lines. */
  log?: (line: string) => void;
}

/**
 * Runs `fn` with a schema engine over node-postgres, then frees the engine and ends its pool
 * (the pool is ours, so its connections are closed even if the engine does not dispose them).
 */
export async function withSchemaEngine<T>(options: EngineOptions, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine: Engine } = await loadSchemaEngine();
  const log = options.log ?? (() => undefined);
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 4 });
  pool.on('error', () => undefined); // an idle client's error surfaces on the next query instead
  try {
    const adapter = bindMigrationAwareSqlAdapterFactory(new WholeScriptPg(pool));
    const engine = await Engine.new({ datamodels: options.datamodels }, (line: string) => log(line), adapter);
    try {
      return await fn(engine);
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}
