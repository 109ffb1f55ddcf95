// The Session class: it fetches and verifies the grant set, renews it before it expires and when a
// sleeping tab wakes, follows the issuer's key rotation, keeps a still-valid grant set while a
// renewal fails (retrying with backoff), and fails closed once the grant set has expired. Nothing
// here touches `window` or `document` at import time: the wake-up listeners are added when a
// session is made.

import init, { Authorizer, AuthzError, verifyGrants } from "../core/index.js";
import type { Jwks, VerifiedGrants, VerifyOptions } from "../core/index.js";
import { backoffDelay } from "./backoff.js";
import { deniedAuthorizer } from "./denied.js";
import type { DeniedAuthorizer } from "./denied.js";
import { asSessionError, sessionError } from "./errors.js";
import type { SessionError } from "./errors.js";
import { fetchGrantsFrom, fetchJwksFrom, platformFetch } from "./fetch.js";
import { nullableOption, secondsOption, source } from "./options.js";
import type { FetchLike } from "./fetch.js";
import { createKeySet } from "./keys.js";
import { platformTimers, Timer } from "./timers.js";
import type { GrantSession, GrantSessionOptions, GrantSessionState, SessionFailure } from "./types.js";
import { browserWake } from "./wake.js";

const LOADING: GrantSessionState = Object.freeze({ status: "loading" });

/** A verified grant set kept current (what `createGrantSession` makes). */
export class Session implements GrantSession {
  readonly ready: Promise<VerifiedGrants>;
  #fetchGrants: () => Promise<string>;
  #keys: ReturnType<typeof createKeySet>;
  #verifyOptions: VerifyOptions;
  #tolerance: number;
  #refreshBefore: number | undefined;
  #retry: { initialDelay: number; maxDelay: number };
  #now: () => number;
  #random: () => number;
  #renewTimer: Timer;
  #expiryTimer: Timer;
  #unwake: () => void = () => {};
  #listeners = new Set<(state: GrantSessionState) => void>();
  #state: GrantSessionState = LOADING;
  #authorizer: Authorizer | DeniedAuthorizer = deniedAuthorizer(null, "every operation is denied: the grant session is still loading its first grant set");
  #grants: VerifiedGrants | null = null;
  #renewAt = 0; // ms: when the current grant set is due for renewal
  #nextAttemptAt = Infinity; // ms: when the renewal timer is due
  #expiresAt = 0; // ms: when it stops being valid (exp + clockTolerance)
  #failures = 0; // failed attempts in a row
  #inflight: Promise<VerifiedGrants> | null = null; // the attempt under way, shared
  #inflightDone: Promise<void> | null = null; // the same, as refresh() hands it out
  #closed = false;

