// The browser entry, `@sentinel/sdk/browser`: Web APIs only (fetch, URL, crypto.subtle), no Node built-ins.
export { LoginClient } from './login';
export type { LoginClientOptions } from './login';
export { MemoryStorage } from './storage';
export type { TokenStorage } from './storage';
export { SentinelError } from '../errors';
export type { HttpOptions } from '../http';
export type { LoginWorkspace, TokenPair, WorkspaceRole } from '../types';
