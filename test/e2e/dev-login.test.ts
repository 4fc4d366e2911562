/** The whole-system helper of @sentinel/testing: a dev-form login through the gateway gives a working token. */
import { createClientApp, devLogin, startSystem, type RunningSystem } from '@sentinel/testing';

describe('startSystem and devLogin', () => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await startSystem();
  }, 90_000);
  afterAll(async () => {
    await system?.stop();
  }, 30_000);

  it('when a person signs in through the dev form, then their access token works at the gateway', async () => {
    const redirectUri = 'http://127.0.0.1:1/callback';
    await createClientApp(system, redirectUri);
    const tokens = await devLogin(system.gatewayUrl, { email: 'Ada@Example.com', name: 'Ada', redirectUri });
    const me = await fetch(`${system.gatewayUrl}/auth/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: 'ada@example.com', workspace_id: tokens.workspace_id, workspace_role: 'owner' });
  });
});
