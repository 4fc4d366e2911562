import { HttpError, type ErrorCode } from '@sentinel/http';

/** A way out that an error page offers (e.g. "Sign in with GitHub"). */
export interface PageLink {
  label: string;
  href: string;
}

/**
 * An error of the browser-facing login flow: answered as a small HTML page when the client
 * accepts text/html, as `{"detail"}` otherwise. `reason` is what the activity log records;
 * `links` are offered on the HTML page only.
 */
export class LoginError extends HttpError {
  constructor(
    code: ErrorCode,
    readonly title: string,
    detail: string,
    readonly reason: string,
    readonly links: readonly PageLink[] = [],
  ) {
    super(code, detail);
  }

  static invalidState(): LoginError {
    return new LoginError('input', 'Invalid Sign-in State', 'Invalid or missing login state', 'invalid_state');
  }

  static sessionExpired(detail: string): LoginError {
    return new LoginError('input', 'Session Expired', detail, 'session_expired');
  }

  static providerUnavailable(provider: string): LoginError {
    return new LoginError('input', 'Provider Not Available', `Provider '${provider}' is not configured`, 'provider_not_configured');
  }

  static appNotAllowed(): LoginError {
    return new LoginError('input', 'App Not Allowed', 'redirect_uri is not registered for an active client app', 'app_not_allowed');
  }

  static emailNotVerified(): LoginError {
    return new LoginError('not_allowed', 'Email Not Verified', 'The provider did not assert a verified email address', 'email_not_verified');
  }

  static providerFailed(): LoginError {
    return new LoginError('input', 'Authentication Failed', 'The identity provider did not complete the sign-in', 'provider_error');
  }
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A minimal page for people whose browser landed on an error, with the ways out it offers. */
export function errorPage(title: string, detail: string, links: readonly PageLink[] = []): string {
  const items = links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a></li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>${items ? `<ul>${items}</ul>` : ''}</body></html>`;
}

export { escapeHtml };
