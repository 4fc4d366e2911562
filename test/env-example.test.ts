import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_SECRET_NAMES, parseEnvFile } from '@sentinel/config';
import { PROJECT_ROOT } from '@sentinel/testing';
import { configSchema as auth } from '@sentinel/auth-service/config';
import { gatewayEnvSchema as gateway } from '@sentinel/gateway/config';
import { configSchema as permission } from '@sentinel/permission-service/config';
import { configSchema as token } from '@sentinel/token-service/config';
import { configSchema as workspace } from '@sentinel/workspace-service/config';

describe('.env.example', () => {
  const documented = Object.keys(parseEnvFile(readFileSync(join(PROJECT_ROOT, '.env.example'), 'utf8')));
  const read = new Set([auth, gateway, permission, token, workspace].flatMap((schema) => Object.keys(schema.shape)));

  it('when a process reads a variable, then .env.example documents it', () => {
    expect([...read].filter((name) => !documented.includes(name))).toEqual([]);
  });

  it('when .env.example documents a variable, then some process reads it (or it is a generated secret)', () => {
    const known = new Set<string>([...read, ...DEV_SECRET_NAMES]);
    expect(documented.filter((name) => !known.has(name))).toEqual([]);
  });
});
