// One issue's account: its deadline (an AbortSignal that ends every request it started when
// `deadlineMs` has passed), the requests it made, and whether everything it needed besides the
// principal came from the cache. The hooks and the handler's log read it (`IssueStats`).
import { issuerError } from "./errors.js";

export class IssueContext {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly started: number;
  readonly deadlineMs: number;
  /** Requests to the cluster this issue made. */
  requests = 0;
  /** OAuth token requests this issue made. */
  tokenRequests = 0;
  /** Cache look-ups this issue did not find settled (it loaded, or waited for another's load). */
  misses = 0;
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
      this.#controller.abort(error);
      reject(error);
    }, deadlineMs);
    this.expired.catch(() => {}); // observed through Promise.race; never an unhandled rejection
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops the deadline (the issue is answered). */
  finish(): void {
    clearTimeout(this.#timer);
  }
}

/** What a request needs of its issue: the deadline's signal and a place to count itself. */
export type RequestContext = Pick<IssueContext, "signal" | "requests" | "tokenRequests">;
