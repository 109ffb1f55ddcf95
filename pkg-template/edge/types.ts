// The search proxy's public types. Like the core's, they name `Request` and `Response` only where
// the consumer's lib declares them, so the declarations need neither the DOM nor Node.js types.

import type { Jwks } from "../core/index.js";

/** `Request` where the consumer's lib declares it (DOM, WebWorker, Node.js or Workers types). */
export type FetchRequest = typeof globalThis extends { Request: { prototype: infer R } } ? R : never;
/** `Response` where the consumer's lib declares it. */
export type FetchResponse = typeof globalThis extends { Response: { prototype: infer R } } ? R : never;
/** `fetch` where the consumer's lib declares it. */
export type FetchFunction = typeof globalThis extends { fetch: infer F } ? F : never;

/** A fetch-style handler: a Worker's `fetch`, `Deno.serve`'s handler, Hono's `c.req.raw`. */
export type SearchProxy = (request: FetchRequest) => Promise<FetchResponse>;

/** Request headers to send the cluster: a plain object of names and values. */
export type UpstreamHeaders = Record<string, string>;

/** Options of `createSearchProxy`. */
export interface SearchProxyOptions {
  /** The cluster's REST address, e.g. `https://camunda.example.com` (the proxy posts to `/v2/user-tasks/search` below it). */
  upstream: string;
  /** The issuer's public keys: a JWKS object or its JSON text (a Worker's text binding). Exactly one of `jwks` and `jwksUrl`. */
  jwks?: Jwks | string;
  /** Where the issuer publishes its JWKS: fetched on first use, kept `jwksMaxAge`, fetched again (at most once per `jwksCooldown`) for an unknown `kid`. */
  jwksUrl?: string;
  /** Seconds a fetched JWKS is used (default 600). */
  jwksMaxAge?: number;
  /** Seconds after a JWKS fetch during which an unknown `kid` does not fetch again (default 30). */
  jwksCooldown?: number;
  /** The expected `iss` (required); `null` skips the check on purpose. */
  issuer: string | null;
  /** The expected `aud` (required); `null` skips the check on purpose. */
  audience: string | readonly string[] | null;
  /** Seconds of leeway for `exp` and `nbf`: 0 to 3600 (default 0). */
  clockTolerance?: number;
  /** The request header that carries the grant set (default `x-camunda-grants`). */
  grantsHeader?: string;
  /**
   * The headers that authenticate the proxy's calls to the cluster, for a shared credential (a
   * service account's token, a cache). Default: the caller's own `authorization` header.
   */
  credentials?: (request: FetchRequest) => UpstreamHeaders | Promise<UpstreamHeaders>;
  /** Fetch further upstream pages until `page.limit` allowed items or the end (default: on with `credentials`, off without). */
  fillPages?: boolean;
  /** The most upstream requests one filled page may cost (default 10, at most 100). */
  maxUpstreamPages?: number;
  /** The largest `page.limit` a caller may ask for (default 1000; Camunda's default limit is 100). */
  maxLimit?: number;
  /** The caller's subject (e.g. the `sub` of their token): a grant set for another subject is refused (`ERR_GRANTS_SUBJECT`). */
  expectSubject?: (request: FetchRequest) => string | Promise<string>;
  /** The largest request body read, in bytes (default 65536). */
  maxRequestBytes?: number;
  /** The largest upstream response body read, in bytes (default 16 MiB). */
  maxUpstreamBytes?: number;
  /** Seconds each upstream request (the cluster's, the JWKS's), body included, may take (default 10). */
  timeout?: number;
  /** The fetch to reach the cluster and the JWKS with (default: the platform's). */
  fetch?: FetchFunction;
  /** Called with every failure answered with a problem, for logging; its messages hold no token and no credential. */
  onError?: (error: SearchProxyError) => void;
}

/** The codes of the proxy's problem responses, besides the `ERR_GRANTS_*` / `ERR_JWKS_*` of verification. */
export type SearchProxyCode =
  | "ERR_GRANTS_MISSING"
  | "ERR_GRANTS_SUBJECT"
  | "ERR_REQUEST_INVALID"
  | "ERR_REQUEST_TOO_LARGE"
  | "ERR_NOT_FOUND"
  | "ERR_METHOD"
  | "ERR_UPSTREAM"
  | "ERR_UPSTREAM_REFUSED"
  | "ERR_UPSTREAM_TIMEOUT"
  | "ERR_INTERNAL";

/** What `onError` receives: the problem's status, code and detail, and the error behind it. */
export interface SearchProxyError {
  status: number;
  code: string;
  detail: string;
  cause?: unknown;
}
