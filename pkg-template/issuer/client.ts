// The cluster's REST API v2 as the issuer uses it: JSON requests with the service account's (or
// the user's) credentials, status codes turned into the issuer's error codes, and searches
// followed page by page through `page.endCursor` until the last one, within bounds: a cursor the
// cluster repeats is an error (not 10,000 requests), a search holds at most `maxItems` items
// (a search that never ends is cut off, not held until the process dies), and every request
// goes through the circuit breaker (breaker.ts).
import { Breaker } from "./breaker.js";
import type { Credentials } from "./auth.js";
import { shownUrl } from "./config.js";
import type { RequestContext } from "./context.js";
import { issuerError } from "./errors.js";
import type { IssuerErrorCode } from "./errors.js";
import { timedFetch } from "./fetch.js";
import type { Answer, Transport } from "./fetch.js";
import { isPage } from "./shapes.js";

/** Who a request is made as: the service account, or the user whose bearer token it is. */
export type Caller = "service" | { userToken: string };

export interface SearchOptions {
  pageSize: number;
  /** A search stops with ERR_ISSUER_UPSTREAM beyond this many pages (a cursor that never ends). */
  maxPages: number;
  /** ... and beyond this many items, all pages together. */
  maxItems: number;
}

/** A search as the user (`as`), what a 404 means (`missing`), and what else each page says (`onPage`). */
export interface PageOptions {
  as?: Caller;
  missing?: string;
  onPage?: (body: Record<string, unknown>) => void;
}

export interface CallOptions {
  body?: unknown;
  as?: Caller;
  allowMissing?: boolean;
  call?: RequestContext;
}

export interface CamundaClient {
  /** GET or POST `path` (`/v2/...`); resolves the parsed JSON, or null for 404 when `allowMissing`. */
  call(method: "GET" | "POST", path: string, options?: CallOptions): Promise<unknown>;
  /** GET or POST `path` and resolves its status, for the readiness check (no retry, no error for a 4xx). */
  probe(method: "GET" | "POST", path: string, body: unknown, call?: RequestContext): Promise<Answer>;
  /** Every item of a search, all pages, each checked by `isItem`. */
  searchAll<T>(path: string, filter: Record<string, unknown> | undefined, isItem: (item: unknown) => item is T, what: string, call?: RequestContext, options?: PageOptions): Promise<T[]>;
  /** The cluster as messages name it. */
  readonly where: string;
  readonly breaker: Breaker;
  /** Requests made to the cluster so far (token requests not included). */
  readonly requests: number;
  /** Requests to the cluster in flight now. */
  readonly inFlight: number;
}

/**
 * An id as one path segment. `encodeURIComponent` leaves `.` alone, and `fetch` (as every URL
 * parser, `%2e` included) removes a `.` or `..` segment as it normalises the path:
 * `/v2/groups/../users/search` would reach `/v2/users/search`. Camunda's ids may be `.` or `..`
 * (`^[a-zA-Z0-9_@.-]+$`, camunda/camunda zeebe/gateway-rest/src/main/java/io/camunda/zeebe/
 * gateway/rest/validator/IdentifierPatterns.java at 0f52725e7ea26c214540ee9ce8efdbb2f53d7fcb),
 * so such an id cannot be named in a path, and the request is refused.
 */
export function segment(id: string, what: string, code: IssuerErrorCode = "ERR_ISSUER_UPSTREAM"): string {
  if (id === "" || id === "." || id === "..") {
    throw issuerError(code, `${what} \`${id}\`: an id of \`.\`, \`..\` or nothing cannot be named in a URL path (fetch removes such a segment as it normalises the URL, and the request would reach another endpoint), so no grant set is issued that needs it`);
  }
  return encodeURIComponent(id);
}

/**
 * Is there a page after this one. `totalItems` decides when the cluster gives it (exact unless
 * `hasMoreTotalItems`), so a cluster that serves fewer items than asked per page is still read
 * to the end; without it, a short page is the last.
 */
function morePages(page: { totalItems?: number; hasMoreTotalItems?: boolean }, got: number, total: number, pageSize: number): boolean {
  if (got === 0) return false;
  if (page.hasMoreTotalItems === true) return true;
  if (typeof page.totalItems === "number") return total < page.totalItems;
  return got >= pageSize;
}

