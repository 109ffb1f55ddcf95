// The error codes a grant session adds to the package's, and the one way it turns anything thrown
// (a network failure, an HTTP status, a refused token) into an AuthzError.

import { AuthzError } from "../core/index.js";
import type { ErrorCode } from "../core/index.js";

/**
 * The codes a session reports: the package's, among them `ERR_GRANTS_UNAVAILABLE` (the grant set
 * could not be fetched: network error, timeout, HTTP status, empty body) and
 * `ERR_JWKS_UNAVAILABLE` (the same for the key set).
 */
export type SessionErrorCode = ErrorCode;

/** An AuthzError carrying one of the session's codes. */
export type SessionError = AuthzError & { readonly code: SessionErrorCode };

export function sessionError(code: SessionErrorCode, message: string, cause?: unknown): SessionError {
  return new AuthzError(code, message, cause === undefined ? undefined : { cause }) as SessionError;
}

/** `error` when it is an AuthzError already, else one with `code` that names what happened. */
export function asSessionError(error: unknown, code: SessionErrorCode, what: string): SessionError {
  if (error instanceof AuthzError) return error as SessionError;
  const detail = error instanceof Error ? error.message : String(error);
  return sessionError(code, `${what}: ${detail}`, error);
}

