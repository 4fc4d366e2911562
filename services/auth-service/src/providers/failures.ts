import type { Logger } from '@sentinel/http';
import { LoginError } from '../login/errors';

const shorten = (value: unknown) => (typeof value === 'string' && value !== '' ? value.slice(0, 300) : 'no detail');

/**
 * What a failure says about itself: its class and message, shortened, never its other fields.
 * Must not throw: it runs inside strategies' callbacks (passport-oauth2's TokenError may even
 * have an undefined message).
 */
function describe(failure: unknown): { error: string; message: string } {
  if (failure instanceof Error) {
    const error = typeof failure.constructor?.name === 'string' && failure.constructor.name !== '' ? failure.constructor.name : 'Error';
    const code = (failure as { code?: unknown }).code;
    // passport-oauth2's TokenError: the provider's OAuth error code (invalid_grant, …) when no message.
    return { error, message: shorten(failure.message || (typeof code === 'string' ? code : undefined)) };
  }
  if (typeof failure === 'string') return { error: 'Failure', message: shorten(failure) };
  if (typeof failure === 'object' && failure !== null) return { error: 'Failure', message: shorten((failure as { message?: unknown }).message) };
  return { error: 'Failure', message: 'no detail' };
}

/**
 * A provider did not complete a sign-in (its token endpoint refused the code, its answer did not
 * verify, it was unreachable, …): logged at warn with the provider's name and the failure's class
 * and message only. Tokens, codes and whole error objects (passport's InternalOAuthError carries
 * the provider's response body) are never logged. Our own LoginErrors (bad state, …) are the
 * browser's doing and are not logged here.
 */
export function logProviderFailure(logger: Logger, provider: string, stage: 'start' | 'callback', failure: unknown): void {
  if (failure instanceof LoginError) return;
  logger.warn({ provider, stage, ...describe(failure) }, 'identity provider sign-in failed');
}
