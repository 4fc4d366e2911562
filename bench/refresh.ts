/**
 * Refresh rotation over HTTP, through the real gateway to the real token-service, each refresh
 * consuming its token (closed loop, 32 workers), next to raw RS256 signatures per second.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { closedLoop, opsPerSecond, type Measurement } from './harness';
import { startBenchSystem } from './system';

const WORKERS = 32;

export async function refreshBench(): Promise<Measurement[]> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const payload = Buffer.from('x'.repeat(300));
  const rawSign = opsPerSecond('raw RS256-2048 signatures (one thread)', () => sign('sha256', payload, privateKey));

  const system = await startBenchSystem();
  try {
    const tokens: string[] = [];
    for (let i = 0; i < WORKERS; i += 1) tokens.push((await system.issue()).refresh_token);
    const rotations = await closedLoop('refresh rotation via gateway (32 workers)', WORKERS, async (worker) => {
      const res = await fetch(`${system.gatewayUrl}/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: tokens[worker] }),
      });
      if (res.status !== 200) return false;
      tokens[worker] = ((await res.json()) as { refresh_token: string }).refresh_token;
      return true;
    });
    return [rawSign, rotations];
  } finally {
    await system.close();
  }
}
