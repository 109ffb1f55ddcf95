// The search request's `page`, and the page the proxy answers. Alone (the caller's own token: the
// cluster already filtered for them) it is the cluster's page with the items the grant set does
// not allow taken out. Filled (a shared credential) it asks the cluster for further pages until it
// holds `limit` allowed items, the result ends, or `maxUpstreamPages` is spent (a request that cut
// an answer short counts), and then says what
// the caller can see: `totalItems` counts the allowed items from the start of the result to the end
// of this page, `hasMoreTotalItems` says whether more may follow, and `endCursor` continues after
// the last upstream item read. The proxy's cursors carry the cluster's cursor and those counts.
import { AuthzError } from "../core/index.js";
import type { Authorizer } from "../core/index.js";
import type { ProxyConfig } from "./options.js";
import { fromBase64url, toBase64url } from "../http/base64url.js";
import { Problem } from "./problem.js";
import { searchUpstream } from "./upstream.js";
import type { UpstreamHeaders } from "./types.js";

/** Camunda's default `page.limit`. */
const DEFAULT_LIMIT = 100;
/** A proxy cursor: this prefix, then base64url of `[upstream cursor, allowed items up to it, upstream items up to it]`. */
const CURSOR_PREFIX = "cap1.";

/** A position in the result: after the cluster's cursor `c` (null: the start), `n` allowed items and `s` items of the cluster's lie before it. */
interface Position {
  c: string | null;
  n: number;
  s: number;
}

/** The search request as the proxy reads it. */
export interface SearchRequest {
  /** The request's members but `page`. */
  body: Record<string, unknown>;
  limit: number;
  /** Where a filled page starts. */
  from: Position;
}

const bad = (detail: string) => new Problem(400, "ERR_REQUEST_INVALID", detail);

function base64url(text: string): string {
  return toBase64url(new TextEncoder().encode(text));
}

function unbase64url(text: string): string {
  return new TextDecoder("utf-8", { fatal: true }).decode(fromBase64url(text));
}

function encodeCursor(p: Position): string {
  return CURSOR_PREFIX + base64url(JSON.stringify([p.c, p.n, p.s]));
}

const count = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function decodeCursor(cursor: string): Position {
  try {
    if (!cursor.startsWith(CURSOR_PREFIX)) throw new Error("not a proxy cursor");
    const [c, n, s] = JSON.parse(unbase64url(cursor.slice(CURSOR_PREFIX.length))) as unknown[];
    if (typeof c === "string" && count(n) && count(s)) return { c, n, s };
  } catch {
    // answered below
  }
  throw bad("`page.after` is not a cursor this proxy made: page on with the `endCursor` of its last answer");
}

/** Reads and checks the request body (a Camunda user-task search query; empty is `{}`). */
export function readSearchRequest(text: string, config: ProxyConfig): SearchRequest {
  let parsed: unknown = {};
  if (text.trim() !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      throw bad("the request body is not JSON");
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw bad("the request body must be a JSON object (a user-task search query)");
  const { page = {}, ...body } = parsed as { page?: unknown } & Record<string, unknown>;
  if (typeof page !== "object" || page === null || Array.isArray(page)) throw bad("`page` must be an object");
  const { limit = DEFAULT_LIMIT, after, before, from } = page as Record<string, unknown>;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > config.maxLimit) throw bad(`\`page.limit\` must be a whole number from 1 to ${config.maxLimit}`);
  if (after !== undefined && typeof after !== "string") throw bad("`page.after` must be a cursor (a string)");
  if (before !== undefined && typeof before !== "string") throw bad("`page.before` must be a cursor (a string)");
  if (from !== undefined && !count(from)) throw bad("`page.from` must be a whole number from 0");
  if (config.fill) {
    // Filtered pages have no offsets the cluster knows, and are filled forward only.
    if (before !== undefined) throw bad("this proxy fills pages forward: page with `page.after`, not `page.before`");
    if (from !== undefined && from !== 0) throw bad("this proxy fills pages: page with `page.after` (the `endCursor` of its last answer), not `page.from`");
  }
  return { body, limit, from: after === undefined || !config.fill ? { c: null, n: 0, s: 0 } : decodeCursor(after) };
}

