export { createKeyStore, KEY_CACHE_TTL_MS, keysChangedChannel, publishWindowMs } from './store';
export type { KeyStore, SigningKey } from './store';
export { jwkThumbprint, privateKeyAad } from './material';
