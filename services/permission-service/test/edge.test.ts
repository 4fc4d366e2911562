import { describeServiceEdge } from '@sentinel/testing';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';

describeServiceEdge({ name: 'permission-service', loadConfig, createApp, businessRoute: { method: 'post', path: '/permissions/check' } });
