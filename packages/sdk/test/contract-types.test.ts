/**
 * The SDK writes its wire types out by hand (so the published types need no zod); this file fails
 * to type-check if they drift from the schemas the services answer with. jest strips types, so
 * the first test runs tsc over the package: `pnpm test` alone catches a drift.
 */
import type * as contracts from '@sentinel/contracts';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VERSION, type AccessiblePage, type LoginWorkspace, type PermissionResult, type ResourcePermission, type ServiceAction, type TokenPair } from '../src';

type Output<Schema extends { _zod: { output: unknown } }> = Schema['_zod']['output'];
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const same: [
  Equal<ResourcePermission, Output<typeof contracts.resourcePermissionSchema>>,
  Equal<PermissionResult[], Output<typeof contracts.checkPermissionsResponseSchema>['results']>,
  Equal<AccessiblePage, Output<typeof contracts.accessibleResponseSchema>>,
  Equal<ServiceAction, Output<typeof contracts.serviceActionSchema>>,
  Equal<LoginWorkspace, Output<typeof contracts.loginWorkspaceSchema>>,
  Equal<TokenPair, Output<typeof contracts.tokenPairSchema>>,
] = [true, true, true, true, true, true];

describe('SDK types', () => {
  it('when compared with the contracts, then they are the same (tsc over the package passes)', async () => {
    expect(same.every(Boolean)).toBe(true);
    const tsc = require.resolve('typescript/bin/tsc');
    const run = promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', join(__dirname, '..', 'tsconfig.json')]);
    await expect(run).resolves.toBeDefined();
  }, 60_000);

  it('when the package is versioned, then VERSION is the version in package.json', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(manifest.version);
  });
});
