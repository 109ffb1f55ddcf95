// One issue's account: its deadline (when `deadlineMs` has passed, every request it started is
// aborted), the requests it made, and whether everything it needed besides the principal came
// from the cache. The hooks and the handler's log read it (`IssueStats`). The deadline keeps its
// own set of callbacks rather than an AbortSignal's listeners: an issue may have dozens of
// requests in flight, and runtimes warn past ten listeners on one signal.
import { issuerError } from "./errors.js";

export class IssueContext {
  readonly #onDeadline = new Set<() => void>();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly started: number;
  readonly deadlineMs: number;
  /** Requests to the cluster this issue made. */
  requests = 0;
  /** OAuth token requests this issue made. */
  tokenRequests = 0;
  /** Cache look-ups this issue did not find settled (it loaded, or waited for another's load). */
  misses = 0;
  /** Whether the deadline has passed. */
  passed = false;
  /** Whether this issue reads the principal's memberships and authorizations afresh (IssueOptions.fresh). */
  fresh = false;
  /** Who the grant set is for, once known. */
  subject: string | undefined;
  /** Rejects when the deadline passes (never resolves). */
  readonly expired: Promise<never>;

  constructor(deadlineMs: number, now: () => number) {
    this.started = now();
    this.deadlineMs = deadlineMs;
    let reject: (error: unknown) => void = () => {};
    this.expired = new Promise<never>((_, r) => (reject = r));
    this.#timer = setTimeout(() => {
      const error = issuerError("ERR_ISSUER_UPSTREAM", `the grant set was not issued within the deadline of ${deadlineMs} ms (deadlineMs) after ${this.requests} request(s) to the cluster`, { status: 504 });
      this.passed = true;
      for (const callback of this.#onDeadline) callback();
      this.#onDeadline.clear();
      reject(error);
    }, deadlineMs);
    this.expired.catch(() => {}); // observed through Promise.race; never an unhandled rejection
  }

  /** Calls `callback` when the deadline passes (at once if it has); resolves a function that forgets it. */
  onDeadline(callback: () => void): () => void {
    if (this.passed) {
      callback();
      return () => {};
    }
    this.#onDeadline.add(callback);
    return () => this.#onDeadline.delete(callback);
  }

  /** Stops the deadline (the issue is answered). */
  finish(): void {
    clearTimeout(this.#timer);
  }
}

/** What a request needs of its issue: the deadline and a place to count itself. */
export type RequestContext = Pick<IssueContext, "passed" | "onDeadline" | "requests" | "tokenRequests">;
