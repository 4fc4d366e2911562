/**
 * (c) `GET /auth/me` with a valid access token through the real gateway (tier check, RS256 with
 * a cached KeyObject, rate limit and denylist in one Redis round trip, identity forwarding) to
 * the real token-service, whose handler only echoes the forwarded identity.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { identityHeader } from '@sentinel/testing';
import { measure, type Measurement } from './harness';
import { startBenchSystem } from './system';

export const GATEWAY_ME = '(c) GET /auth/me: gateway (JWT, limits, denylist) -> token-service';
const DIRECT_ME = '    token-service GET /auth/me alone (the upstream of c)';

export async function gatewayBench(): Promise<Measurement[]> {
  const system = await startBenchSystem();
  try {
    const { access_token: token } = await system.issue();
    const url = `${system.gatewayUrl}/auth/me`;
    const headers = { authorization: `Bearer ${token}` };
    // The denylist mirror's marker is set by token-service's rebuild job at start; then warm up.
    for (let i = 0; i < 50; i += 1) {
      const warm = await fetch(url, { headers });
      if (warm.status !== 200) throw new Error(`GET /auth/me answered ${warm.status}: ${await warm.text()}`);
    }
    await sleep(200);
    const c = await measure(GATEWAY_ME, { url, headers });
    // What (c)'s upstream costs by itself: a full service (logging, trust boundary, schema), not (b)'s constant.
    const identity = (await (await fetch(url, { headers })).json()) as Record<string, unknown>;
    const direct = await measure(DIRECT_ME, {
      url: `${system.tokenServiceUrl}/auth/me`,
      headers: identityHeader(
        { user: { ...identity, token_id: 'bench', token_expires_at: Math.floor(Date.now() / 1000) + 900 } as never },
        system.secret,
      ),
    });
    return [c, direct];
  } finally {
    await system.close();
  }
}
