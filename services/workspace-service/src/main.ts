import { runService } from '@sentinel/runtime';
import { startActivitySequencer } from './activity/chain';
import { createApp } from './app';
import { loadConfig } from './config';

runService({ name: 'workspace-service', loadConfig, createApp, background: startActivitySequencer });
