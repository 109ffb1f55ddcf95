// A circuit breaker for the cluster: after FAILURES requests in a row that failed for the
// cluster's sake (unreachable, a timeout, a 5xx), requests fail at once for a pause (0.5 s,
// doubling to 4 s while it stays down), then one request is let through to probe while the
// others wait for it; its success closes the breaker. While the cluster is down, every issue is then answered at once (503 with
// Retry-After) instead of each one waiting its timeout, so requests do not pile up, and the
// cluster is not hammered as it comes back. A 4xx is an answer: it never opens the breaker.
import { issuerError } from "./errors.js";

const FAILURES = 5;
const FIRST_PAUSE_MS = 500;
const MAX_PAUSE_MS = 4000;
/** The longest a request waits for the probe's outcome before it fails as if the breaker were open. */
const PROBE_WAIT_MS = 1000;

export class Breaker {
  readonly #now: () => number;
  readonly #where: string;
  #failures = 0;
  #pauseMs = 0;
  #until = 0;
  /** The probe in flight: requests past the pause wait for its outcome instead of failing. */
  #probe: { done: Promise<void>; settle: () => void } | undefined;
  #last = "";

  constructor(where: string, now: () => number) {
    this.#where = where;
    this.#now = now;
  }

  /**
   * Resolves whether this request is the probe; throws while open. Past the pause the first
   * request probes and the others wait for it, up to PROBE_WAIT_MS: a success lets them all go
   * (the first issues after an outage succeed), a failure opens the breaker again, and a probe
   * that hangs (a cluster that accepts connections and never answers) leaves them to fail.
   */
  async admit(): Promise<boolean> {
    for (let waited = false; ; ) {
      if (this.#failures < FAILURES) return false;
      if (this.#probe && !waited) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([this.#probe.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, PROBE_WAIT_MS)))]);
        clearTimeout(timer);
        waited = true;
        continue;
      }
      const now = this.#now();
      if (now >= this.#until && !this.#probe) {
        let settle = () => {};
        const done = new Promise<void>((resolve) => (settle = resolve));
        this.#probe = { done, settle };
        return true;
      }
      const wait = Math.max(0, this.#until - now);
      throw issuerError("ERR_ISSUER_UPSTREAM", `the cluster at ${this.#where} failed ${this.#failures} requests in a row (the last: ${this.#last}); ${this.#probe ? "a probe request has not been answered yet" : `no request is sent for ${wait} ms more`}`, {
        status: 503,
        retryAfter: Math.max(1, Math.ceil(wait / 1000)),
      });
    }
  }

  #endProbe(): void {
    this.#probe?.settle();
    this.#probe = undefined;
  }

  success(): void {
    this.#failures = 0;
    this.#pauseMs = 0;
    this.#endProbe();
  }

  failure(why: string, probe: boolean): void {
    this.#failures += 1;
    this.#last = why;
    if (this.#failures < FAILURES) return;
    // Requests sent before it opened fail one after another: they neither lengthen the pause nor end a probe.
    if (!probe && (this.#probe !== undefined || (this.#failures > FAILURES && this.#now() < this.#until))) return;
    this.#pauseMs = this.#pauseMs === 0 ? FIRST_PAUSE_MS : Math.min(MAX_PAUSE_MS, this.#pauseMs * 2);
    this.#until = this.#now() + this.#pauseMs;
    this.#endProbe();
  }

  /** Closed (requests go out), open (they fail at once) or probing. */
  get state(): "closed" | "open" | "probing" {
    if (this.#failures < FAILURES) return "closed";
    return this.#probe ? "probing" : "open";
  }
}
