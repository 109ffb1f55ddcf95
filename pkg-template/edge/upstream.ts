// One call to the cluster's `POST /v2/user-tasks/search`: with a deadline (the body read
// included), a byte cap on the answer, and the answer checked for the shape Camunda's OpenAPI
// gives it (`{ items: [...], page: { totalItems, startCursor, endCursor, hasMoreTotalItems } }`).
// Every failure is a Problem; none repeats a header, a credential or the cluster's body.
import { readText, TooLarge } from "./body.js";
import type { ProxyConfig } from "./options.js";
import { Problem } from "./problem.js";
import type { UpstreamHeaders } from "./types.js";

/** `page` of a search response (the cursors are null on an empty page). */
export interface UpstreamPage {
  totalItems: number;
  startCursor: string | null;
  endCursor: string | null;
  hasMoreTotalItems: boolean;
}

/** The cluster's answer: its JSON text (for filterSearchResponse), its items as parsed, its page. */
export interface UpstreamAnswer {
  text: string;
  items: unknown[];
  page: UpstreamPage;
}

// 8.8 leaves a cursor out where 8.9 says null, and has no hasMoreTotalItems.
const isCursor = (v: unknown) => v === null || v === undefined || typeof v === "string";

/** The status and code to answer for the cluster's refusal `status`. */
function refusal(status: number, forwarded: boolean, detail: string): Problem {
  // The caller's own token refused: theirs to fix. A shared credential refused: the proxy's.
  if ((status === 401 || status === 403) && forwarded) return new Problem(status, "ERR_UPSTREAM_REFUSED", `the cluster refused the caller's credentials (HTTP ${status})`);
  if (status === 400) return new Problem(400, "ERR_REQUEST_INVALID", `the cluster refused the search (HTTP 400)${detail}`);
  return new Problem(502, "ERR_UPSTREAM", `the cluster answered HTTP ${status}`);
}

/** The `detail` of a Camunda problem body, when it is one: it describes the caller's query. */
function camundaDetail(text: string): string {
  try {
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    return typeof detail === "string" ? `: ${detail.slice(0, 500)}` : "";
  } catch {
    return "";
  }
}

export async function searchUpstream(config: ProxyConfig, headers: UpstreamHeaders, body: string): Promise<UpstreamAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), config.timeoutMs);
  let text: string;
  try {
    const res = await config.fetch(config.searchUrl, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", accept: "application/json" },
      body,
      signal: controller.signal,
      redirect: "manual",
    });
    if (res.status !== 200) {
      const detail = res.status === 400 ? camundaDetail(await readText(res, 1 << 16).catch(() => "")) : "";
      await res.body?.cancel().catch(() => {});
      throw refusal(res.status, config.credentials === undefined, detail);
    }
    text = await readText(res, config.maxUpstreamBytes);
  } catch (error) {
    if (error instanceof Problem) throw error;
    if (error instanceof TooLarge) throw new Problem(502, "ERR_UPSTREAM", `the cluster's answer: ${error.message}`);
    if (controller.signal.aborted) throw new Problem(504, "ERR_UPSTREAM_TIMEOUT", `the cluster did not answer within ${config.timeoutMs} ms`, { cause: error });
    throw new Problem(502, "ERR_UPSTREAM", "the cluster could not be reached", { cause: error });
  } finally {
    clearTimeout(timer);
  }
  let parsed: { items?: unknown; page?: Partial<UpstreamPage> };
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Problem(502, "ERR_UPSTREAM", "the cluster's answer is not JSON", { cause: error });
  }
  const page = parsed?.page;
  if (
    !Array.isArray(parsed?.items) ||
    typeof page !== "object" ||
    page === null ||
    typeof page.totalItems !== "number" ||
    !isCursor(page.startCursor) ||
    !isCursor(page.endCursor) ||
    !(page.hasMoreTotalItems === undefined || typeof page.hasMoreTotalItems === "boolean")
  ) {
    throw new Problem(502, "ERR_UPSTREAM", "the cluster's answer is not a user-task search response ({ items, page })");
  }
  const { totalItems, startCursor, endCursor, hasMoreTotalItems } = page;
  return { text, items: parsed.items, page: { totalItems, startCursor: startCursor ?? null, endCursor: endCursor ?? null, hasMoreTotalItems: hasMoreTotalItems ?? false } };
}
