import { runService } from '@sentinel/runtime';
import { createApp } from './app';
import { loadConfig } from './config';
import { createUpstreamProxies } from './proxy';

runService({
  name: 'gateway',
  loadConfig,
  createApp: (deps) => createApp({ ...deps, proxies: createUpstreamProxies(deps.config, deps.logger) }),
});
