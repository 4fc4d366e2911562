/** What the operator CLI (`pnpm sentinel`) uses of token-service: its one entry point for scripts. */
export { loadConfig } from './config';
export { createServiceAppFromCli } from './service-apps/cli';
export { rotateKeyFromCli } from './keys/cli';
export { refusalNotice } from './keys/rotation';
