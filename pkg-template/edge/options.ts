// Reading createSearchProxy's options once, when the proxy is made: each bad one is an
// ERR_ARGUMENT_INVALID that names it, so a misconfigured Worker fails at its first request's
// creation, not halfway through a search.
import { AuthzError } from "../core/index.js";
import { nullableOption, secondsOption } from "../session/options.js";
import { grantKeys } from "./keys.js";
import type { GrantKeys } from "./keys.js";
import type { FetchRequest, SearchProxyError, SearchProxyOptions, UpstreamHeaders } from "./types.js";

/** The options as the proxy uses them. */
export interface ProxyConfig {
  /** `{upstream}/v2/user-tasks/search`. */
  searchUrl: string;
  keys: GrantKeys;
  grantsHeader: string;
  /** Absent: the caller's own `authorization` is forwarded. */
  credentials: ((request: FetchRequest) => UpstreamHeaders | Promise<UpstreamHeaders>) | undefined;
  fill: boolean;
  maxPages: number;
  maxLimit: number;
  expectSubject: ((request: FetchRequest) => string | Promise<string>) | undefined;
  maxRequestBytes: number;
  maxUpstreamBytes: number;
  timeoutMs: number;
  fetch: typeof fetch;
  onError: ((error: SearchProxyError) => void) | undefined;
}

function invalid(message: string): AuthzError {
  return new AuthzError("ERR_ARGUMENT_INVALID", `createSearchProxy: ${message}`);
}

/** A whole number from `min` to `max`, `fallback` when left out. */
function count(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw invalid(`\`${name}\` must be a whole number from ${min} to ${max}`);
  return value;
}

function optionalFunction<F>(value: unknown, name: string): F | undefined {
  if (value !== undefined && typeof value !== "function") throw invalid(`\`${name}\` must be a function`);
  return value as F | undefined;
}

/** An http(s) URL without credentials, query or fragment; the search path goes below its path. */
function searchUrlOf(upstream: unknown): string {
  if (typeof upstream !== "string" || upstream === "") throw invalid("`upstream` must be the cluster's REST address, e.g. \"https://camunda.example.com\"");
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw invalid(`\`upstream\` is not a URL: \`${upstream}\``);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid(`\`upstream\` must be an http or https URL, not \`${url.protocol}\``);
  // A URL's password would end up in logs and error messages: pass it through `credentials`.
  if (url.username !== "" || url.password !== "") throw invalid("`upstream` must not hold credentials: pass them through `credentials`");
  if (url.search !== "" || url.hash !== "") throw invalid("`upstream` must be the REST address alone, without a query or a fragment");
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return new URL("v2/user-tasks/search", url).href;
}

export function readOptions(options: SearchProxyOptions): ProxyConfig {
  if (typeof options !== "object" || options === null) throw invalid("takes an options object: { upstream, jwks or jwksUrl, issuer, audience }");
  const given = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof given !== "function") throw invalid("there is no `fetch` here: pass `fetch`");
  // Called as a plain function: workerd's fetch refuses to run as a method of another object.
  const fetcher: typeof fetch = (input, init) => given(input, init);
  const timeoutMs = secondsOption(options.timeout, "timeout", 10, 300) * 1000;
  const credentials = optionalFunction<ProxyConfig["credentials"]>(options.credentials, "credentials");
  if (options.fillPages !== undefined && typeof options.fillPages !== "boolean") throw invalid("`fillPages` must be true or false");
  const grantsHeader = options.grantsHeader ?? "x-camunda-grants";
  if (typeof grantsHeader !== "string" || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(grantsHeader)) throw invalid("`grantsHeader` must be an HTTP header name");
  const issuer = nullableOption(options.issuer, "issuer", (v) => typeof v === "string");
  const audience = nullableOption(options.audience, "audience", (v) => typeof v === "string" || Array.isArray(v));
  return {
    searchUrl: searchUrlOf(options.upstream),
    keys: grantKeys(options, { issuer, audience, clockTolerance: secondsOption(options.clockTolerance, "clockTolerance", 0, 3600) }, fetcher, timeoutMs),
    grantsHeader,
    credentials,
    fill: options.fillPages ?? credentials !== undefined,
    maxPages: count(options.maxUpstreamPages, "maxUpstreamPages", 10, 1, 100),
    maxLimit: count(options.maxLimit, "maxLimit", 1000, 1, 10_000),
    expectSubject: optionalFunction(options.expectSubject, "expectSubject"),
    maxRequestBytes: count(options.maxRequestBytes, "maxRequestBytes", 1 << 16, 2, 1 << 24),
    maxUpstreamBytes: count(options.maxUpstreamBytes, "maxUpstreamBytes", 1 << 24, 1024, 1 << 27),
    timeoutMs,
    fetch: fetcher,
    onError: optionalFunction(options.onError, "onError"),
  };
}