export function camundaClient(base: string, credentials: Credentials, transport: Transport, search: SearchOptions): CamundaClient {
  let count = 0;
  let inFlight = 0;
  const where = shownUrl(base);
  const breaker = new Breaker(where, transport.now);
  const named = (method: string, path: string) => `${method} ${shownUrl(base + path)}`;

  async function send(method: string, path: string, body: unknown, header: string | undefined, call: RequestContext | undefined): Promise<Answer> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (header !== undefined) headers.authorization = header;
    const probe = await breaker.admit();
    count += 1;
    inFlight += 1;
    if (call) call.requests += 1;
    const what = named(method, path);
    try {
      const res = await timedFetch(transport, base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }, what, call);
      if (res.status >= 500) breaker.failure(`${what}: ${res.status}`, probe);
      else breaker.success();
      return res;
    } catch (error) {
      breaker.failure(`${what}: ${(error as Error).message.slice(what.length + 1)}`, probe);
      throw error;
    } finally {
      inFlight -= 1;
    }
  }

  async function call(method: "GET" | "POST", path: string, options: CallOptions = {}): Promise<unknown> {
    const as = options.as ?? "service";
    const header = as === "service" ? await credentials.header(options.call) : `Bearer ${as.userToken}`;
    let res = await send(method, path, options.body, header, options.call);
    if (res.status === 401 && as === "service" && header !== undefined && credentials.refused(header, named(method, path), false)) {
      // The cached token may have been revoked or expired early: one retry with a fresh one.
      const fresh = await credentials.header(options.call);
      res = await send(method, path, options.body, fresh, options.call);
      if (res.status === 401 && fresh !== undefined) credentials.refused(fresh, named(method, path), true);
    }
    if (res.status === 404 && options.allowMissing) return null;
    if (res.status === 401 || res.status === 403) {
      const code: IssuerErrorCode = as === "service" ? "ERR_ISSUER_AUTH" : "ERR_ISSUER_PRINCIPAL";
      const who = as === "service" ? "the service account" : "the user token";
      throw issuerError(code, `the cluster refused ${who} on ${named(method, path)} (${res.status})`, as === "service" ? {} : { status: res.status });
    }
    if (!res.ok) throw issuerError("ERR_ISSUER_UPSTREAM", `${named(method, path)} failed (${res.status})`);
    try {
      return JSON.parse(res.text);
    } catch {
      throw issuerError("ERR_ISSUER_UPSTREAM", `${named(method, path)} answered with something that is not JSON`);
    }
  }

  async function probe(method: "GET" | "POST", path: string, body: unknown, ctx?: RequestContext): Promise<Answer> {
    return send(method, path, body, await credentials.header(ctx), ctx);
  }

  async function searchAll<T>(path: string, filter: Record<string, unknown> | undefined, isItem: (item: unknown) => item is T, what: string, ctx?: RequestContext, options: PageOptions = {}): Promise<T[]> {
    const items: T[] = [];
    const cursors = new Set<string>();
    let after: string | undefined;
    for (let pages = 0; pages < search.maxPages; pages++) {
      const page: Record<string, unknown> = { limit: search.pageSize };
      if (after !== undefined) page.after = after;
      const body = await call("POST", path, {
        body: filter === undefined ? { page } : { filter, page },
        ...(ctx === undefined ? {} : { call: ctx }),
        ...(options.as === undefined ? {} : { as: options.as }),
        ...(options.missing === undefined ? {} : { allowMissing: true }),
      });
      if (body === null && options.missing !== undefined) throw issuerError("ERR_ISSUER_UPSTREAM", `${named("POST", path)} answered 404: ${options.missing}`);
      if (!isPage(body)) throw issuerError("ERR_ISSUER_UPSTREAM", `${named("POST", path)} answered with something that is not a search result (${what})`);
      options.onPage?.(body as unknown as Record<string, unknown>);
      if (items.length + body.items.length > search.maxItems) {
        throw issuerError("ERR_ISSUER_UPSTREAM", `${named("POST", path)} has more than ${search.maxItems} items (maxSearchItems) for ${what}s; it is not read further`, { tooMany: true });
      }
      for (const item of body.items) {
        if (!isItem(item)) throw issuerError("ERR_ISSUER_UPSTREAM", `${named("POST", path)} answered with an item that is not ${what}`);
        items.push(item);
      }
      if (!morePages(body.page, body.items.length, items.length, search.pageSize)) return items;
      const cursor = body.page.endCursor;
      if (typeof cursor !== "string" || cursor === "") throw issuerError("ERR_ISSUER_UPSTREAM", `${named("POST", path)} has more items but answered without \`page.endCursor\``);
      if (cursors.has(cursor)) throw issuerError("ERR_ISSUER_UPSTREAM", `${named("POST", path)} answered page ${pages + 1} with a \`page.endCursor\` it had answered before: its pages do not advance`);
      cursors.add(cursor);
      after = cursor;
    }
    throw issuerError("ERR_ISSUER_UPSTREAM", `${named("POST", path)} did not reach its last page within ${search.maxPages} pages`);
  }

  return {
    call,
    probe,
    searchAll,
    where,
    breaker,
    get requests() {
      return count;
    },
    get inFlight() {
      return inFlight;
    },
  };
}
