import { describeServiceEdge } from '@sentinel/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

describeServiceEdge({ name: 'auth-service', loadConfig, createApp, businessRoute: { method: 'get', path: '/auth/workspaces?code=x' } });
