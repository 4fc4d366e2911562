/**
 * Builds the panel when `dist` is missing or older than its sources (vite build takes seconds),
 * so that `pnpm start` always serves the current code. Several launchers may start at once (tests
 * run in parallel): each builds into its own folder and swaps it in with renames, so a server
 * never sees a half-written dist. Without sources (the production image) there is nothing to do.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUTS = ['src', 'index.html', 'vite.config.mts', 'package.json'];
const STAMP = '.build-stamp';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function isStale(panelDir: string): boolean {
  const stamp = join(panelDir, 'dist', STAMP);
  if (!existsSync(stamp)) return true;
  return Math.max(...INPUTS.map((input) => newestMtime(join(panelDir, input)))) > statSync(stamp).mtimeMs;
}

export async function ensureBuilt(panelDir: string, log: (message: string) => void): Promise<void> {
  if (!existsSync(join(panelDir, 'index.html')) || !isStale(panelDir)) return;
  const unique = `${process.pid}-${Date.now()}`;
  const outDir = join(panelDir, `dist.tmp-${unique}`);
  log('building the admin panel (vite build)');
  const vite = join(panelDir, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: panelDir,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  // Stopped mid-build (Ctrl-C, SIGTERM): take vite down too.
  const stop = () => child.kill();
  process.once('exit', stop);
  const [code] = (await once(child, 'exit')) as [number | null];
  process.off('exit', stop);
  if (code !== 0) {
    rmSync(outDir, { recursive: true, force: true });
    throw new Error(`vite build failed (exit ${code})`);
  }
  writeFileSync(join(outDir, STAMP), new Date().toISOString());
  const dist = join(panelDir, 'dist');
  const old = join(panelDir, `dist.old-${unique}`);
  try {
    renameSync(dist, old);
  } catch {
    // No dist yet, or another builder moved it first.
  }
  try {
    renameSync(outDir, dist);
  } catch {
    // Another builder's fresh dist landed first: it is as good as ours.
    rmSync(outDir, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}
