// A Camunda 8 Orchestration Cluster stand-in for tests and the demo (not shipped).
//
//   import { startStandin } from "../camunda-standin/index.mjs";
//   const standin = await startStandin(data, options);   // listens on 127.0.0.1, a free port
//   standin.url        // "http://127.0.0.1:PORT": the REST address (paths /v2/...)
//   standin.oauthUrl   // its OAuth client-credentials token endpoint
//   standin.userToken("alice", { groups: ["sales"] })   // a bearer token for user alice with those claims
//   standin.caller({ username: "alice", claims })      // alice resolved: { mappingRules, groups, roles, tenants } (Sets)
//   standin.allowed(caller, "claim", task)             // the stand-in's own rule for one operation
//   standin.visibleTasks(caller)                       // what its /v2/user-tasks/search returns to the caller
//   standin.fail({ path: /authorizations/, status: 503, times: 1 })  // failure injection (below)
//   standin.requests   // every request handled: { method, path, body, as }
//   standin.violations // schema violations (must stay empty: assertClean() throws on any)
//   standin.tokenRequests  // OAuth token requests served
//   standin.latencyMs = 20; standin.blackhole(true); await standin.down(); await standin.up()  // faults.mjs
//   standin.counters   // { count, inFlight, maxInFlight } of every request, kept or not
//   await standin.close()
//
// `data` describes the cluster:
//   { users: [{ username, name?, email?, password? }],            password: Basic auth
//     clients: [{ clientId, clientSecret, scopes? }],              OAuth clients (the service account)
//     groups: [{ groupId, name?, users?, clients?, mappingRules? }],
//     roles: [{ roleId, name?, users?, clients?, groups?, mappingRules? }],
//     tenants: [{ tenantId, name?, users?, clients?, groups?, roles?, mappingRules? }],
//     mappingRules: [{ mappingRuleId, claimName, claimValue, name? }],
//     authorizations: [{ ownerType, ownerId, resourceType, resourceId | resourcePropertyName, permissionTypes }],
//     userTasks: [{ userTaskKey, processDefinitionId, state?, assignee?, candidateUsers?, candidateGroups?, tenantId?, ... }],
//     authorizationsEnabled?: true, multiTenancyEnabled?: false, groupsClaim?: "$.groups",
//     camundaVersion?: "8.9" (how mapping-rule claim names read), physicalTenants?: ["eu-1"] (served
//     under /physical-tenants/<id>/v2/...) }
// options: { tokenTtl: seconds an OAuth token lives (300), maxPageSize: the most items a page
//   holds whatever the request's limit (10000), anonymous: accept requests without credentials
//   as the unprotected API does (false), latencyMs: added to every request (0), record: keep
//   every request in `requests` (true; a benchmark's millions would not fit), checkEvery: check
//   one request and answer in N against the schemas (1: all; the benchmark's 100,000 users) }.
//
// It serves the endpoints the issuer uses (/v2/authentication/me, /v2/authorizations/search,
// /v2/mapping-rules/search, /v2/users/{username}, /v2/users/search, groups, roles and tenants
// searches with their member searches) and /v2/user-tasks/search, with cursor paging
// (page.limit / page.after, page.endCursor) and Camunda's search filtering: a caller without READ
// on the resource type sees an empty list. Every request and response is checked against
// Camunda's zod schemas (8.9 and 8.10, see schemas.mjs); a violation answers 500, is printed and
// recorded in `violations`.
//
// Failure injection: fail({ path?: string | RegExp (default: every /v2 path), method?, status?:
// HTTP status (e.g. 500, 503, 401), delayMs?: answer late, malformed?: "json" | "shape", hang?:
// never answer, drop?: reset the connection, transform?: (body, request) => body, applied to a
// 200 answer before it is checked against Camunda's schemas (a page that repeats its cursor, or
// never ends, in Camunda's own shape), times?: how many requests (default 1; Infinity: until
// clearFailures()) }.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { loadRoutes } from "./schemas.mjs";
import { authorizationsOf, permits, resolve } from "./identity.mjs";
import { allowed, userTaskItem } from "./tasks.mjs";
import { userTaskWrites } from "./user-tasks.mjs";
import { faults } from "./faults.mjs";

