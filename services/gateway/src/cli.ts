/** What the operator CLI (`pnpm sentinel`) uses of the gateway: its one entry point for scripts. */
export { loadConfig } from './config';
