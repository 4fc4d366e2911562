/** Stable error codes; the one error middleware maps each to its status (exhaustively). */
export type ErrorCode =
  | 'input'
  | 'validation'
  | 'authentication'
  | 'not_allowed'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'bad_gateway'
  | 'unavailable'
  | 'gateway_timeout';

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  input: 400,
  validation: 422,
  authentication: 401,
  not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  bad_gateway: 502,
  unavailable: 503,
  gateway_timeout: 504,
};

export interface FieldProblem {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

/** An error whose detail is safe to show to the client. */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { errors?: FieldProblem[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export class InputError extends HttpError {
  constructor(detail: string) {
    super('input', detail);
  }
}
export class ValidationError extends HttpError {
  constructor(detail: string, errors: FieldProblem[] = []) {
    super('validation', detail, { errors });
  }
}
export class AuthenticationError extends HttpError {
  constructor(detail = 'Not authenticated') {
    super('authentication', detail);
  }
}
export class NotAllowedError extends HttpError {
  constructor(detail = 'Forbidden') {
    super('not_allowed', detail);
  }
}
export class NotFoundError extends HttpError {
  constructor(detail = 'Not found') {
    super('not_found', detail);
  }
}
export class ConflictError extends HttpError {
  constructor(detail: string) {
    super('conflict', detail);
  }
}