const b64url = (v) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
const list = (v) => v ?? [];

/** Cursor paging over `all`, honouring page.limit / page.after / page.from. */
function paged(all, page = {}, maxPageSize) {
  let start = 0;
  if (page.after !== undefined) {
    const n = Number(Buffer.from(page.after, "base64url").toString());
    if (!Number.isInteger(n) || n < 0) return { error: "page.after is not a cursor this cluster made" };
    start = n + 1;
  } else if (page.from !== undefined) start = page.from;
  const limit = Math.min(page.limit ?? 100, maxPageSize);
  const items = all.slice(start, start + limit);
  const cursor = (i) => b64url(String(i));
  return {
    items,
    page: { totalItems: all.length, startCursor: items.length ? cursor(start) : null, endCursor: items.length ? cursor(start + items.length - 1) : null, hasMoreTotalItems: false },
  };
}

/** Applies the equality filters the stand-in implements; an unimplemented one is an error, not ignored. */
function filtered(items, filter = {}, implemented) {
  for (const key of Object.keys(filter)) if (!implemented.includes(key)) return { error: `the stand-in does not implement filter \`${key}\`` };
  const eq = (v, f) => (f !== null && typeof f === "object" && !Array.isArray(f) ? (f.$eq === undefined || v === f.$eq) && (f.$in === undefined || f.$in.includes(v)) : v === f);
  return { items: items.filter((item) => Object.entries(filter).every(([k, f]) => (Array.isArray(f) ? f.includes(item[k]) : Array.isArray(item[k]) ? item[k].includes(f) : eq(item[k], f)))) };
}

