export * from './errors';
export { errorHandler, notFoundHandler } from './error-handler';
export { createHealthRouter } from './health';
export type { ReadinessCheck } from './health';
export * from './identity';
export { createLogger, requestIdOf, requestLogger, REQUEST_ID_HEADER } from './logging';
export type { Logger } from './logging';
export { answerClientError, closeOnSignals, serve } from './server';
export type { RunningServer, ServeOptions } from './server';
export { createServiceApp } from './service-app';
export type { ServiceAppOptions } from './service-app';
export { parseInput } from './validate';
export { formBody, jsonBody } from './body';
export { securityHeaders } from './security-headers';
export {
  assertWellFormedText,
  findIllFormedText,
  ILL_FORMED_TEXT_MESSAGE,
  illFormedTextError,
  isWellFormedText,
  wellFormedUrl,
} from './text';
export type { InputLocation } from './validate';
export { respond } from './respond';
export { createServiceClient } from './client';
export type { ServiceCall, ServiceClient, ServiceClientOptions } from './client';
