import type { Decision } from './upload/decision';

/** A configuration the reporter cannot work with. The message names the option and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

export type ApiErrorCode =
  | 'API_BAD_REQUEST'
  | 'API_UNAUTHORIZED'
  | 'API_FORBIDDEN'
  | 'API_NOT_FOUND'
  | 'API_NOT_ALLOWED'
  | 'API_GONE'
  | 'API_TOO_LARGE'
  | 'API_INVALID'
  | 'API_RATE_LIMITED'
  | 'API_STORAGE_FULL'
  | 'API_SERVER'
  | 'API_NETWORK'
  | 'API_CERTIFICATE'
  | 'API_INSECURE';

/** What the API (or the network on the way to it) answered, in words a user can act on. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly code: ApiErrorCode,
    /** The HTTP status; undefined when no answer arrived (reset, refused, timeout, DNS). */
    readonly status: number | undefined,
    readonly method: string,
    readonly path: string,
    /** The `Retry-After` header as sent, when there was one. */
    readonly retryAfter?: string,
    /** Field messages of a 400/422 body, keyed by field path (`results.3.execution.status`). */
    readonly fieldErrors: Readonly<Record<string, readonly string[]>> = {},
    /** What the sender decided once it stopped resending (upload/decision.ts); undefined before that. */
    readonly decision?: Decision,
  ) {
    super(message);
  }

  withDecision(decision: Decision): ApiError {
    return new ApiError(this.message, this.code, this.status, this.method, this.path, this.retryAfter, this.fieldErrors, decision);
  }
}
