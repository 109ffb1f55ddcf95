// The grant session's public types: its options, its state (a union on `status`), the refusal
// reports and their events, and the session itself.

import type { Authorizer, Explanation, Jwks, Operation, Task, VerifiedGrants } from "../core/index.js";
import type { DeniedAuthorizer, DeniedExplanation } from "./denied.js";
import type { SessionErrorCode } from "./errors.js";
import type { FetchLike, GrantsRequest, HeadersSource } from "./fetch.js";
import type { Timers } from "./timers.js";
import type { WakeSource } from "./wake.js";

/** Options of `createGrantSession`. Durations are in seconds. */
export interface GrantSessionOptions {
  /** Where to GET the grant set: the compact token as the body, or JSON with a `token` member. */
  grantsUrl?: string;
  /** Headers for each GET of `grantsUrl`, e.g. `() => ({ authorization: \`Bearer ${userToken}\` })` for camunda-authz/issuer's handler. */
  grantsHeaders?: HeadersSource;
  /**
   * Or: a function that resolves the compact token (it must get a fresh one on each call). An
   * error it throws with `httpStatus` 401 or 403 is a refusal (`ERR_GRANTS_REFUSED`).
   */
  fetchGrants?: (request: GrantsRequest) => Promise<string>;
  /** Where to GET the issuer's public keys (a JWKS). */
  jwksUrl?: string;
  /** Or: a function that resolves the JWKS. */
  fetchJwks?: () => Promise<Jwks>;
  /** The expected `iss`; `null` skips the check on purpose. */
  issuer: string | null;
  /** The expected `aud` (one of them); `null` skips the check on purpose. */
  audience: string | readonly string[] | null;
  /** Leeway for `exp` and `nbf` (default 0, at most 3600). */
  clockTolerance?: number;
  /** The longest lifetime (`exp - iat`) a grant set may have (default 86400); `null` lifts it. */
  maxLifetime?: number | null;
  /** The 8.10 physical tenant every grant set must name (`physicalTenant`); absent: not checked. */
  physicalTenant?: string;
  /** Renew this long before `exp` (default 60, or a fifth of a lifetime under 5 minutes; at most half the lifetime). */
  refreshBefore?: number;
  /** After a fetch of the key set, an unknown `kid` waits this long before the next fetch (default 30). */
  jwksCooldown?: number;
  /** The key set is fetched again after this long (default 600). */
  jwksMaxAge?: number;
  /** A fetch from `grantsUrl` or `jwksUrl` fails after this long (default 10). */
  timeout?: number;
  /** Retries of a failed renewal wait `initialDelay * 2^n`, at most `maxDelay`, with jitter (defaults 1 and 60). */
  retry?: { initialDelay?: number; maxDelay?: number };
  /** After a renewal that `reportRefusal` started, refusals renew again only after this long (default 10). */
  refusalCooldown?: number;
  /** The `fetch` that `grantsUrl` and `jwksUrl` use (default the platform's). */
  fetch?: FetchLike;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Timers (default the platform's). */
  timers?: Timers;
  /** A number in [0, 1) for the jitter (default `Math.random`). */
  random?: () => number;
  /** When to check the grant set at once (default: the page becoming visible, the network returning); `null` for none. */
  wake?: WakeSource | null;
}

/** A failure the session is living with: the last renewal's. */
export interface SessionFailure {
  readonly code: SessionErrorCode;
  readonly message: string;
}

/** Every field a state may have, each absent unless its variant says otherwise (so any state destructures). */
interface NoStateFields {
  readonly code?: undefined;
  readonly message?: undefined;
  readonly subject?: undefined;
  readonly expiresAt?: undefined;
  readonly lastError?: undefined;
  readonly retryAt?: undefined;
  readonly httpStatus?: undefined;
  readonly issuerCode?: undefined;
}

/** Before the first answer. */
export interface LoadingState extends NoStateFields {
  readonly status: "loading";
}

/** A grant set is valid and in use. */
export interface VerifiedState extends Omit<NoStateFields, "subject" | "expiresAt" | "lastError" | "retryAt"> {
  readonly status: "verified";
  /** The principal of the grant set in use (`sub`, else `principal.id`). */
  readonly subject: string;
  /** When it expires. */
  readonly expiresAt: Date;
  /** The last renewal failed with this; the grant set in use is still valid ("the server is unreachable", not "signed out"). */
  readonly lastError?: SessionFailure;
  /** When the next retry of a failed renewal is due. */
  readonly retryAt?: Date;
}

/** No grant set is valid: the first attempt failed, or the held one expired; the session retries. */
export interface FailedState extends Omit<NoStateFields, "code" | "message" | "subject" | "expiresAt" | "lastError" | "retryAt"> {
  readonly status: "error";
  /** Why (`ERR_GRANTS_EXPIRED` once a grant set has expired, else the first attempt's code). */
  readonly code: Exclude<SessionErrorCode, "ERR_GRANTS_REFUSED">;
  readonly message: string;
  /** The principal of the last grant set, when there was one. */
  readonly subject?: string;
  /** When that grant set expired. */
  readonly expiresAt?: Date;
  readonly lastError?: SessionFailure;
  readonly retryAt?: Date;
}

/**
 * The issuer answered 401 or 403 (the user's login expired, or the user may not have a grant
 * set): everything is denied and nothing is retried until the app calls `refresh()`, after a
 * new login.
 */
export interface RefusedState extends Omit<NoStateFields, "code" | "message" | "subject" | "expiresAt" | "httpStatus" | "issuerCode"> {
  readonly status: "error";
  readonly code: "ERR_GRANTS_REFUSED";
  readonly message: string;
  /** The issuer's HTTP status: 401 or 403. */
  readonly httpStatus: number;
  /** The `code` of the issuer's problem JSON, when it sent one (camunda-authz/issuer: `ERR_ISSUER_PRINCIPAL`, ...). */
  readonly issuerCode?: string;
  /** The principal of the last grant set, when there was one. */
  readonly subject?: string;
  /** When that grant set expires or expired. */
  readonly expiresAt?: Date;
}

/** What a session holds now: a union on `status` (and, for `error`, on `code`). A new frozen object on every change. */
export type GrantSessionState = LoadingState | VerifiedState | FailedState | RefusedState;

/** What `refresh()` takes. */
export interface RefreshOptions {
  /** The user signed in anew, perhaps as someone else: the next grant set may name another subject (or an older `iat`). */
  newLogin?: boolean;
}

/** What `reportRefusal` takes: the cluster's answer to an operation on a task. */
export interface RefusalReport {
  /** The cluster's HTTP status; only 403 and 409 are refusals of an operation the grant set may have allowed. */
  status: number;
  operation: Operation;
  /** The task as the app held it when it sent the request (the decision `before` is made on it). */
  task: Task;
}

/** A refusal by the cluster of an operation the grant set allowed, after the renewal it caused. */
export interface Disagreement {
  readonly operation: Operation;
  /** The task's `userTaskKey` (`null` when the task has none). */
  readonly taskKey: string | null;
  /** The cluster's HTTP status (403 or 409). */
  readonly status: number;
  /** The decision of the grant set that allowed it. */
  readonly before: Explanation;
  /** The decision after the renewal (a deny when the grant set now agrees with the cluster). */
  readonly after: Explanation | DeniedExplanation;
}

/** The events of `session.on`. */
export interface GrantSessionEvents {
  /** The cluster refused an operation the grant set allowed (`reportRefusal`), with the decisions before and after the renewal. */
  disagreement: Disagreement;
  /** A listener threw (of `subscribe`, or of an event): the error, so that it is seen; the other listeners still ran. */
  error: unknown;
}

/** A verified grant set kept current. */
export interface GrantSession {
  /** The first verified grant set; rejects with the first attempt's AuthzError (the session keeps retrying, unless refused). */
  readonly ready: Promise<VerifiedGrants>;
  /** The current Authorizer, or a fail-closed one that denies everything while no grant set is valid. */
  readonly authorizer: Authorizer | DeniedAuthorizer;
  /** The current grant set while it is valid, else `null`. */
  readonly grants: VerifiedGrants | null;
  /** The compact JWS of the current grant set while it is valid (e.g. for a header to an edge worker), else `null`. */
  readonly token: string | null;
  readonly state: GrantSessionState;
  /** Calls `listener` on every change of `state` (and `authorizer`); returns the function that stops it. */
  subscribe(listener: (state: GrantSessionState) => void): () => void;
  /** Calls `listener` on each event of that name; returns the function that stops it. */
  on<E extends keyof GrantSessionEvents>(event: E, listener: (value: GrantSessionEvents[E]) => void): () => void;
  /**
   * Renews now; concurrent calls share one request. After a refusal it is the way back (after a
   * new login). Rejects with the AuthzError of a failed renewal.
   */
  refresh(options?: RefreshOptions): Promise<void>;
  /**
   * The cluster answered 403 or 409 to an operation on a task: when the grant set allowed it,
   * renews at once (shared with other refusals, at most once per `refusalCooldown`), decides
   * again and emits a `disagreement`, which it also resolves; otherwise resolves `null`.
   */
  reportRefusal(report: RefusalReport): Promise<Disagreement | null>;
  /** Stops timers and listeners; the session then keeps what it has and fetches nothing more. */
  close(): void;
}
