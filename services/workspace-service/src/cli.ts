/** What the operator CLI (`pnpm sentinel`) uses of workspace-service: its one entry point for scripts. */
export { loadConfig } from './config';
export { verifyChainFromCli } from './activity/cli';
