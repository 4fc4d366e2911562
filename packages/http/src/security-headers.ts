import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * helmet configured for exactly Sentinel Auth 0.7's header set (docs/api.md, "Limits and headers"):
 * nosniff, frame DENY, referrer policy, X-XSS-Protection 0, CSP `default-src 'none';
 * frame-ancestors 'none'`, COEP/COOP/CORP, X-Permitted-Cross-Domain-Policies, HSTS only with
 * COOKIE_SECURE; and none of helmet's other defaults.
 */
function configuredHelmet(cookieSecure: boolean) {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginEmbedderPolicy: { policy: 'require-corp' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    originAgentCluster: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: cookieSecure ? { maxAge: 63_072_000, includeSubDomains: true, preload: true } : false,
    xContentTypeOptions: true,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xFrameOptions: { action: 'deny' },
    xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
    xPoweredBy: true,
    xXssProtection: true,
  });
}

/**
 * The headers helmet sets, captured once: they do not depend on the request. The gateway sets
 * them on every response; every process also sends them with its answers to requests Node's own
 * parser refuses (server.ts).
 */
export function securityHeaders(cookieSecure: boolean): Array<[string, string]> {
  const captured = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string) => captured.set(name, value),
    removeHeader: (name: string) => captured.delete(name),
  };
  let done = false;
  const middleware = configuredHelmet(cookieSecure);
  let failure: unknown;
  middleware({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
    done = true;
  });
  if (!done || failure !== undefined) throw new Error('helmet did not complete synchronously', { cause: failure });
  captured.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  return [...captured];
}
