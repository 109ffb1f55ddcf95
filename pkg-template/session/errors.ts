// The error codes a grant session adds to the package's, and the one way it turns anything thrown
// (a network failure, an HTTP status, a refused token) into an AuthzError.

import { AuthzError } from "../core/index.js";
import type { ErrorCode } from "../core/index.js";

/**
 * The codes a session reports: the package's, among them `ERR_GRANTS_UNAVAILABLE` (the grant set
 * could not be fetched: network error, timeout, HTTP status, empty body), `ERR_JWKS_UNAVAILABLE`
 * (the same for the key set), `ERR_GRANTS_REFUSED` (the issuer answered 401 or 403),
 * `ERR_GRANTS_SUBJECT` (a renewal for another subject) and `ERR_GRANTS_STALE` (a renewal older
 * than the grant set held).
 */
export type SessionErrorCode = ErrorCode;

/** An AuthzError carrying one of the session's codes. */
export type SessionError = AuthzError & { readonly code: SessionErrorCode };

/** A refusal by the issuer: its HTTP status and, when its body was a problem JSON with one, its own `code`. */
export type RefusalError = SessionError & { readonly code: "ERR_GRANTS_REFUSED"; readonly httpStatus: number; readonly issuerCode?: string };

export function sessionError(code: SessionErrorCode, message: string, cause?: unknown): SessionError {
  return new AuthzError(code, message, cause === undefined ? undefined : { cause }) as SessionError;
}

/** `ERR_GRANTS_REFUSED` with the issuer's status and code. */
export function refusalError(httpStatus: number, issuerCode: string | undefined, what: string, cause?: unknown): RefusalError {
  const error = sessionError("ERR_GRANTS_REFUSED", `${what}: HTTP ${httpStatus}${issuerCode === undefined ? "" : ` (${issuerCode})`}; sign in again, then call refresh()`, cause);
  return Object.assign(error, { httpStatus, ...(issuerCode === undefined ? {} : { issuerCode }) }) as RefusalError;
}

/** `error` as a refusal when it is one: an AuthzError from `refusalError`, or anything with an `httpStatus` of 401 or 403 (from a `fetchGrants`). */
export function asRefusal(error: unknown): RefusalError | null {
  if (error instanceof AuthzError && error.code === "ERR_GRANTS_REFUSED" && typeof (error as { httpStatus?: unknown }).httpStatus === "number") return error as RefusalError;
  const { httpStatus, issuerCode } = (typeof error === "object" && error !== null ? error : {}) as { httpStatus?: unknown; issuerCode?: unknown };
  if (httpStatus !== 401 && httpStatus !== 403) return null;
  return refusalError(httpStatus, typeof issuerCode === "string" ? issuerCode : undefined, "`fetchGrants` was refused", error);
}

/** `error` when it is an AuthzError already, else one with `code` that names what happened. */
export function asSessionError(error: unknown, code: SessionErrorCode, what: string): SessionError {
  if (error instanceof AuthzError) return error as SessionError;
  const detail = error instanceof Error ? error.message : String(error);
  return sessionError(code, `${what}: ${detail}`, error);
}
