// The grant session's public types: its options, its state, and the session itself.

import type { Authorizer, Jwks, VerifiedGrants } from "../core/index.js";
import type { DeniedAuthorizer } from "./denied.js";
import type { SessionErrorCode } from "./errors.js";
import type { FetchLike, HeadersSource } from "./fetch.js";
import type { Timers } from "./timers.js";
import type { WakeSource } from "./wake.js";

/** Options of `createGrantSession`. Durations are in seconds. */
export interface GrantSessionOptions {
  /** Where to GET the grant set: the compact token as the body, or JSON with a `token` member. */
  grantsUrl?: string;
  /** Headers for each GET of `grantsUrl`, e.g. `() => ({ authorization: \`Bearer ${userToken}\` })` for camunda-authz/issuer's handler. */
  grantsHeaders?: HeadersSource;
  /** Or: a function that resolves the compact token (it must get a fresh one on each call). */
  fetchGrants?: () => Promise<string>;
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

/** What a session holds now. A new object on every change. */
export interface GrantSessionState {
  /** `loading` until the first answer; `verified` while a grant set is valid; `error` while none is. */
  readonly status: "loading" | "verified" | "error";
  /** With `error`: why no grant set is valid (`ERR_GRANTS_EXPIRED` once one has expired). */
  readonly code?: SessionErrorCode;
  /** With `error`: the same for people. */
  readonly message?: string;
  /** The principal of the current (or, with `error`, the last) grant set. */
  readonly subject?: string;
  /** When that grant set expires (or expired). */
  readonly expiresAt?: Date;
  /** The last renewal failed with this; with `verified`, the grant set in use is still valid. */
  readonly lastError?: SessionFailure;
  /** When the next retry of a failed renewal is due. */
  readonly retryAt?: Date;
}

/** A verified grant set kept current. */
export interface GrantSession {
  /** The first verified grant set; rejects with the first attempt's AuthzError (the session keeps retrying). */
  readonly ready: Promise<VerifiedGrants>;
  /** The current Authorizer, or a fail-closed one that denies everything while no grant set is valid. */
  readonly authorizer: Authorizer | DeniedAuthorizer;
  /** The current grant set while it is valid, else `null`. */
  readonly grants: VerifiedGrants | null;
  readonly state: GrantSessionState;
  /** Calls `listener` on every change of `state` (and `authorizer`); returns the function that stops it. */
  subscribe(listener: (state: GrantSessionState) => void): () => void;
  /** Renews now; concurrent calls share one request. Rejects with the AuthzError of a failed renewal. */
  refresh(): Promise<void>;
  /** Stops timers and listeners; the session then keeps what it has and fetches nothing more. */
  close(): void;
}
