// The Session class: it fetches and verifies the grant set, renews it before it expires and when a
// sleeping tab wakes, follows the issuer's key rotation, keeps a still-valid grant set while a
// renewal fails (retrying with backoff), and fails closed once the grant set has expired. It
// refuses a renewal for another subject or an older one than it holds, stops at an issuer's
// refusal (401/403) until the app refreshes after a new login, and renews at once when the
// cluster refuses what the grant set allowed (drift.ts). Nothing here touches `window` or
// `document` at import time: the wake-up listeners are added when a session is made.

import init, { Authorizer, AuthzError, verifyGrants } from "../core/index.js";
import type { Jwks, VerifiedGrants, VerifyOptions } from "../core/index.js";
import { backoffDelay } from "./backoff.js";
import { deniedAuthorizer } from "./denied.js";
import type { DeniedAuthorizer } from "./denied.js";
import { Drift } from "./drift.js";
import { asRefusal, asSessionError, sessionError } from "./errors.js";
import type { RefusalError, SessionError } from "./errors.js";
import { Listeners } from "./events.js";
import { fetchGrantsFrom, fetchJwksFrom, platformFetch } from "./fetch.js";
import type { FetchLike, GrantsRequest } from "./fetch.js";
import { nullableOption, secondsOption, source } from "./options.js";
import { createKeySet } from "./keys.js";
import { platformTimers, Timer } from "./timers.js";
import type { Disagreement, GrantSession, GrantSessionEvents, GrantSessionOptions, GrantSessionState, RefusalReport, RefreshOptions, SessionFailure } from "./types.js";
import { browserWake } from "./wake.js";

const LOADING: GrantSessionState = Object.freeze({ status: "loading" });

/** What an attempt must do beyond renewing: read the authorizations afresh, accept a new login. */
interface Need {
  fresh: boolean;
  newLogin: boolean;
}

/** One fetch and verification, shared by everyone who asked while it runs. */
interface Attempt {
  need: Need;
  promise: Promise<VerifiedGrants>;
  /** The same, as `refresh()` hands it out. */
  done: Promise<void>;
}

const covers = (a: Need, b: Need) => (a.fresh || !b.fresh) && (a.newLogin || !b.newLogin);

