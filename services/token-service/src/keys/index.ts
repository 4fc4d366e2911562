export { createKeyStore } from './store';
export type { KeyStore, SigningKey } from './store';
export { createKeyRotation, KEY_CACHE_TTL_MS, publishAheadMs, publishWindowMs, refusalNotice } from './rotation';
export type { KeyRotation, RotationResult } from './rotation';
export { jwkThumbprint, privateKeyAad } from './material';
