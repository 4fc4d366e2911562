import { serviceApp, type ServiceDeps } from '@sentinel/runtime';
import type { Express } from 'express';
import type { Config } from './config';

export type AppDeps = ServiceDeps<Config>;

export function createApp(deps: AppDeps): Express {
  return serviceApp(deps, []);
}
