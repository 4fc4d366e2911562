export { randomToken, safeEqual, sha256Hex } from './hash';
export {
  aadFor,
  createKeyRing,
  encryptionKeyId,
  ENVELOPE_ALG,
  ENVELOPE_VERSION,
  EnvelopeError,
  envelopeKid,
} from './envelope';
export type { KeyRing, KeyRingKeys } from './envelope';