/** The cluster's answer with only the items the grant set allows, as JSON text. */
function allowedOf(authz: Authorizer, text: string): string {
  try {
    return authz.filterSearchResponse(text, "search");
  } catch (error) {
    if (!(error instanceof AuthzError)) throw error;
    throw new Problem(502, "ERR_UPSTREAM", `the cluster's answer cannot be filtered: ${error.message}`, { cause: error });
  }
}

/** One upstream page, the caller's query as sent, its items filtered. */
export async function singlePage(config: ProxyConfig, authz: Authorizer, headers: UpstreamHeaders, query: string): Promise<string> {
  const answer = await searchUpstream(config, headers, query);
  const text = allowedOf(authz, answer.text);
  const filtered = JSON.parse(text) as { items: unknown[]; page: { totalItems: number } };
  const removed = answer.items.length - filtered.items.length;
  if (removed === 0) return text;
  // The grant set allows less than the cluster did (a stale grant set, say): the total drops by what was taken out.
  filtered.page.totalItems = Math.max(filtered.items.length, answer.page.totalItems - removed);
  return JSON.stringify(filtered);
}

/** How many of `items` (the cluster's, in order) it takes to reach the `n`-th of `allowed` (a subsequence of them, kept byte for byte). */
function itemsThrough(items: unknown[], allowed: unknown[], n: number): number {
  let seen = 0;
  let next = JSON.stringify(allowed[0]);
  for (let i = 0; i < items.length; i++) {
    if (JSON.stringify(items[i]) !== next) continue;
    if (++seen === n) return i + 1;
    next = JSON.stringify(allowed[seen]);
  }
  return items.length;
}

/**
 * As many upstream pages as it takes to fill `limit` allowed items, within `maxUpstreamPages`.
 * Each asks for as many items as the share of allowed ones so far says it takes (at least the
 * number still wanted, at most `maxLimit`); an answer with more allowed items than wanted is asked
 * again, cut after the last one wanted, so that the next page starts right after it.
 */
export async function filledPage(config: ProxyConfig, authz: Authorizer, headers: UpstreamHeaders, request: SearchRequest): Promise<string> {
  const items: unknown[] = [];
  let at = request.from;
  let startCursor: string | null = null;
  let end = false;
  // The share of allowed items so far, from the start of the result (the cursor's counts).
  let scanned = at.s;
  let kept = at.n;
  const ask = async (limit: number) => {
    const page = at.c === null ? { limit } : { limit, after: at.c };
    const answer = await searchUpstream(config, headers, JSON.stringify({ ...request.body, page }));
    if (answer.items.length > limit) throw new Problem(502, "ERR_UPSTREAM", `the cluster answered ${answer.items.length} items to a page of ${limit}`);
    return { answer, allowed: (JSON.parse(allowedOf(authz, answer.text)) as { items: unknown[] }).items };
  };
  for (let pages = 0; items.length < request.limit && pages < config.maxPages && !end; pages++) {
    const want = request.limit - items.length;
    // The last request the bound allows asks for no more than it can hand out; the others guess
    // from the share allowed so far (none yet: twice as many as before).
    const guess = kept === 0 ? (scanned === 0 ? want : 2 * scanned) : Math.ceil((want * scanned) / kept);
    let { answer, allowed } = await ask(pages + 1 === config.maxPages ? want : Math.min(config.maxLimit, Math.max(want, guess)));
    if (allowed.length > want) {
      pages++;
      ({ answer, allowed } = await ask(itemsThrough(answer.items, allowed, want)));
      // Only when the cluster changed between the two requests: never more than the page holds.
      allowed = allowed.slice(0, want);
    }
    if (allowed.length > 0 && startCursor === null) startCursor = encodeCursor(at);
    items.push(...allowed);
    scanned += answer.items.length;
    kept += allowed.length;
    const s = at.s + answer.items.length;
    end = answer.items.length === 0 || answer.page.endCursor === null || (!answer.page.hasMoreTotalItems && s >= answer.page.totalItems);
    at = { c: answer.page.endCursor ?? at.c, n: at.n + allowed.length, s };
  }
  const page = {
    totalItems: at.n,
    startCursor,
    // A page the bound left empty still continues: ask again from its endCursor.
    endCursor: items.length === 0 && end ? null : encodeCursor(at),
    hasMoreTotalItems: !end,
  };
  return JSON.stringify({ items, page });
}
