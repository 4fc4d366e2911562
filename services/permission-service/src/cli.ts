/** What the operator CLI (`pnpm sentinel`) uses of permission-service: its one entry point for scripts. */
export { loadConfig } from './config';