  constructor(options: GrantSessionOptions) {
    if (typeof options !== "object" || options === null) throw new AuthzError("ERR_ARGUMENT_INVALID", "createGrantSession takes an options object");
    const timers = options.timers ?? platformTimers();
    const timeoutMs = secondsOption(options.timeout, "timeout", 10) * 1000;
    const fetcher = (): FetchLike => {
      const f = options.fetch ?? platformFetch();
      if (f === undefined) throw sessionError("ERR_ARGUMENT_INVALID", "there is no `fetch` here: pass `fetch`, or `fetchGrants` and `fetchJwks`");
      return f;
    };
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#renewTimer = new Timer(timers);
    this.#expiryTimer = new Timer(timers);
    const grantsHeaders = options.grantsHeaders;
    if (grantsHeaders !== undefined && typeof grantsHeaders !== "function") throw new AuthzError("ERR_ARGUMENT_INVALID", "`grantsHeaders` must be a function that returns the headers");
    this.#fetchGrants = source(options.grantsUrl, options.fetchGrants, "grantsUrl", "fetchGrants", (url) => fetchGrantsFrom(fetcher(), url, timers, timeoutMs, grantsHeaders));
    const fetchJwks = source(options.jwksUrl, options.fetchJwks, "jwksUrl", "fetchJwks", (url) => fetchJwksFrom(fetcher(), url, timers, timeoutMs));
    this.#keys = createKeySet(fetchJwks, this.#now, {
      cooldown: secondsOption(options.jwksCooldown, "jwksCooldown", 30) * 1000,
      maxAge: secondsOption(options.jwksMaxAge, "jwksMaxAge", 600) * 1000,
    });
    this.#tolerance = secondsOption(options.clockTolerance, "clockTolerance", 0, 3600);
    this.#refreshBefore = options.refreshBefore === undefined ? undefined : secondsOption(options.refreshBefore, "refreshBefore", 60);
    this.#retry = {
      initialDelay: secondsOption(options.retry?.initialDelay, "retry.initialDelay", 1) * 1000,
      maxDelay: secondsOption(options.retry?.maxDelay, "retry.maxDelay", 60) * 1000,
    };
    const issuer = nullableOption(options.issuer, "issuer", (v) => typeof v === "string");
    const audience = nullableOption(options.audience, "audience", (v) => typeof v === "string" || Array.isArray(v));
    // `null` opts out of a check explicitly; verifyGrants takes it as such.
    this.#verifyOptions = { issuer, audience, clockTolerance: this.#tolerance } as unknown as VerifyOptions;

    const wake = options.wake === undefined ? browserWake() : options.wake;
    if (wake !== null) this.#unwake = wake.subscribe(() => this.#onWake());

    this.ready = this.#shared();
    this.ready.catch(() => {}); // a page that never awaits `ready` must not see an unhandled rejection
  }

  get state(): GrantSessionState {
    this.#checkExpiry();
    return this.#state;
  }

  get authorizer(): Authorizer | DeniedAuthorizer {
    this.#checkExpiry();
    return this.#authorizer;
  }

  get grants(): VerifiedGrants | null {
    this.#checkExpiry();
    return this.#grants;
  }

  subscribe(listener: (state: GrantSessionState) => void): () => void {
    if (typeof listener !== "function") throw new AuthzError("ERR_ARGUMENT_INVALID", "subscribe takes a function");
    const entry = (state: GrantSessionState) => listener(state);
    if (!this.#closed) this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#shared();
    return this.#inflightDone ?? Promise.resolve();
  }

  /** The attempt under way, or a new one: concurrent callers share one request. */
  #shared(): Promise<VerifiedGrants> {
    if (this.#inflight === null) {
      const attempt = this.#attempt().finally(() => {
        this.#inflight = null;
        this.#inflightDone = null;
      });
      this.#inflight = attempt;
      this.#inflightDone = attempt.then(() => {});
      this.#inflightDone.catch(() => {}); // failures are in `state`; an awaiting caller still gets them
    }
    return this.#inflight;
  }

  close(): void {
    this.#closed = true;
    this.#renewTimer.clear();
    this.#expiryTimer.clear();
    this.#unwake();
    this.#listeners.clear();
  }

  /** One fetch and verification; a session closed meanwhile keeps its state (the result is still returned). */
  async #attempt(): Promise<VerifiedGrants> {
    let grants: VerifiedGrants;
    try {
      // The module, the grant set and the key set load at once: over a network each is a round
      // trip, and one after the other the first decision would wait for all three. They are
      // awaited in this order, so a failure is reported as before (the grant set's first).
      const loading = init(); // the browser entry needs the module loaded; elsewhere it already is
      const token = (async () => this.#fetchGrants())();
      const jwks = this.#keys.get();
      for (const pending of [loading, token, jwks]) pending.catch(() => {}); // awaited below
      await loading;
      grants = await this.#verify(await token, jwks);
    } catch (error) {
      const failure = asSessionError(error, "ERR_GRANTS_UNAVAILABLE", "cannot fetch the grant set");
      if (!this.#closed) this.#failed(failure);
      throw failure;
    }
    if (!this.#closed) this.#accept(grants);
    return grants;
  }

  /** Verifies against the key set (`keys`, being fetched), fetched again once when the token names an unknown key. */
  async #verify(token: string, keys: Promise<Jwks>): Promise<VerifiedGrants> {
    const verify = (jwks: Jwks) => verifyGrants(token, jwks, { ...this.#verifyOptions, now: this.#now() / 1000 });
    const jwks = await keys;
    try {
      return verify(jwks);
    } catch (error) {
      if (!(error instanceof AuthzError) || error.code !== "ERR_GRANTS_KEY_NOT_FOUND") throw error;
      const fresh = await this.#keys.reload();
      if (fresh === null) throw new AuthzError("ERR_GRANTS_KEY_NOT_FOUND", `${error.message} (the key set was fetched moments ago; it is fetched again after the cool-down)`, { cause: error });
      return verify(fresh);
    }
  }

  #accept(grants: VerifiedGrants): void {
    const { exp, iat, sub, principal } = grants.payload;
    const now = this.#now();
    const lifetime = Math.max(0, exp - (iat ?? now / 1000));
    const lead = Math.min(this.#refreshBefore ?? (lifetime < 300 ? lifetime / 5 : 60), lifetime / 2);
    this.#failures = 0;
    this.#grants = grants;
    this.#renewAt = (exp - lead) * 1000;
    this.#expiresAt = (exp + this.#tolerance) * 1000;
    // A grant set that arrives with less left than the lead (an issuer clock behind the page's)
    // renews at half its remaining time, not at once: no renewal loop.
    this.#schedule(Math.max(this.#renewAt - now, (this.#expiresAt - now) / 2, 1000));
    this.#expiryTimer.set(this.#expiresAt - now, () => this.#checkExpiry(true));
    this.#set({ status: "verified", subject: sub ?? principal.id, expiresAt: new Date(exp * 1000) }, new Authorizer(grants));
  }

  #failed(failure: SessionError): void {
    const delay = backoffDelay(this.#failures, this.#random(), this.#retry);
    this.#failures += 1;
    const retryAt = this.#schedule(delay);
    const lastError: SessionFailure = { code: failure.code, message: failure.message };
    const held = this.#state;
    if (this.#grants !== null && this.#now() < this.#expiresAt) {
      // Still valid: keep it, say that renewing failed.
      this.#set({ ...held, lastError, retryAt: new Date(retryAt) }, this.#authorizer);
    } else if (this.#grants !== null || (held.status === "error" && held.code === "ERR_GRANTS_EXPIRED")) {
      this.#expire({ lastError, retryAt: new Date(retryAt) });
    } else {
      this.#set({ status: "error", code: failure.code, message: failure.message, lastError, retryAt: new Date(retryAt) }, deniedAuthorizer(failure.code, `every operation is denied: no verified grant set (${failure.code}: ${failure.message})`));
    }
  }

  /** The held grant set has expired: fail closed, naming when and why. */
  #expire(extra: { lastError?: SessionFailure; retryAt?: Date } = {}, notify = true): void {
    const held = this.#state;
    const lastError = extra.lastError ?? held.lastError;
    const when = held.expiresAt === undefined ? "" : ` at ${held.expiresAt.toISOString()}`;
    const message = `the grant set${held.subject === undefined ? "" : ` of \`${held.subject}\``} expired${when}${lastError === undefined ? "" : ` and could not be renewed: ${lastError.message}`}`;
    this.#grants = null;
    this.#expiryTimer.clear();
    const state: GrantSessionState = {
      status: "error",
      code: "ERR_GRANTS_EXPIRED",
      message,
      ...(held.subject === undefined ? {} : { subject: held.subject }),
      ...(held.expiresAt === undefined ? {} : { expiresAt: held.expiresAt }),
      ...(lastError === undefined ? {} : { lastError }),
      ...(extra.retryAt ?? held.retryAt ? { retryAt: (extra.retryAt ?? held.retryAt) as Date } : {}),
    };
    this.#set(state, deniedAuthorizer("ERR_GRANTS_EXPIRED", `every operation is denied: no verified grant set (ERR_GRANTS_EXPIRED: ${message})`), notify);
  }

  /**
   * Fails closed when the held grant set is past its expiry. Timers can fire late (a sleeping tab),
   * so every read checks too; a read notifies subscribers after it returns, never during it.
   */
  #checkExpiry(fromTimer = false): void {
    if (this.#grants === null || this.#now() < this.#expiresAt) return;
    this.#expire({}, fromTimer);
    if (!fromTimer) queueMicrotask(() => this.#emit());
    // A timer that should have fired already is late (the tab slept): renew now.
    if (!this.#closed && this.#inflight === null && !(this.#renewTimer.pending && this.#nextAttemptAt > this.#now())) this.#renewQuietly();
  }

  /** The next renewal attempt in `delay` ms; returns when that is. */
  #schedule(delay: number): number {
    this.#nextAttemptAt = this.#now() + delay;
    this.#renewTimer.set(delay, () => this.#renewQuietly());
    return this.#nextAttemptAt;
  }

  #onWake(): void {
    if (this.#closed) return;
    const due = this.#grants === null || this.#now() >= this.#renewAt;
    if (!due) return;
    this.#failures = 0; // someone is looking: try now, and back off from the start again
    this.#renewQuietly();
  }

  /** A renewal nobody awaits: its failure is in `state`. */
  #renewQuietly(): void {
    this.refresh().catch(() => {});
  }

  #set(state: GrantSessionState, authorizer: Authorizer | DeniedAuthorizer, notify = true): void {
    this.#state = Object.freeze(state);
    this.#authorizer = authorizer;
    if (notify) this.#emit();
  }

  #emit(): void {
    const state = this.#state;
    for (const listener of [...this.#listeners]) {
      try {
        listener(state);
      } catch (error) {
        queueMicrotask(() => {
          throw error; // a listener's bug surfaces as an uncaught error, without stopping the others
        });
      }
    }
  }
}
