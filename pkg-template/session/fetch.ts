// Fetching the grant set and the key set from URLs: with a timeout, a byte cap on the body (an
// endless body is cut off, not read), and no answer from another origin after a redirect. An
// HTTP status, a network failure or a timeout becomes an AuthzError with the session's code; a
// 401 or 403 from the issuer is a refusal (`ERR_GRANTS_REFUSED`, with the status and the issuer's
// own problem `code`). Types here are structural, so the declarations need neither the DOM nor
// Node.js types.

import type { Jwks } from "../core/index.js";
import { asSessionError, refusalError, sessionError } from "./errors.js";
import type { SessionErrorCode } from "./errors.js";
import type { Timers } from "./timers.js";
import { readText, TooLarge } from "../http/body.js";
import type { BodyStream } from "../http/body.js";

/** A response body as a stream (the platform's `ReadableStream` fits). */
export type BodyStreamLike = BodyStream;

/** The part of a fetch `Response` the session reads. */
export interface FetchResponseLike {
  readonly ok: boolean;
  readonly status: number;
  /** Where the answer came from after redirects (checked to be the requested origin when present). */
  readonly url?: string;
  readonly headers?: { get(name: string): string | null };
  /** Read with a byte cap when present; else `text()` (and the cap applies to its length). */
  readonly body?: BodyStreamLike | null;
  text(): Promise<string>;
}

/** The part of `fetch` the session calls (the platform's `fetch` fits). */
export type FetchLike = (
  url: string,
  init: { method: "GET"; headers: Record<string, string>; credentials: "same-origin"; cache: "no-store"; redirect: "follow"; signal?: unknown },
) => Promise<FetchResponseLike>;

/** What a request for the grant set is for, as `grantsHeaders` and `fetchGrants` are told. */
export interface GrantsRequest {
  /**
   * `true` when the cluster just refused an operation the grant set allowed (`reportRefusal`):
   * the authorizations may have changed, so an issuer that caches them should read them again.
   * A session with `grantsUrl` adds `fresh=1` to its query then, which camunda-authz/issuer's
   * handler honours; tell another issuer in a header of your own.
   */
  readonly fresh: boolean;
}

/** Extra request headers, e.g. `{ authorization: "Bearer ..." }` for an issuer that wants the user's token. */
export type HeadersSource = (request: GrantsRequest) => Record<string, string> | Promise<Record<string, string>>;

/** The most bytes read from `grantsUrl`: a 1 MiB token (verifyGrants' default bound) and a JSON envelope around it. */
export const MAX_GRANTS_RESPONSE_BYTES = (1 << 20) + (16 << 10);
/** The most bytes read from `jwksUrl`: 1 MiB, as verifyGrants bounds a JWKS. */
export const MAX_JWKS_RESPONSE_BYTES = 1 << 20;

interface Target {
  url: string;
  what: string;
  /** The code of a failure to fetch, and of an answer over the cap. */
  code: SessionErrorCode;
  tooLarge: SessionErrorCode;
  cap: number;
  accept: string;
}

/** The origin of `url` (relative URLs against the page), or null when it has none. */
function originOf(url: string): string | null {
  try {
    const base = (globalThis as { location?: { href?: string } }).location?.href;
    return new URL(url, base).origin;
  } catch {
    return null;
  }
}

const NO_HEADERS = { get: () => null };

/** The body as text, at most `cap` bytes of UTF-8: a longer one is cut off (and the stream cancelled) and refused. */
async function cappedText(res: FetchResponseLike, target: Target): Promise<string> {
  const over = () => sessionError(target.tooLarge, `${target.what} from \`${target.url}\` is over ${target.cap} bytes`);
  if (res.body === undefined || res.body === null) {
    const text = await res.text();
    if (text.length > target.cap) throw over();
    return text;
  }
  try {
    return await readText({ headers: res.headers ?? NO_HEADERS, body: res.body }, target.cap);
  } catch (error) {
    throw error instanceof TooLarge ? over() : error;
  }
}

/** The `code` of a problem JSON body (RFC 9457, with camunda-authz/issuer's `code` member), when it is one. */
function problemCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === "string" && /^[A-Za-z0-9_.:-]{1,100}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

async function fetchText(fetcher: FetchLike, target: Target, timers: Timers, timeoutMs: number, headers: Record<string, string>, refusals: boolean): Promise<string> {
  const { url, what, code } = target;
  const controller = typeof AbortController === "function" ? new AbortController() : undefined;
  let timedOut = false;
  const timer = timers.setTimeout(() => {
    timedOut = true;
    controller?.abort();
  }, timeoutMs);
  try {
    const init = { method: "GET", headers: { ...headers, accept: target.accept }, credentials: "same-origin", cache: "no-store", redirect: "follow" } as const;
    const res = await fetcher(url, controller === undefined ? init : { ...init, signal: controller.signal });
    // Redirects are followed (within the origin, a moved path is fine), but an answer from
    // another origin is nobody's to trust: a key set from there would sign anything.
    const from = res.url === undefined || res.url === "" ? null : originOf(res.url);
    if (from !== null && from !== originOf(url)) {
      controller?.abort();
      throw sessionError(code, `cannot fetch ${what} from \`${url}\`: it was redirected to another origin (\`${from}\`), which is refused`);
    }
    if (refusals && (res.status === 401 || res.status === 403)) {
      const body = await cappedText(res, { ...target, cap: 16 << 10 }).catch(() => "");
      throw refusalError(res.status, problemCode(body), `the issuer refused the grant set at \`${url}\``);
    }
    if (!res.ok) throw sessionError(code, `cannot fetch ${what} from \`${url}\`: HTTP ${res.status}`);
    return await cappedText(res, target);
  } catch (error) {
    if (timedOut) throw sessionError(code, `cannot fetch ${what} from \`${url}\`: no answer within ${timeoutMs} ms`, error);
    throw asSessionError(error, code, `cannot fetch ${what} from \`${url}\``);
  } finally {
    timers.clearTimeout(timer);
  }
}

/** `url` with `fresh=1` in its query (before a fragment). */
function withFresh(url: string): string {
  const hash = url.indexOf("#");
  const [path, fragment] = hash === -1 ? [url, ""] : [url.slice(0, hash), url.slice(hash)];
  return `${path}${path.includes("?") ? "&" : "?"}fresh=1${fragment}`;
}

/** The grant set from `url`: the compact token as text, or JSON with a `token` member. */
export async function fetchGrantsFrom(fetcher: FetchLike, configured: string, timers: Timers, timeoutMs: number, request: GrantsRequest, headers?: HeadersSource): Promise<string> {
  const extra = headers === undefined ? {} : await headers(request);
  const url = request.fresh ? withFresh(configured) : configured;
  const target: Target = { url, what: "the grant set", code: "ERR_GRANTS_UNAVAILABLE", tooLarge: "ERR_GRANTS_TOO_LARGE", cap: MAX_GRANTS_RESPONSE_BYTES, accept: "application/jwt, application/json;q=0.9, text/plain;q=0.8" };
  const body = (await fetchText(fetcher, target, timers, timeoutMs, extra, true)).trim();
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
  const target: Target = { url, what: "the key set", code: "ERR_JWKS_UNAVAILABLE", tooLarge: "ERR_JWKS_INVALID", cap: MAX_JWKS_RESPONSE_BYTES, accept: "application/jwk-set+json, application/json;q=0.9" };
  const body = await fetchText(fetcher, target, timers, timeoutMs, {}, false);
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
