// The grant session, camunda-authz's frontend part: `createGrantSession` and the types it speaks.
import { Session } from "./session.js";
import type { GrantSession, GrantSessionOptions } from "./types.js";

export type { GrantSession, GrantSessionOptions, GrantSessionState, SessionFailure } from "./types.js";
export type { DeniedAuthorizer, DeniedButtonExplanation, DeniedCode, DeniedDecision, DeniedExplanation } from "./denied.js";
export type { SessionError, SessionErrorCode } from "./errors.js";
export type { FetchLike, FetchResponseLike, HeadersSource } from "./fetch.js";
export type { Timers } from "./timers.js";
export type { WakeSource } from "./wake.js";

/**
 * A grant session: fetches and verifies a grant set and keeps it current. Pass exactly one of
 * `grantsUrl` and `fetchGrants`, one of `jwksUrl` and `fetchJwks`, and `issuer` and `audience`
 * (or `null` for each check skipped on purpose). Throws `ERR_ARGUMENT_INVALID` for a bad option.
 */
export function createGrantSession(options: GrantSessionOptions): GrantSession {
  return new Session(options);
}

