import { serviceApp, type ServiceDeps } from '@sentinel/runtime';
import type { Express } from 'express';
import type { Config } from './config';
import { createMeRouter } from './http/me';

export type AppDeps = ServiceDeps<Config>;

export function createApp(deps: AppDeps): Express {
  return serviceApp(deps, [createMeRouter()]);
}
