import { describeServiceEdge } from '@sentinel/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

describeServiceEdge({ name: 'token-service', loadConfig, createApp, businessRoute: { method: 'get', path: '/auth/me' } });
