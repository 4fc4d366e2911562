import { runService } from '@sentinel/runtime';
import { createApp } from './app';
import { loadConfig } from './config';
import { startDenylistRebuild } from './jobs/denylist';
import { startKeyRotation } from './jobs/key-rotation';
import { startReencryption } from './jobs/reencrypt';

runService({
  name: 'token-service',
  loadConfig,
  createApp,
  background: (deps) => {
    startReencryption(deps);
    startDenylistRebuild(deps);
    startKeyRotation(deps);
  },
});
