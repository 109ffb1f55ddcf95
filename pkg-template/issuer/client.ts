// The cluster's REST API v2 as the issuer uses it: JSON requests with the service account's (or
// the user's) credentials, status codes turned into the issuer's error codes, and searches
// followed page by page through `page.endCursor` until the last one.
import { issuerError } from "./errors.js";
import type { IssuerErrorCode } from "./errors.js";
import type { Credentials } from "./auth.js";
import { timedFetch } from "./fetch.js";
import type { Transport } from "./fetch.js";
import { isPage } from "./shapes.js";

/** Who a request is made as: the service account, or the user whose bearer token it is. */
export type Caller = "service" | { userToken: string };

export interface SearchOptions {
  pageSize: number;
  /** A search stops with ERR_ISSUER_UPSTREAM beyond this many pages (a cursor that never ends). */
  maxPages: number;
}

export interface CamundaClient {
  /** GET or POST `path` (`/v2/...`); resolves the parsed JSON, or null for 404 when `allowMissing`. */
  call(method: "GET" | "POST", path: string, options?: { body?: unknown; as?: Caller; allowMissing?: boolean }): Promise<unknown>;
  /** Every item of a search, all pages, each checked by `isItem`. */
  searchAll<T>(path: string, filter: Record<string, unknown> | undefined, isItem: (item: unknown) => item is T, what: string): Promise<T[]>;
  /** Requests made to the cluster so far (token requests not included). */
  readonly requests: number;
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

  async function send(method: string, path: string, body: unknown, as: Caller): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const auth = as === "service" ? await credentials.header() : `Bearer ${as.userToken}`;
    if (auth !== undefined) headers.authorization = auth;
    count += 1;
    return timedFetch(transport, base + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }, `${method} ${path}`);
  }

  async function call(method: "GET" | "POST", path: string, options: { body?: unknown; as?: Caller; allowMissing?: boolean } = {}): Promise<unknown> {
    const as = options.as ?? "service";
    let res = await send(method, path, options.body, as);
    if (res.status === 401 && as === "service") {
      // The cached token may have been revoked or expired early: one retry with a fresh one.
      credentials.invalidate();
      res = await send(method, path, options.body, as);
    }
    if (res.status === 404 && options.allowMissing) return null;
    if (res.status === 401 || res.status === 403) {
      const code: IssuerErrorCode = as === "service" ? "ERR_ISSUER_AUTH" : "ERR_ISSUER_PRINCIPAL";
      const who = as === "service" ? "the service account" : "the user token";
      throw issuerError(code, `the cluster refused ${who} on ${method} ${path} (${res.status})`, as === "service" ? {} : { status: res.status });
    }
    if (!res.ok) throw issuerError("ERR_ISSUER_UPSTREAM", `${method} ${path} failed (${res.status})`);
    try {
      return await res.json();
    } catch (cause) {
      throw issuerError("ERR_ISSUER_UPSTREAM", `${method} ${path} answered with something that is not JSON`, { cause });
    }
  }

  async function searchAll<T>(path: string, filter: Record<string, unknown> | undefined, isItem: (item: unknown) => item is T, what: string): Promise<T[]> {
    const items: T[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < search.maxPages; pages++) {
      const page: Record<string, unknown> = { limit: search.pageSize };
      if (after !== undefined) page.after = after;
      const body = await call("POST", path, { body: filter === undefined ? { page } : { filter, page } });
      if (!isPage(body)) throw issuerError("ERR_ISSUER_UPSTREAM", `POST ${path} answered with something that is not a search result (${what})`);
      for (const item of body.items) {
        if (!isItem(item)) throw issuerError("ERR_ISSUER_UPSTREAM", `POST ${path} answered with an item that is not ${what}`);
        items.push(item);
      }
      if (!morePages(body.page, body.items.length, items.length, search.pageSize)) return items;
      const cursor = body.page.endCursor;
      if (typeof cursor !== "string" || cursor === "") throw issuerError("ERR_ISSUER_UPSTREAM", `POST ${path} has more items but answered without \`page.endCursor\``);
      after = cursor;
    }
    throw issuerError("ERR_ISSUER_UPSTREAM", `POST ${path} did not reach its last page within ${search.maxPages} pages`);
  }

  return {
    call,
    searchAll,
    get requests() {
      return count;
    },
  };
}
