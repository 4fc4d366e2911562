import { ConfigError } from '@sentinel/config';
import { accountLinkingOf, loadConfig } from './config';

const base = {
  INTERNAL_SECRET: 'x',
  SESSION_SECRET_KEY: 'y',
  ENCRYPTION_KEY: '3f7a1c9e5b2d4f6a8c0e1b3d5f7a9c1e2b4d6f8a0c1e3b5d7f9a1c3e5b7d9f1a',
};
const strong = {
  NODE_ENV: 'production',
  COOKIE_SECURE: 'true',
  INTERNAL_SECRET: 'a3f1c9e07b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e',
  SESSION_SECRET_KEY: 'b4e2d0f18c3e5d7f9a1b2c4d6e8f0a2b3c5d7e9f1a2b4c6d8e0f2a4b6c8d0e2f',
  ENCRYPTION_KEY: 'c5f3e1a29d4f6e8a0b2c3d5e7f9a1b3c4d6e8f0a2b3c5d7e9f1a3b5c7d9e1f3a',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('auth-service configuration', () => {
  it('when NODE_ENV=production and DEV_LOGIN=true, then it refuses to start', () => {
    expect(problems({ ...strong, DEV_LOGIN: 'true' })).toContain('DEV_LOGIN is refused in production');
    expect(problems(strong)).toEqual([]);
  });

  it('when generic OIDC providers are listed, then each is read from its own variables', () => {
    const config = loadConfig({
      ...base,
      OIDC_PROVIDERS: 'corp, Partner',
      OIDC_CORP_ISSUER: 'https://id.corp.example',
      OIDC_CORP_CLIENT_ID: 'c',
      OIDC_CORP_CLIENT_SECRET: 's',
      OIDC_PARTNER_ISSUER: 'http://127.0.0.1:8080/realms/p',
      OIDC_PARTNER_CLIENT_ID: 'c2',
      OIDC_PARTNER_CLIENT_SECRET: 's2',
    });
    expect(config.OIDC.map((p) => p.name)).toEqual(['corp', 'partner']);
  });

  it('when an issuer is http on a non-loopback host or a variable is missing, then every problem is named', () => {
    expect(
      problems({ ...base, OIDC_PROVIDERS: 'corp,google,x-y', OIDC_CORP_ISSUER: 'http://id.corp.example', OIDC_CORP_CLIENT_ID: 'c' }),
    ).toEqual([
      'OIDC_CORP_CLIENT_SECRET: is not set (corp is listed in OIDC_PROVIDERS)',
      'OIDC_CORP_ISSUER: must be https (http only on loopback addresses)',
      'OIDC_PROVIDERS: "google" is not a valid provider name (a-z, 0-9, _; not a built-in provider)',
      'OIDC_PROVIDERS: "x-y" is not a valid provider name (a-z, 0-9, _; not a built-in provider)',
    ]);
    expect(problems({ ...base, GITHUB_API_URL: 'http://github.example.com/api/v3' })).toEqual([
      'GITHUB_API_URL: must be https (http only on loopback addresses)',
    ]);
  });

  it('when Entra ID is configured, then its authority is https, its tenant a single one and BASE_URL https off loopback', () => {
    const entra = { ...base, ENTRA_CLIENT_ID: 'c', ENTRA_CLIENT_SECRET: 's', ENTRA_TENANT_ID: 'contoso.onmicrosoft.com' };
    expect(problems({ ...entra, ENTRA_AUTHORITY: 'https://login.microsoftonline.us', BASE_URL: 'http://127.0.0.1:9003' })).toEqual([]);
    expect(problems({ ...entra, ENTRA_AUTHORITY: 'http://127.0.0.1:8443', ENTRA_TENANT_ID: 'organizations', BASE_URL: 'http://sso.example.com' })).toEqual([
      'ENTRA_AUTHORITY: must be https (passport-azure-ad refuses http, even on loopback)',
      'ENTRA_TENANT_ID: must name one tenant (its id or domain), not a multi-tenant endpoint',
      'BASE_URL: must be https when Entra ID is enabled (http only on loopback addresses)',
    ]);
    // Not enabled (no secret): an http BASE_URL is none of Entra's business.
    expect(problems({ ...base, ENTRA_CLIENT_ID: 'c', ENTRA_TENANT_ID: 'common', BASE_URL: 'http://sso.example.com' })).toEqual([]);
  });

  it('when no linking policy is set, then google, github and dev trust, OIDC issuers reauthenticate and Entra never links', () => {
    const config = loadConfig({ ...base, OIDC_PROVIDERS: 'corp', OIDC_CORP_ISSUER: 'https://id.corp.example', OIDC_CORP_CLIENT_ID: 'c', OIDC_CORP_CLIENT_SECRET: 's' });
    expect(['google', 'github', 'dev', 'corp', 'entra_id', 'unknown'].map((p) => accountLinkingOf(config, p))).toEqual([
      'trusted',
      'trusted',
      'trusted',
      'reauthenticate',
      'never',
      'never',
    ]);
  });

  it('when linking policies are set, then each provider gets its own, and a wrong value is named at start-up', () => {
    const corp = { OIDC_PROVIDERS: 'corp', OIDC_CORP_ISSUER: 'https://id.corp.example', OIDC_CORP_CLIENT_ID: 'c', OIDC_CORP_CLIENT_SECRET: 's' };
    const config = loadConfig({
      ...base,
      ...corp,
      GOOGLE_ACCOUNT_LINKING: 'never',
      GITHUB_ACCOUNT_LINKING: ' Reauthenticate ',
      ENTRA_ACCOUNT_LINKING: 'reauthenticate',
      DEV_ACCOUNT_LINKING: 'never',
      OIDC_CORP_ACCOUNT_LINKING: 'trusted',
    });
    expect(['google', 'github', 'entra_id', 'dev', 'corp'].map((p) => accountLinkingOf(config, p))).toEqual([
      'never',
      'reauthenticate',
      'reauthenticate',
      'never',
      'trusted',
    ]);
    expect(problems({ ...base, ...corp, GOOGLE_ACCOUNT_LINKING: 'yes' })).toEqual([
      'GOOGLE_ACCOUNT_LINKING: must be one of trusted, reauthenticate, never',
    ]);
    expect(problems({ ...base, ...corp, OIDC_CORP_ACCOUNT_LINKING: 'always' })).toEqual([
      'OIDC_CORP_ACCOUNT_LINKING: must be one of trusted, reauthenticate, never',
    ]);
    expect(problems({ ...base, ACCOUNT_LINK_TTL_SECONDS: '0' })).toEqual([expect.stringMatching(/^ACCOUNT_LINK_TTL_SECONDS: /)]);
  });

  it('when ENCRYPTION_KEY is missing or malformed, then it refuses to start', () => {
    expect(problems({ ...base, ENCRYPTION_KEY: 'abc' })).toEqual(['ENCRYPTION_KEY: must be 32 bytes as 64 hex digits']);
  });
});
