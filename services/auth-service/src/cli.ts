/** What the operator CLI (`pnpm sentinel`) uses of auth-service: its one entry point for scripts. */
export { loadConfig } from './config';
export { createClientAppFromCli, parseClientAppArgs } from './client-apps/cli';
