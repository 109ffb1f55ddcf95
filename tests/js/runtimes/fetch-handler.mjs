// The request handler of the workerd Worker and the Vercel Edge function under test:
//   POST /tasks?operation=claim   header x-camunda-grants: <signed grant set>   body: [task, ...]
//     -> 200 with the tasks the principal may see (or claim, ...), 401/400 with an AuthzError code
//   POST /search?operation=claim  the same header   body: a /v2/user-tasks/search response (JSON text)
//     -> 200 with that response, its `items` filtered (filterSearchResponse, no JSON.parse)
//   GET /conformance               -> the harness report (package shape + conformance suite)
import { exercise } from "./harness.mjs";

const json = (value, status = 200) => new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

export function makeHandler(lib, jwksText) {
  return async function handle(request) {
    const url = new URL(request.url);
    if (url.pathname === "/conformance") return json(await exercise(lib));
    if (!["/tasks", "/search"].includes(url.pathname) || request.method !== "POST") return json({ code: "NOT_FOUND" }, 404);
    try {
      const grants = lib.verifyGrants(request.headers.get("x-camunda-grants") ?? "", jwksText, { issuer: "https://tasklist.example.com", audience: "tasklist" });
      const authz = new lib.Authorizer(grants);
      const operation = url.searchParams.get("operation") ?? "search";
      if (url.pathname === "/search") {
        return new Response(authz.filterSearchResponse(await request.text(), operation), { headers: { "content-type": "application/json" } });
      }
      return json(authz.filter(await request.json(), operation));
    } catch (error) {
      if (!(error instanceof lib.AuthzError)) throw error;
      return json({ code: error.code, message: error.message }, error.code.startsWith("ERR_GRANTS") ? 401 : 400);
    }
  };
}
