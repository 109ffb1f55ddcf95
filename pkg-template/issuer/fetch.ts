// fetch with bounds: every request the issuer makes ends within `timeoutMs` and within its
// issue's deadline, and its answer is read up to `maxResponseBytes` by the edge's reader
// (http/body.ts: the Content-Length, then the bytes as they arrive: a body without end is cut
// off, never held). A network failure, a timeout
// or an oversized answer is ERR_ISSUER_UPSTREAM naming the request and its URL (never its
// headers or body); the error's cause holds only the system error code, never the original
// error, whose message may repeat the URL.
import { readText, TooLarge } from "../http/body.js";
import type { BodySource } from "../http/body.js";
import type { RequestContext } from "./context.js";
import { issuerError, networkCode } from "./errors.js";

/** What the issuer sends: a method, headers as a record, a string body, the abort signal. */
export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** What the issuer reads of an answer (the platform's Response fits). */
export interface FetchAnswer extends BodySource {
  readonly status: number;
  readonly ok: boolean;
}

/** The platform's `fetch`, or the Node.js entry's node:http one (node-fetch.ts). */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchAnswer>;

/** The issuer's way out: a fetch, a per-request timeout, a byte cap and a clock (tests pass their own). */
export interface Transport {
  fetch: FetchLike;
  timeoutMs: number;
  maxResponseBytes: number;
  now: () => number;
}

/** An answer read whole: status, headers and the body as text. */
export interface Answer {
  status: number;
  ok: boolean;
  headers: BodySource["headers"];
  text: string;
}

/** The body up to the cap (the edge's reader: Content-Length first, then the bytes as they arrive). */
async function readCapped(res: FetchAnswer, max: number, what: string): Promise<string> {
  try {
    return await readText(res, max);
  } catch (error) {
    if (error instanceof TooLarge) throw issuerError("ERR_ISSUER_UPSTREAM", `${what} answered more than ${max} bytes (maxResponseBytes)`);
    if (error instanceof TypeError && !(error as { cause?: unknown }).cause) throw issuerError("ERR_ISSUER_UPSTREAM", `${what} answered something that is not UTF-8 text`);
    throw error;
  }
}

/** `what` names the request with its URL, e.g. `POST https://camunda.example.com/v2/authorizations/search`. */
export async function timedFetch(transport: Transport, url: string, init: FetchInit, what: string, call?: RequestContext): Promise<Answer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, transport.timeoutMs);
  const forget = call?.onDeadline(() => controller.abort());
  try {
    if (call?.passed) throw issuerError("ERR_ISSUER_UPSTREAM", `${what} was not sent: the issue's deadline had passed (deadlineMs)`, { status: 504 });
    let res: FetchAnswer;
    try {
      res = await transport.fetch(url, { ...init, signal: controller.signal });
    } catch (cause) {
      throw failed(cause);
    }
    // The body is read under the same deadline and the byte cap.
    try {
      const text = await readCapped(res, transport.maxResponseBytes, what);
      return { status: res.status, ok: res.ok, headers: res.headers, text };
    } catch (cause) {
      if (cause instanceof Error && cause.name === "AuthzError") throw cause;
      throw failed(cause);
    }
  } finally {
    clearTimeout(timer);
    forget?.();
  }

  function failed(cause: unknown): Error {
    const code = networkCode(cause);
    const safe = Object.assign(new Error(`fetch failed${code === undefined ? "" : ` (${code})`}`), code === undefined ? {} : { code });
    if (timedOut) return issuerError("ERR_ISSUER_UPSTREAM", `${what} timed out after ${transport.timeoutMs} ms (timeoutMs)`, { cause: safe, status: 504 });
    if (call?.passed) return issuerError("ERR_ISSUER_UPSTREAM", `${what} was cut off by the issue's deadline (deadlineMs)`, { cause: safe, status: 504 });
    return issuerError("ERR_ISSUER_UPSTREAM", `${what} failed: it could not be reached${code === undefined ? "" : ` (${code})`}`, { cause: safe });
  }
}