/** A verified grant set kept current (what `createGrantSession` makes). */
export class Session implements GrantSession {
  readonly ready: Promise<VerifiedGrants>;
  #fetchGrants: (request: GrantsRequest) => Promise<string>;
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
  #listeners = new Listeners<GrantSessionState>();
  #drift: Drift;
  #state: GrantSessionState = LOADING;
  #authorizer: Authorizer | DeniedAuthorizer = deniedAuthorizer(null, "every operation is denied: the grant session is still loading its first grant set");
  #grants: VerifiedGrants | null = null;
  #token: string | null = null;
  #renewAt = 0; // ms: when the current grant set is due for renewal
  #nextAttemptAt = Infinity; // ms: when the renewal timer is due
  #expiresAt = 0; // ms: when it stops being valid (exp + clockTolerance)
  #failures = 0; // failed attempts in a row
  #inflight: Attempt | null = null; // the attempt under way
  #queued: Attempt | null = null; // one that needs more than it, to run after it
  #refused = false; // the issuer refused: nothing is fetched until refresh()
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
    const grantsFrom = source(options.grantsUrl, options.fetchGrants, "grantsUrl", "fetchGrants", (url, request: GrantsRequest) => fetchGrantsFrom(fetcher(), url, timers, timeoutMs, request, grantsHeaders));
    this.#fetchGrants = grantsFrom;
    const fetchJwks = source(options.jwksUrl, options.fetchJwks, "jwksUrl", "fetchJwks", (url, _: undefined) => fetchJwksFrom(fetcher(), url, timers, timeoutMs));
    this.#keys = createKeySet(() => fetchJwks(undefined), this.#now, {
      cooldown: secondsOption(options.jwksCooldown, "jwksCooldown", 30) * 1000,
      maxAge: secondsOption(options.jwksMaxAge, "jwksMaxAge", 600) * 1000,
      failureHold: 0, // the session's own backoff paces its attempts
    });
    this.#tolerance = secondsOption(options.clockTolerance, "clockTolerance", 0, 3600);
    this.#refreshBefore = options.refreshBefore === undefined ? undefined : secondsOption(options.refreshBefore, "refreshBefore", 60);
    this.#retry = {
      initialDelay: secondsOption(options.retry?.initialDelay, "retry.initialDelay", 1) * 1000,
      maxDelay: secondsOption(options.retry?.maxDelay, "retry.maxDelay", 60) * 1000,
    };
    const issuer = nullableOption(options.issuer, "issuer", (v) => typeof v === "string");
    const audience = nullableOption(options.audience, "audience", (v) => typeof v === "string" || Array.isArray(v));
    const maxLifetime = options.maxLifetime === null ? null : secondsOption(options.maxLifetime, "maxLifetime", 86_400);
    if (maxLifetime === 0) throw new AuthzError("ERR_ARGUMENT_INVALID", "`maxLifetime` must be a positive number of seconds, or `null` to lift the bound");
    const physicalTenant = options.physicalTenant;
    if (physicalTenant !== undefined && typeof physicalTenant !== "string") throw new AuthzError("ERR_ARGUMENT_INVALID", "`physicalTenant` must be a string");
    // `null` opts out of a check explicitly; verifyGrants takes it as such.
    this.#verifyOptions = { issuer, audience, clockTolerance: this.#tolerance, maxLifetime, ...(physicalTenant === undefined ? {} : { physicalTenant }) } as unknown as VerifyOptions;
    this.#drift = new Drift({
      authorizer: () => this.authorizer,
      // Closed: nothing more is fetched; refused: the authorizer denies, so no report gets here.
      renew: () => (this.#closed ? Promise.resolve() : this.#shared({ fresh: true, newLogin: false }).done.catch(() => {})),
      now: () => this.#now(),
      cooldownMs: secondsOption(options.refusalCooldown, "refusalCooldown", 10) * 1000,
      emit: (d) => this.#listeners.emit("disagreement", d),
    });

    const wake = options.wake === undefined ? browserWake() : options.wake;
    if (wake !== null) this.#unwake = wake.subscribe(() => this.#onWake());

    this.ready = this.#shared({ fresh: false, newLogin: false }).promise;
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

  get token(): string | null {
    this.#checkExpiry();
    return this.#grants === null ? null : this.#token;
  }

  subscribe(listener: (state: GrantSessionState) => void): () => void {
    return this.#listeners.subscribe(listener);
  }

  on<E extends keyof GrantSessionEvents>(event: E, listener: (value: GrantSessionEvents[E]) => void): () => void {
    return this.#listeners.on(event, listener);
  }

  refresh(options: RefreshOptions = {}): Promise<void> {
    if (typeof options !== "object" || options === null) throw new AuthzError("ERR_ARGUMENT_INVALID", "refresh takes `{ newLogin? }` or nothing");
    if (this.#closed) return Promise.resolve();
    this.#refused = false; // the app's word that it may ask again (after a new login)
    return this.#shared({ fresh: false, newLogin: options.newLogin === true }).done;
  }

  reportRefusal(report: RefusalReport): Promise<Disagreement | null> {
    try {
      return this.#drift.report(report);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The attempt under way when it does what is needed, else one after it (shared too). */
  #shared(need: Need): Attempt {
    const inflight = this.#inflight;
    if (inflight === null) return this.#start(need);
    if (covers(inflight.need, need)) return inflight;
    const queued = this.#queued;
    if (queued !== null && covers(queued.need, need)) return queued;
    const merged = { fresh: need.fresh || (queued?.need.fresh ?? false), newLogin: need.newLogin || (queued?.need.newLogin ?? false) };
    const next = () => {
      this.#queued = null;
      return this.#closed ? inflight.promise : this.#shared(merged).promise; // closed: nothing more is fetched
    };
    return (this.#queued = this.#attemptOf(merged, inflight.promise.then(next, next)));
  }

  #start(need: Need): Attempt {
    const attempt = this.#attemptOf(
      need,
      this.#attempt(need).finally(() => {
        if (this.#inflight === attempt) this.#inflight = null;
      }),
    );
    this.#inflight = attempt;
    return attempt;
  }

  #attemptOf(need: Need, promise: Promise<VerifiedGrants>): Attempt {
    const done = promise.then(() => {});
    done.catch(() => {}); // failures are in `state`; an awaiting caller still gets them
    promise.catch(() => {});
    return { need, promise, done };
  }

  close(): void {
    this.#closed = true;
    this.#renewTimer.clear();
    this.#expiryTimer.clear();
    this.#unwake();
    this.#listeners.close();
  }

  /** One fetch and verification; a session closed meanwhile keeps its state (the result is still returned). */
  async #attempt(need: Need): Promise<VerifiedGrants> {
    let grants: VerifiedGrants;
    let token: string;
    try {
      // The module, the grant set and the key set load at once: over a network each is a round
      // trip, and one after the other the first decision would wait for all three. They are
      // awaited in this order, so a failure is reported as before (the grant set's first).
      const loading = init(); // the browser entry needs the module loaded; elsewhere it already is
      const fetched = (async () => this.#fetchGrants({ fresh: need.fresh }))().catch((error: unknown) => {
        throw asRefusal(error) ?? error;
      });
      // A key set's failure is the key set's, also when `fetchJwks` threw something of its own.
      const jwks = this.#keys.get().catch((error: unknown) => {
        throw asSessionError(error, "ERR_JWKS_UNAVAILABLE", "cannot fetch the key set");
      });
      for (const pending of [loading, fetched, jwks]) pending.catch(() => {}); // awaited below
      await loading;
      token = await fetched;
      grants = await this.#verify(token, jwks);
      if (!need.newLogin) this.#checkSuccession(grants);
    } catch (error) {
      const failure = asSessionError(error, "ERR_GRANTS_UNAVAILABLE", "cannot fetch the grant set");
      if (!this.#closed) this.#failed(failure);
      throw failure;
    }
    if (!this.#closed) this.#accept(grants, token);
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
      const fresh = await this.#keys.reload().catch((failure: unknown) => {
        throw asSessionError(failure, "ERR_JWKS_UNAVAILABLE", "cannot fetch the key set");
      });
      if (fresh === null) throw new AuthzError("ERR_GRANTS_KEY_NOT_FOUND", `${error.message} (the key set was fetched moments ago; it is fetched again after the cool-down)`, { cause: error });
      return verify(fresh);
    }
  }

  /**
   * A renewal must continue the grant set held while it is valid: the same subject (a grant set
   * for someone else is not a renewal), and not older (a replayed token would bring back a
   * revoked grant). After a new login (`refresh({ newLogin: true })`) either may change; once the
   * held one has expired, nothing is held to continue.
   */
  #checkSuccession(grants: VerifiedGrants): void {
    const held = this.#grants;
    if (held === null || this.#now() >= this.#expiresAt) return;
    const was = subjectOf(held);
    const is = subjectOf(grants);
    if (is !== was) {
      throw sessionError("ERR_GRANTS_SUBJECT", `the renewed grant set is for \`${is}\`, not \`${was}\`: refused, the grant set of \`${was}\` is kept (after a new login, call refresh({ newLogin: true }))`);
    }
    const [heldIat, iat] = [held.payload.iat, grants.payload.iat];
    if (heldIat !== undefined && iat !== undefined && iat < heldIat) {
      throw sessionError("ERR_GRANTS_STALE", `the renewed grant set was issued at ${isoDate(iat)}, before the one held (${isoDate(heldIat)}): refused, the newer one is kept`);
    }
  }

  #accept(grants: VerifiedGrants, token: string): void {
    const { exp, iat } = grants.payload;
    const now = this.#now();
    const lifetime = Math.max(0, exp - (iat ?? now / 1000));
    const lead = Math.min(this.#refreshBefore ?? (lifetime < 300 ? lifetime / 5 : 60), lifetime / 2);
    this.#failures = 0;
    this.#grants = grants;
    this.#token = token;
    this.#renewAt = (exp - lead) * 1000;
    this.#expiresAt = (exp + this.#tolerance) * 1000;
    // A grant set that arrives with less left than the lead (an issuer clock behind the page's)
    // renews at half its remaining time, not at once: no renewal loop.
    this.#schedule(Math.max(this.#renewAt - now, (this.#expiresAt - now) / 2, 1000));
    this.#expiryTimer.set(this.#expiresAt - now, () => this.#checkExpiry(true));
    this.#set({ status: "verified", subject: subjectOf(grants), expiresAt: new Date(exp * 1000) }, new Authorizer(grants));
  }

  #failed(failure: SessionError): void {
    const refusal = asRefusal(failure);
    if (refusal !== null) return this.#refuse(refusal);
    const delay = backoffDelay(this.#failures, this.#random(), this.#retry);
    this.#failures += 1;
    const retryAt = this.#schedule(delay);
    const lastError: SessionFailure = { code: failure.code, message: failure.message };
    const held = this.#state;
    if (this.#grants !== null && this.#now() < this.#expiresAt && held.status === "verified") {
      // Still valid: keep it, say that renewing failed.
      this.#set({ ...held, lastError, retryAt: new Date(retryAt) }, this.#authorizer);
    } else if (this.#grants !== null || (held.status === "error" && held.code === "ERR_GRANTS_EXPIRED")) {
      this.#expire({ lastError, retryAt: new Date(retryAt) });
    } else {
      const code = failure.code === "ERR_GRANTS_REFUSED" ? "ERR_GRANTS_UNAVAILABLE" : failure.code;
      this.#set({ status: "error", code, message: failure.message, lastError, retryAt: new Date(retryAt) }, deniedAuthorizer(code, `every operation is denied: no verified grant set (${code}: ${failure.message})`));
    }
  }

  /**
   * The issuer refused (401/403): its word that this user gets no grant set now (the login
   * expired, the user was disabled). The held grant set is dropped at once, and nothing is
   * fetched (no timer, no wake-up) until the app calls refresh().
   */
  #refuse(refusal: RefusalError): void {
    const held = this.#state;
    this.#refused = true;
    this.#grants = null;
    this.#renewTimer.clear();
    this.#expiryTimer.clear();
    this.#nextAttemptAt = Infinity;
    this.#set(
      {
        status: "error",
        code: "ERR_GRANTS_REFUSED",
        message: refusal.message,
        httpStatus: refusal.httpStatus,
        ...(refusal.issuerCode === undefined ? {} : { issuerCode: refusal.issuerCode }),
        ...(held.subject === undefined ? {} : { subject: held.subject }),
        ...(held.expiresAt === undefined ? {} : { expiresAt: held.expiresAt }),
      },
      deniedAuthorizer("ERR_GRANTS_REFUSED", `every operation is denied: the issuer refused the grant set (ERR_GRANTS_REFUSED: ${refusal.message})`),
    );
  }

  /** The held grant set has expired: fail closed, naming when and why. */
  #expire(extra: { lastError?: SessionFailure; retryAt?: Date } = {}, notify = true): void {
    const held = this.#state;
    const lastError = extra.lastError ?? held.lastError;
    const when = held.expiresAt === undefined ? "" : ` at ${held.expiresAt.toISOString()}`;
    const message = `the grant set${held.subject === undefined ? "" : ` of \`${held.subject}\``} expired${when}${lastError === undefined ? "" : ` and could not be renewed: ${lastError.message}`}`;
    this.#grants = null;
    this.#expiryTimer.clear();
    const retryAt = extra.retryAt ?? held.retryAt;
    const state: GrantSessionState = {
      status: "error",
      code: "ERR_GRANTS_EXPIRED",
      message,
      ...(held.subject === undefined ? {} : { subject: held.subject }),
      ...(held.expiresAt === undefined ? {} : { expiresAt: held.expiresAt }),
      ...(lastError === undefined ? {} : { lastError }),
      ...(retryAt === undefined ? {} : { retryAt }),
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
    if (!fromTimer) queueMicrotask(() => this.#listeners.emitState(this.#state));
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
    if (this.#closed || this.#refused) return;
    const due = this.#grants === null || this.#now() >= this.#renewAt;
    if (!due) return;
    this.#failures = 0; // someone is looking: try now, and back off from the start again
    this.#renewQuietly();
  }

  /** A renewal nobody awaits (a timer's, a wake-up's): its failure is in `state`; none after a refusal. */
  #renewQuietly(): void {
    if (this.#closed || this.#refused) return;
    this.#shared({ fresh: false, newLogin: false });
  }

  #set(state: GrantSessionState, authorizer: Authorizer | DeniedAuthorizer, notify = true): void {
    this.#state = Object.freeze(state);
    this.#authorizer = authorizer;
    if (notify) this.#listeners.emitState(this.#state);
  }
}

/** Whom a grant set is for: `sub`, else the principal's id (what `state.subject` says). */
function subjectOf(grants: VerifiedGrants): string {
  const { sub, principal } = grants.payload;
  return sub ?? principal.id;
}

function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
