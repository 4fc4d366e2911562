import { runService } from '@sentinel/runtime';
import { createApp } from './app';
import { loadConfig } from './config';

runService({ name: 'token-service', loadConfig, createApp });
