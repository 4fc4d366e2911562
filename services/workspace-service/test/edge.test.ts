import { describeServiceEdge } from '@sentinel/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

describeServiceEdge({ name: 'workspace-service', loadConfig, createApp, businessRoute: { method: 'get', path: '/users/me' } });
