// camunda-authz's search proxy: a fetch handler for `POST .../v2/user-tasks/search` at the edge.
// It verifies the caller's grant set, forwards the search to the cluster (with the caller's
// token, or a shared credential), and answers with only the tasks the grant set allows, filling
// the page when a shared credential lets the cluster return more than the caller may see.
//   1. the path and method (404, 405);
//   2. the grant set from its header (401 ERR_GRANTS_MISSING, 401 ERR_GRANTS_*, 503 when the
//      keys cannot be fetched), bound to the caller by `expectSubject` (ERR_GRANTS_SUBJECT);
//   3. the request body, read with a byte cap (413), a user-task search query (400);
//   4. the cluster's pages (502, 504; the caller's own token refused: its 401/403), filtered.
import { Authorizer, AuthzError } from "../core/index.js";
import { readText, TooLarge } from "../http/body.js";
import { readOptions } from "./options.js";
import type { ProxyConfig } from "./options.js";
import { filledPage, readSearchRequest, singlePage } from "./pages.js";
import { asProblem, grantsProblem, Problem, problemAsResponse, problemRecord } from "./problem.js";
import type { FetchRequest, SearchProxy, SearchProxyOptions, UpstreamHeaders } from "./types.js";

export type { FetchFunction, FetchRequest, FetchResponse, SearchProxy, SearchProxyCode, SearchProxyError, SearchProxyOptions, UpstreamHeaders } from "./types.js";

const SEARCH_PATH = "/v2/user-tasks/search";

/** The Authorizer of the request's grant set, bound to the caller when `expectSubject` is set. */
async function authorizerOf(config: ProxyConfig, request: Request): Promise<Authorizer> {
  const token = request.headers.get(config.grantsHeader)?.trim() ?? "";
  if (token === "") throw new Problem(401, "ERR_GRANTS_MISSING", `send the grant set in the \`${config.grantsHeader}\` header`, { headers: { "www-authenticate": "Bearer" } });
  let grants;
  try {
    grants = await config.keys.verify(token);
  } catch (error) {
    if (error instanceof AuthzError) throw grantsProblem(error);
    throw error;
  }
  if (config.expectSubject !== undefined) {
    let expected: unknown;
    try {
      expected = await config.expectSubject(request as unknown as FetchRequest);
    } catch (error) {
      throw new Problem(401, "ERR_GRANTS_SUBJECT", "the caller's subject could not be established (expectSubject threw)", { cause: error });
    }
    if (typeof expected !== "string" || expected === "") throw new Problem(401, "ERR_GRANTS_SUBJECT", "the caller's subject could not be established (expectSubject gave no string)");
    const { sub, principal } = grants.payload;
    // Neither subject is echoed: the grant set may be someone else's.
    if ((sub ?? principal.id) !== expected) throw new Problem(403, "ERR_GRANTS_SUBJECT", "the grant set is not the caller's: its subject is another one");
  }
  return new Authorizer(grants);
}

/** The headers that authenticate the call to the cluster: the shared credential's, or the caller's `authorization`. */
async function upstreamHeaders(config: ProxyConfig, request: Request): Promise<UpstreamHeaders> {
  if (config.credentials === undefined) {
    const authorization = request.headers.get("authorization");
    return authorization === null ? {} : { authorization };
  }
  let headers: unknown;
  try {
    headers = await config.credentials(request as unknown as FetchRequest);
  } catch (error) {
    throw new Problem(502, "ERR_UPSTREAM", "the credentials for the cluster could not be had (credentials threw)", { cause: error });
  }
  if (typeof headers !== "object" || headers === null || Object.values(headers).some((v) => typeof v !== "string")) {
    throw new Problem(502, "ERR_UPSTREAM", "`credentials` must give an object of header names and string values");
  }
  return headers as UpstreamHeaders;
}

async function bodyOf(config: ProxyConfig, request: Request): Promise<string> {
  try {
    return await readText(request, config.maxRequestBytes);
  } catch (error) {
    if (error instanceof TooLarge) throw new Problem(413, "ERR_REQUEST_TOO_LARGE", `the request: ${error.message}`);
    throw new Problem(400, "ERR_REQUEST_INVALID", "the request body could not be read as UTF-8 text", { cause: error });
  }
}

async function answer(config: ProxyConfig, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (!path.endsWith(SEARCH_PATH)) throw new Problem(404, "ERR_NOT_FOUND", `no route \`${path}\`: this proxy answers POST ${SEARCH_PATH}`);
  if (request.method !== "POST") throw new Problem(405, "ERR_METHOD", `\`${request.method}\` is not allowed here: POST a user-task search`, { headers: { allow: "POST" } });
  const authz = await authorizerOf(config, request);
  const query = await bodyOf(config, request);
  const search = readSearchRequest(query, config);
  const headers = await upstreamHeaders(config, request);
  const body = config.fill ? await filledPage(config, authz, headers, search) : await singlePage(config, authz, headers, query);
  // The answer is this caller's: no shared cache may keep it.
  return new Response(body, { headers: { "content-type": "application/json", "cache-control": "private, no-store" } });
}

/**
 * A fetch handler that answers `POST .../v2/user-tasks/search` with the cluster's user tasks that
 * the request's grant set allows. Throws `ERR_ARGUMENT_INVALID` for a bad option; every request
 * gets an answer, a failure as a problem (`application/problem+json` with `code`).
 */
export function createSearchProxy(options: SearchProxyOptions): SearchProxy {
  const config = readOptions(options);
  const proxy = async (request: Request): Promise<Response> => {
    try {
      return await answer(config, request);
    } catch (error) {
      const problem = asProblem(error);
      try {
        config.onError?.(problemRecord(problem));
      } catch {
        // a logger that throws must not turn the answer into a crash
      }
      return problemAsResponse(problem);
    }
  };
  return proxy as unknown as SearchProxy;
}
