// Fetching the grant set and the key set from URLs, with a timeout; an HTTP status, a network
// failure or a timeout becomes an AuthzError with the session's code. Types here are structural,
// so the declarations need neither the DOM nor Node.js types.

import type { Jwks } from "../core/index.js";
import { asSessionError, sessionError } from "./errors.js";
import type { SessionErrorCode } from "./errors.js";
import type { Timers } from "./timers.js";

/** The part of a fetch `Response` the session reads. */
export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}

/** The part of `fetch` the session calls (the platform's `fetch` fits). */
export type FetchLike = (
  url: string,
  init: { method: "GET"; headers: Record<string, string>; credentials: "same-origin"; cache: "no-store"; signal?: unknown },
) => Promise<FetchResponseLike>;

/** Extra request headers, e.g. `{ authorization: "Bearer ..." }` for an issuer that wants the user's token. */
export type HeadersSource = () => Record<string, string> | Promise<Record<string, string>>;

async function fetchText(fetcher: FetchLike, url: string, accept: string, code: SessionErrorCode, what: string, timers: Timers, timeoutMs: number, extra?: HeadersSource): Promise<string> {
  const headers = { ...(extra === undefined ? {} : await extra()), accept };
  const controller = typeof AbortController === "function" ? new AbortController() : undefined;
  let timedOut = false;
  const timer = timers.setTimeout(() => {
    timedOut = true;
    controller?.abort();
  }, timeoutMs);
  try {
    const init = { method: "GET", headers, credentials: "same-origin", cache: "no-store" } as const;
    const res = await fetcher(url, controller === undefined ? init : { ...init, signal: controller.signal });
    if (!res.ok) throw sessionError(code, `cannot fetch ${what} from \`${url}\`: HTTP ${res.status}`);
    return await res.text();
  } catch (error) {
    if (timedOut) throw sessionError(code, `cannot fetch ${what} from \`${url}\`: no answer within ${timeoutMs} ms`, error);
    throw asSessionError(error, code, `cannot fetch ${what} from \`${url}\``);
  } finally {
    timers.clearTimeout(timer);
  }
}

/** The grant set from `url`: the compact token as text, or JSON with a `token` member. */
export async function fetchGrantsFrom(fetcher: FetchLike, url: string, timers: Timers, timeoutMs: number, headers?: HeadersSource): Promise<string> {
  const body = (await fetchText(fetcher, url, "application/jwt, application/json;q=0.9, text/plain;q=0.8", "ERR_GRANTS_UNAVAILABLE", "the grant set", timers, timeoutMs, headers)).trim();
  if (!body.startsWith("{")) return body;
  let token: unknown;
  try {
    token = (JSON.parse(body) as { token?: unknown }).token;
  } catch (error) {
    throw sessionError("ERR_GRANTS_MALFORMED", `the grant set from \`${url}\` is neither a compact token nor JSON with a \`token\``, error);
  }
  if (typeof token !== "string") throw sessionError("ERR_GRANTS_MALFORMED", `the JSON from \`${url}\` has no string \`token\``);
  return token;
}

/** The key set from `url`, as JSON. */
export async function fetchJwksFrom(fetcher: FetchLike, url: string, timers: Timers, timeoutMs: number): Promise<Jwks> {
  const body = await fetchText(fetcher, url, "application/jwk-set+json, application/json;q=0.9", "ERR_JWKS_UNAVAILABLE", "the key set", timers, timeoutMs);
  try {
    return JSON.parse(body) as Jwks;
  } catch (error) {
    throw sessionError("ERR_JWKS_INVALID", `the key set from \`${url}\` is not JSON`, error);
  }
}

/** The platform's fetch, looked up when a session is made (never at import). */
export function platformFetch(): FetchLike | undefined {
  const f = (globalThis as { fetch?: unknown }).fetch;
  return typeof f === "function" ? (f.bind(globalThis) as FetchLike) : undefined;
}