export async function startStandin(data, options = {}) {
  const routes = await loadRoutes();
  const writes = await userTaskWrites(data, violation);
  const tokenTtl = options.tokenTtl ?? 300;
  const maxPageSize = options.maxPageSize ?? 10_000;
  const tokens = new Map(); // bearer -> { principal, exp (ms) }
  const requests = [];
  const violations = [];
  let failures = [];
  let tokenRequests = 0;
  let checks = 0;
  let keyCounter = 0;
  const authorizationKey = () => String(2251799813700000 + keyCounter++);
  for (const a of list(data.authorizations)) a.authorizationKey ??= authorizationKey();

  const caller = ({ username, clientId, claims }) => {
    const principal = username !== undefined ? { type: "USER", id: username, claims: claims ?? { sub: username } } : { type: "CLIENT", id: clientId, claims: claims ?? { sub: clientId, client_id: clientId } };
    return resolve(data, principal);
  };
  const visibleTasks = (c) => list(data.userTasks).map(userTaskItem).filter((t) => allowed(data, c, "search", t));

  function authenticate(header) {
    if (!header) return options.anonymous ? { unrestricted: true, type: "ANONYMOUS", id: "", as: "anonymous" } : null;
    const basic = /^Basic (.+)$/i.exec(header);
    if (basic) {
      const [user, ...rest] = Buffer.from(basic[1], "base64").toString().split(":");
      const u = list(data.users).find((x) => x.username === user && x.password !== undefined && x.password === rest.join(":"));
      // A BASIC login never resolves mapping rules (DefaultBasicMembershipService).
      return u ? { ...resolve(data, { type: "USER", id: u.username, claims: {}, basic: true }), as: `basic:${u.username}` } : null;
    }
    const bearer = /^Bearer (.+)$/i.exec(header);
    const entry = bearer && tokens.get(bearer[1]);
    if (!entry || Date.now() >= entry.exp) return null;
    try {
      return { ...resolve(data, entry.principal), as: `${entry.principal.type === "USER" ? "user" : "oauth"}:${entry.principal.id}` };
    } catch {
      return null; // a groups claim Camunda cannot read refuses the login
    }
  }

  function issueToken(principal, ttlSeconds) {
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...principal.claims, iat: now, exp: now + ttlSeconds };
    const token = `${b64url({ alg: "RS256", typ: "JWT", kid: "standin" })}.${b64url(claims)}.${randomBytes(16).toString("base64url")}`;
    tokens.set(token, { principal, exp: Date.now() + ttlSeconds * 1000 });
    return token;
  }

  // --- the endpoints ---------------------------------------------------------------------------

  const entityIds = { groups: "groupId", roles: "roleId", tenants: "tenantId" };
  const entityResource = { groups: "GROUP", roles: "ROLE", tenants: "TENANT" };
  const memberItem = {
    users: (id) => ({ username: id }),
    clients: (id) => ({ clientId: id }),
    groups: (id) => ({ groupId: id }),
    roles: (id) => {
      const r = list(data.roles).find((x) => x.roleId === id);
      return { roleId: id, name: r?.name ?? id, description: r?.description ?? null };
    },
    "mapping-rules": (id) => {
      const r = list(data.mappingRules).find((x) => x.mappingRuleId === id);
      return { mappingRuleId: id, claimName: r?.claimName ?? "", claimValue: r?.claimValue ?? "", name: r?.name ?? id };
    },
  };
  const mappingRuleItem = (r) => ({ mappingRuleId: r.mappingRuleId, claimName: r.claimName, claimValue: r.claimValue, name: r.name ?? r.mappingRuleId });
  const entityItem = {
    groups: (g) => ({ groupId: g.groupId, name: g.name ?? g.groupId, description: g.description ?? "" }),
    roles: (r) => ({ roleId: r.roleId, name: r.name ?? r.roleId, description: r.description ?? null }),
    tenants: (t) => ({ tenantId: t.tenantId, name: t.name ?? t.tenantId, description: t.description ?? null }),
  };
  const authorizationItem = (a) => ({
    authorizationKey: a.authorizationKey,
    ownerId: a.ownerId,
    ownerType: a.ownerType,
    resourceType: a.resourceType,
    resourceId: a.resourceId ?? null,
    resourcePropertyName: a.resourcePropertyName ?? null,
    permissionTypes: a.permissionTypes,
  });

  /** Resolves `{ status, body }` for an authenticated caller on a matched route. */
  function answer(route, match, c, body) {
    const search = (all, implemented) => {
      const f = filtered(all, body?.filter, implemented);
      if (f.error) return { status: 400, body: { type: "about:blank", title: "Bad Request", status: 400, detail: f.error } };
      const p = paged(f.items, body?.page, maxPageSize);
      if (p.error) return { status: 400, body: { type: "about:blank", title: "Bad Request", status: 400, detail: p.error } };
      return { status: 200, body: p };
    };
    const readable = (resourceType, id) => permits(data, c, resourceType, "READ", id);
    const p = route.pattern;
    if (p === "/v2/authentication/me") {
      // AuthenticationController: no current user (a client's token) answers 401 without a body.
      if (c.type !== "USER") return { status: 401, body: "" };
      const u = list(data.users).find((x) => x.username === c.id);
      return {
        status: 200,
        body: {
          username: c.id,
          displayName: u?.name ?? c.id,
          email: u?.email ?? "",
          authorizedComponents: [],
          tenants: [...c.tenants].map((id) => entityItem.tenants(list(data.tenants).find((t) => t.tenantId === id) ?? { tenantId: id })),
          groups: [...c.groups],
          roles: [...c.roles],
          salesPlanType: null,
          c8Links: {},
          canLogout: true,
        },
      };
    }
    if (p === "/v2/authentication/me/authorizations/search") {
      // 8.10 (camunda/camunda issue 55892): the caller's own authorizations, directly or through a
      // group, role or mapping rule; `authorizationsEnabled` says whether the cluster checks them.
      if (c.unrestricted) return { status: 401, body: "" };
      const r = search(authorizationsOf(data, c).map(authorizationItem), ["resourceType"]);
      return r.status === 200 ? { status: 200, body: { authorizationsEnabled: data.authorizationsEnabled !== false, ...r.body } } : r;
    }
    if (p === "/v2/authorizations/search") {
      return search(readable("AUTHORIZATION", "*") ? list(data.authorizations).map(authorizationItem) : [], ["ownerType", "ownerId", "resourceType", "resourceId"]);
    }
    if (p === "/v2/mapping-rules/search") {
      return search(list(data.mappingRules).filter((r) => readable("MAPPING_RULE", r.mappingRuleId)).map(mappingRuleItem), ["mappingRuleId", "claimName", "claimValue", "name"]);
    }
    if (p === "/v2/users/:id") {
      const id = decodeURIComponent(match[1]);
      const u = list(data.users).find((x) => x.username === id);
      if (!readable("USER", id)) return { status: 403, body: { type: "about:blank", title: "Forbidden", status: 403, detail: "no USER READ" } };
      if (!u) return { status: 404, body: { type: "about:blank", title: "Not Found", status: 404, detail: `no user ${id}` } };
      return { status: 200, body: { username: u.username, name: u.name ?? u.username, email: u.email ?? "" } };
    }
    if (p === "/v2/users/search") {
      return search(list(data.users).filter((u) => readable("USER", u.username)).map((u) => ({ username: u.username, name: u.name ?? u.username, email: u.email ?? "" })), ["username", "name", "email"]);
    }
    if (p === "/v2/user-tasks/search") {
      return search(visibleTasks(c), ["state", "assignee", "processDefinitionId", "tenantId", "userTaskKey"]);
    }
    const entity = /^\/v2\/(groups|roles|tenants)\//.exec(p)?.[1];
    if (p.endsWith(`/${entity}/search`) && p === `/v2/${entity}/search`) {
      const idKey = entityIds[entity];
      return search(list(data[entity]).filter((e) => readable(entityResource[entity], e[idKey])).map(entityItem[entity]), [idKey, "name"]);
    }
    if (entity) {
      const id = decodeURIComponent(match[1]);
      const kind = /\/([a-z-]+)\/search$/.exec(p)[1];
      const e = list(data[entity]).find((x) => x[entityIds[entity]] === id);
      const key = { users: "users", clients: "clients", groups: "groups", roles: "roles", "mapping-rules": "mappingRules" }[kind];
      let members = e && readable(entityResource[entity], id) ? list(e[key]) : [];
      // A group's roles are the roles that hold the group.
      if (entity === "groups" && kind === "roles") members = e && readable("GROUP", id) ? list(data.roles).filter((r) => list(r.groups).includes(id)).map((r) => r.roleId) : [];
      return search(members.map(memberItem[kind]), []);
    }
    return { status: 404, body: { type: "about:blank", title: "Not Found", status: 404, detail: "no such route" } };
  }

  function violation(what) {
    violations.push(what);
    process.stderr.write(`camunda-standin: SCHEMA VIOLATION ${what}\n`);
  }

  async function handle(req, res, raw) {
    const url = new URL(req.url, "http://standin");
    // 8.10 physical tenants: `/physical-tenants/<id>/v2/...` serves the tenant's API (one data set here).
    const tenantPrefix = /^\/physical-tenants\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (tenantPrefix && !list(data.physicalTenants).includes(decodeURIComponent(tenantPrefix[1]))) {
      res.writeHead(404, { "content-type": "application/json" });
      return res.end(JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, detail: `no physical tenant ${tenantPrefix[1]}` }));
    }
    const path = tenantPrefix ? tenantPrefix[2] : url.pathname;
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json", ...headers });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    let transform;
    const failure = failures.find((f) => f.times > 0 && (f.method === undefined || f.method === req.method) && (f.path === undefined ? path.startsWith("/v2/") : typeof f.path === "string" ? f.path === path : f.path.test(path)));
    if (failure) {
      failure.times -= 1;
      if (failure.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
      if (failure.status) return send(failure.status, { type: "about:blank", title: "Injected", status: failure.status, detail: "injected failure" });
      if (failure.malformed === "json") return send(200, "{ this is not json", { "content-type": "application/json" });
      if (failure.malformed === "shape") return send(200, { items: "not a list", page: null });
      if (failure.hang) return undefined;
      if (failure.drop) return res.destroy();
      transform = failure.transform;
    }
    if (!path.startsWith("/v2/") && path !== "/oauth/token") return send(404, { type: "about:blank", title: "Not Found", status: 404, detail: `the stand-in has no ${req.method} ${path}` });
    if (path === "/oauth/token" && req.method === "POST") {
      tokenRequests += 1;
      const form = new URLSearchParams(raw);
      // RFC 6749 section 5.2: 400 for a request the endpoint cannot serve, 401 for a client it
      // does not know. A client with `scopes` may ask only for those.
      if (form.get("grant_type") !== "client_credentials") return send(400, { error: "unsupported_grant_type" });
      const client = list(data.clients).find((c) => c.clientId === form.get("client_id") && c.clientSecret === form.get("client_secret"));
      if (!client) return send(401, { error: "invalid_client" });
      const scope = form.get("scope");
      if (scope !== null && client.scopes && !scope.split(" ").every((s) => client.scopes.includes(s))) return send(400, { error: "invalid_scope" });
      const token = issueToken({ type: "CLIENT", id: client.clientId, claims: { sub: client.clientId, client_id: client.clientId, aud: form.get("audience") } }, tokenTtl);
      return send(200, { access_token: token, token_type: "Bearer", expires_in: tokenTtl });
    }
    let body;
    if (raw !== "") {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(400, { type: "about:blank", title: "Bad Request", status: 400, detail: "the body is not JSON" });
      }
    }
    const entry = { method: req.method, path, body, as: "unauthenticated", ...(tenantPrefix ? { physicalTenant: decodeURIComponent(tenantPrefix[1]) } : {}) };
    if (options.record !== false) requests.push(entry);
    const write = writes.route(req.method, path); // the user-task writes (user-tasks.mjs)
    const route = write ? null : routes.find((r) => r.method === req.method && r.regex.test(path));
    if (!route && !write) return send(404, { type: "about:blank", title: "Not Found", status: 404, detail: `the stand-in has no ${req.method} ${path}` });
    // The benchmark's largest runs check one request in `checkEvery` (the answers are made by
    // the same code either way).
    const checked = (checks += 1) % (options.checkEvery ?? 1) === 0;
    if (route?.hasRequestBody && checked) {
      const problems = route.check("request", body ?? {});
      if (problems.length) {
        violation(`request ${req.method} ${path}: ${problems.join(" | ")} in ${JSON.stringify(body)}`);
        return send(500, { type: "about:blank", title: "Schema violation", status: 500, detail: "the request does not match Camunda's schema" });
      }
    }
    const c = authenticate(req.headers.authorization);
    if (!c) return send(401, { type: "about:blank", title: "Unauthorized", status: 401, detail: "no valid credentials" });
    entry.as = c.as;
    const out = write ? write(c, body) : answer(route, route.regex.exec(path), c, body);
    if (out.status === 200 && route && transform) out.body = transform(out.body, entry);
    if (out.status === 200 && route && checked) {
      const problems = route.check("response", out.body);
      if (problems.length) {
        violation(`response ${req.method} ${path}: ${problems.join(" | ")}`);
        return send(500, { type: "about:blank", title: "Schema violation", status: 500, detail: "the response does not match Camunda's schema" });
      }
    }
    return send(out.status, out.body, out.status >= 400 ? { "content-type": "application/problem+json" } : {});
  }

  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (raw += d));
    req.on("end", async () => {
      if (!(await fault.enter(res))) return;
      handle(req, res, raw).catch((error) => {
        violation(`stand-in crash on ${req.method} ${req.url}: ${error.stack}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  });
  const fault = faults(server, options);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  fault.remember(server.address().port);
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    oauthUrl: `${url}/oauth/token`,
    data,
    requests,
    violations,
    get tokenRequests() {
      return tokenRequests;
    },
    counters: fault.counters,
    get latencyMs() {
      return fault.latencyMs;
    },
    set latencyMs(ms) {
      fault.latencyMs = ms;
    },
    blackhole: fault.blackhole,
    down: fault.down,
    up: fault.up,
    resetCounters: fault.resetCounters,
    userToken(username, claims = {}) {
      return issueToken({ type: "USER", id: username, claims: { sub: username, preferred_username: username, ...claims } }, options.userTokenTtl ?? 3600);
    },
    revokeTokens() {
      tokens.clear();
    },
    caller,
    allowed: (c, operation, task) => allowed(data, c, operation, userTaskItem(task)),
    visibleTasks,
    authorizationsOf: (c) => authorizationsOf(data, c),
    fail(rule) {
      failures.push({ times: 1, ...rule });
    },
    clearFailures() {
      failures = [];
    },
    assertClean() {
      if (violations.length) throw new Error(`camunda-standin saw ${violations.length} schema violation(s):\n${violations.join("\n")}`);
    },
    close() {
      fault.blackhole(false);
      server.closeAllConnections?.();
      return new Promise((r) => server.close(r));
    },
  };
}
