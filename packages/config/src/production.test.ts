import { z } from 'zod';
import { baseEnvSchema, ConfigError, parseConfig, parseEnvFile, secretProblem } from './index';

const strong = 'a3f1c9e07b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e';

describe('parseConfig', () => {
  it('when development values are missing, then defaults apply and the result is frozen', () => {
    const config = parseConfig(baseEnvSchema, { INTERNAL_SECRET: 'x' });
    expect(config.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/sentinel');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379/0');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when production has default, weak or missing secrets, then it lists every problem', () => {
    const schema = baseEnvSchema.extend({ SESSION_SECRET_KEY: z.string().optional() });
    const env = {
      NODE_ENV: 'production',
      INTERNAL_SECRET: 'short',
      SESSION_SECRET_KEY: 'dev-only-change-me-in-production',
      ALLOWED_HOSTS: 'api.example.com,*',
      DEV_LOGIN: 'true',
    };
    let error: unknown;
    try {
      parseConfig(schema, env, {
        secrets: { INTERNAL_SECRET: 'text', SESSION_SECRET_KEY: 'text', ENCRYPTION_KEY: 'hex32' },
        checks: [(e) => (e.DEV_LOGIN === 'true' ? 'DEV_LOGIN is refused in production' : undefined)],
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'COOKIE_SECURE must be true in production',
      'ALLOWED_HOSTS must not be a wildcard in production',
      'INTERNAL_SECRET is shorter than 32 characters',
      'SESSION_SECRET_KEY is a known default value',
      'ENCRYPTION_KEY is not set',
      'DEV_LOGIN is refused in production',
    ]);
  });

  it('when production secrets are strong, then it starts', () => {
    const config = parseConfig(baseEnvSchema, { NODE_ENV: 'production', INTERNAL_SECRET: strong, COOKIE_SECURE: 'true' }, {
      secrets: { INTERNAL_SECRET: 'hex32' },
    });
    expect(config.NODE_ENV).toBe('production');
  });

  it('when a value has the wrong shape, then the key is named', () => {
    expect(() => parseConfig(baseEnvSchema, { INTERNAL_SECRET: 'x', DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});

describe('secretProblem', () => {
  it('when a secret is long but repetitive, then it is weak', () => {
    expect(secretProblem('K', 'a'.repeat(64), 'text')).toMatch(/repetitive/);
    expect(secretProblem('K', 'ab'.repeat(32), 'hex32')).toMatch(/repetitive/);
  });
});

describe('parseEnvFile', () => {
  it('when the file has comments and quotes, then it reads the values', () => {
    expect(parseEnvFile('# c\nA=1\nB="two words"\n\nC = x=y\n')).toEqual({ A: '1', B: 'two words', C: 'x=y' });
  });
});
