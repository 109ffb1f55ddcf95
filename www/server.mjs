// camunda-authz demo server: the Tasklist backend of the demo page.
//
//   node www/server.mjs [--port N] [--ttl SECONDS] [--quiet]
//     --port: default env PORT, else 8080 or, when that is taken, a free port; 0 picks a free one
//     --ttl:  how long a grant set lives, 10 to 3600 seconds (default 900)
//
// At start it makes an Ed25519 signing key and starts the Camunda stand-in with the sample
// identity and authorizations of www/data.mjs as the cluster (cluster.mjs); every persona's
// grant set is issued from that cluster by the package's own issuer (camunda-authz/issuer). It
// serves the JWKS, the task feed (POST /v2/user-tasks/search, filtered for the bearer's grant set
// with the edge path), a separate demo-only unfiltered feed, and performs task actions, enforcing
// them with the same package the page uses (pkg/node.mjs): verify the bearer grant set, then
// Authorizer.explain. Every request must name this server as its Host, and every request that
// changes something must come from its own origin (guard.mjs). Works offline.

import { createServer } from "node:http";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const WWW = fileURLToPath(new URL(".", import.meta.url));
const PKG = fileURLToPath(new URL("../pkg/", import.meta.url));

if (!existsSync(join(PKG, "node.mjs"))) {
  console.error("camunda-authz demo: the package is not built (no pkg/node.mjs). Run `./x demo` or `./x build` first.");
  process.exit(1);
}

const lib = await import(new URL("../pkg/node.mjs", import.meta.url).href);
const { Authorizer, AuthzError, verifyGrants, signGrants, generateSigningKey } = lib;
const data = await import("./data.mjs");
const { ACTIONS, open } = await import("./actions.mjs");
const { Problem, badRequest } = await import("./problem.mjs");
const { parseSearch, searchTasks } = await import("./search.mjs");
const { checkRequest } = await import("./guard.mjs");
const { startCluster } = await import("./cluster.mjs");

// --- Options ---------------------------------------------------------------------------------

function option(name) {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const m = new RegExp(`^--${name}(?:=(.*))?$`).exec(args[i]);
    if (m) return m[1] ?? args[i + 1];
  }
  return undefined;
}
const portOption = () => option("port") ?? process.env.PORT ?? "8080";
const portChosen = process.argv.slice(2).some((a) => /^--port(=|$)/.test(a)) || process.env.PORT !== undefined;
const requestedPort = Number(portOption());
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
  console.error(`camunda-authz demo: bad port ${JSON.stringify(portOption())}`);
  process.exit(2);
}
const QUIET = process.argv.includes("--quiet");

// --- Keys, issuer, state ---------------------------------------------------------------------

const AUDIENCE = "tasklist";
const TTL = Number(option("ttl") ?? 15 * 60); // seconds a grant set lives
if (!Number.isInteger(TTL) || TTL < 10 || TTL > 3600) {
  console.error(`camunda-authz demo: bad --ttl ${JSON.stringify(option("ttl"))}: 10 to 3600 seconds`);
  process.exit(2);
}
// Seconds of clock skew accepted between this server and a browser: a small fraction of the
// lifetime (30 s of a 15-minute grant set, 6 s of a one-minute one), so an expired grant set is not
// honoured for a large part of its life.
const CLOCK_TOLERANCE = Math.min(30, Math.floor(TTL / 10));
const signingKey = generateSigningKey(`demo-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`);
const strayKey = generateSigningKey("not-published"); // for the "unknown key" variant
const JWKS = signingKey.jwks; // public keys only
let ISSUER = "http://127.0.0.1"; // set to the listening URL once bound

let tasks = data.makeTasks();
const reset = () => {
  tasks = data.makeTasks();
};

const VARIANTS = {
  valid: "Valid",
  expired: "Expired",
  "wrong-audience": "Wrong audience",
  "unknown-key": "Signed by an unknown key",
};

// --- Grant sets: issued by the package's issuer from the stand-in cluster (cluster.mjs) -------

let cluster = null; // started once the server listens (the issuer needs its URL)

/** Registered claims that signGrants sets itself: dropped before a payload is signed again. */
const REGISTERED = new Set(["iss", "aud", "exp", "iat", "nbf"]);

async function issue(persona, variant = "valid") {
  if (!Object.hasOwn(VARIANTS, variant)) throw badRequest(`unknown grant-set variant \`${variant.slice(0, 40)}\`; one of ${Object.keys(VARIANTS).join(", ")}`);
  const issued = await cluster.issue(persona);
  if (variant === "valid") return issued.token;
  // The deliberately bad ones: the same payload, signed again with one thing wrong.
  const payload = Object.fromEntries(Object.entries(issued.payload).filter(([k]) => !REGISTERED.has(k)));
  const now = Date.now() / 1000;
  const sign = (key, options) => signGrants(payload, key.privateJwk, { ttl: TTL, issuer: ISSUER, audience: AUDIENCE, now, ...options });
  if (variant === "expired") return sign(signingKey, { now: now - 3600 }); // issued an hour ago for 15 minutes
  if (variant === "wrong-audience") return sign(signingKey, { audience: "operate" });
  return sign(strayKey, {});
}

// --- HTTP plumbing ---------------------------------------------------------------------------

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
};

const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE_FILES = new Set(["index.html", "app.js", "actions.mjs", "toasts.js", "focus.js", "owners.js", "dom.js", "tamper.js", "style.css", "favicon.svg"]);

function send(res, status, body, headers = {}) {
  res.writeHead(status, { "cache-control": "no-store", "x-content-type-options": "nosniff", ...headers });
  res.end(body);
}

function json(res, status, value, headers = {}) {
  send(res, status, JSON.stringify(value), { "content-type": "application/json; charset=utf-8", ...headers });
}

function problem(res, req, p) {
  json(
    res,
    p.status,
    { type: "about:blank", title: p.title, status: p.status, detail: p.message, instance: String(req.url ?? "").split("?")[0], ...p.extra },
    { "content-type": "application/problem+json; charset=utf-8" },
  );
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 256 * 1024) throw new Problem(413, "PAYLOAD_TOO_LARGE", "request body over 256 KiB");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
    return value;
  } catch {
    throw new Problem(400, "INVALID_ARGUMENT", "the request body must be a JSON object");
  }
}

async function serveFile(res, root, rel) {
  const file = normalize(join(root, rel));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) throw new Problem(404, "NOT_FOUND", "no such file");
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new Problem(404, "NOT_FOUND", `no such file: ${rel}`);
  }
  if (!info.isFile()) throw new Problem(404, "NOT_FOUND", `no such file: ${rel}`);
  const type = MIME[extname(file)] ?? "application/octet-stream";
  const headers = { "content-type": type, "cache-control": "no-cache" };
  if (type.startsWith("text/html")) headers["content-security-policy"] = CSP;
  send(res, 200, await readFile(file), headers);
}

function log(...parts) {
  if (!QUIET) console.log(new Date().toISOString().slice(11, 19), ...parts);
}

// --- Camunda's side: authentication and enforcement ------------------------------------------

/** Verifies the bearer grant set with our own JWKS: the same call the page makes. */
function authenticate(req) {
  const header = req.headers.authorization ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new Problem(401, "UNAUTHORIZED", "missing bearer grant set", { code: "ERR_NO_TOKEN" });
  try {
    const grants = verifyGrants(m[1], JWKS, { issuer: ISSUER, audience: AUDIENCE, clockTolerance: CLOCK_TOLERANCE });
    return { grants, authz: new Authorizer(grants), principal: grants.payload.principal };
  } catch (error) {
    if (error instanceof AuthzError) throw new Problem(401, "UNAUTHORIZED", error.message, { code: error.code });
    throw error;
  }
}

function findTask(key) {
  const task = tasks.find((t) => t.userTaskKey === key);
  if (!task) throw new Problem(404, "NOT_FOUND", `Command 'GET' rejected: user task with key '${key}' not found`);
  return task;
}

/**
 * Enforces `operation` on `task` with the package, answering a deny as Camunda's cluster does:
 * 404 for a task it no longer holds or of a tenant the caller lacks, 403 without a grant, 409
 * INVALID_STATE for a task not open to the command or a claim of a task someone else holds. The
 * problem carries the explanation.
 */
function enforce(authz, operation, task, principal) {
  const explanation = authz.explain(operation, task);
  if (!explanation.allowed) {
    log(`${principal.id} ${operation} ${task.userTaskKey} -> refused (${explanation.code})`);
    const detail = `Command '${operation.toUpperCase()}' rejected on user task '${task.userTaskKey}': ${explanation.reason}`;
    const gone = ["COMPLETED", "CANCELED"].includes(task.state);
    const [status, title] =
      explanation.code === "tenant-not-assigned" || (explanation.code === "task-not-active" && gone)
        ? [404, "NOT_FOUND"]
        : explanation.code === "no-grant"
          ? [403, "FORBIDDEN"]
          : [409, "INVALID_STATE"];
    throw new Problem(status, title, detail, { operation, explanation });
  }
  return explanation;
}

// --- Routes ----------------------------------------------------------------------------------

function personaOf(id) {
  const persona = data.PERSONAS.find((p) => p.id === id);
  if (!persona) throw new Problem(404, "NOT_FOUND", `no persona \`${id}\``);
  return persona;
}

/** The demo-only feed of every task, unfiltered: what "Show hidden tasks" needs, and nothing a real deployment would serve. */
const UNFILTERED_FEED = "/demo/unfiltered/user-tasks/search";

/** The query parameters of `url`, refusing any not in `allowed` and any given twice (400). */
function params(url, allowed) {
  const out = {};
  for (const [name, value] of url.searchParams) {
    if (!allowed.includes(name)) throw badRequest(`unknown query parameter \`${name.slice(0, 40)}\`${allowed.length ? `; one of ${allowed.join(", ")}` : ""}`);
    if (name in out) throw badRequest(`query parameter \`${name}\` given twice`);
    out[name] = value;
  }
  return out;
}

let personasIssued = null; // the personas with their principals as the issuer resolved them (the sample data does not change)

async function config() {
  personasIssued ??= Promise.all(data.PERSONAS.map(async (p) => ({ ...p, principal: (await cluster.issue(p)).payload.principal }))).catch((error) => {
    personasIssued = null;
    throw error;
  });
  const personas = await personasIssued;
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: "/.well-known/jwks.json",
    ttlSeconds: TTL,
    clockTolerance: CLOCK_TOLERANCE,
    feeds: { tasks: "/v2/user-tasks/search", unfiltered: UNFILTERED_FEED },
    variants: VARIANTS,
    cluster: cluster.url,
    personas,
    users: data.USERS,
    clients: data.CLIENTS,
    groups: data.GROUPS.map(({ groupId, name, users = [], clients = [] }) => ({ groupId, name, members: [...users, ...clients] })),
    roles: data.ROLES.map(({ roleId, name, users = [], groups = [], mappingRules = [] }) => ({ roleId, name, users, groups, mappingRules })),
    mappingRules: data.MAPPING_RULES,
    tenants: data.TENANTS,
    processes: data.PROCESSES,
  };
}

/**
 * What the page should show for a persona (for the e2e test), decided without the package: the
 * Camunda stand-in's own rules for what the cluster allows (cluster.decide,
 * tests/camunda-standin/tasks.mjs), and Tasklist's screen rule for each of its buttons, restated
 * here from Tasklist's source (src/buttons.rs cites it): Assign to me on a task without an
 * assignee, Unassign on a task with one, Complete only for the assignee. The demo offers no
 * action on a task that is not open.
 */
function tasklistShows(action, task, principal) {
  if (!open(task)) return false;
  switch (action.button) {
    case "assignToMe":
      return !task.assignee;
    case "unassign":
      return !!task.assignee;
    case "complete":
      return principal.type === "USER" && !!task.assignee && task.assignee === principal.id;
    default:
      return true; // the admin extras: every open task
  }
}

async function expected(persona) {
  const { principal } = (await cluster.issue(persona)).payload;
  const allows = (operation, task) => cluster.decide(persona, operation, task);
  const visible = tasks.filter((t) => allows("search", t));
  const hidden = tasks.filter((t) => !visible.includes(t));
  const shown = (t) => ACTIONS.filter((a) => tasklistShows(a, t, principal));
  const actions = Object.fromEntries(visible.map((t) => [t.userTaskKey, shown(t).filter((a) => allows(a.operation, t)).map((a) => a.id)]));
  const forbidden = visible.flatMap((t) => shown(t).filter((a) => !allows(a.operation, t)).map((a) => ({ userTaskKey: t.userTaskKey, action: a.id })));
  return { persona: persona.id, principal, visible: visible.map((t) => t.userTaskKey), hidden: hidden.map((t) => t.userTaskKey), actions, forbidden };
}

async function route(req, res) {
  let url;
  try {
    url = new URL(req.url, "http://localhost");
  } catch {
    throw new Problem(400, "INVALID_ARGUMENT", "malformed request target");
  }
  const path = url.pathname;
  const method = req.method;
  const refused = checkRequest(method, req.headers, server.address().port);
  if (refused) throw new Problem(refused.status, refused.title, refused.detail, { code: refused.code });
  if (!cluster) throw new Problem(503, "UNAVAILABLE", "the demo's cluster is still starting");

  // Static: the page and the package.
  if (method === "GET" || method === "HEAD") {
    if (path === "/") return serveFile(res, WWW, "index.html");
    if (path === "/favicon.ico") return serveFile(res, WWW, "favicon.svg");
    if (PAGE_FILES.has(path.slice(1))) return serveFile(res, WWW, path.slice(1));
    if (path.startsWith("/pkg/")) {
      let rel;
      try {
        rel = decodeURIComponent(path.slice(5));
      } catch {
        throw new Problem(400, "INVALID_ARGUMENT", "malformed percent-encoding in the path");
      }
      return serveFile(res, PKG, rel);
    }
    if (path === "/.well-known/jwks.json") return json(res, 200, JWKS, { "cache-control": "public, max-age=300" });
    if (path === "/api/config") {
      params(url, []);
      return json(res, 200, await config());
    }
    if (path === "/api/grants") {
      const query = params(url, ["persona", "variant"]);
      if (query.persona === undefined) throw badRequest("missing query parameter `persona`");
      const persona = personaOf(query.persona);
      const variant = query.variant ?? "valid";
      const token = await issue(persona, variant);
      log(`issued ${variant} grant set for ${persona.principal.id}`);
      return json(res, 200, { persona: persona.id, variant, token });
    }
    if (path === "/api/test/expected") return json(res, 200, await expected(personaOf(params(url, ["persona"]).persona ?? "")));
  }

  if (method === "POST" && path === "/api/reset") {
    reset();
    log("reset: sample tasks restored");
    return send(res, 204, "");
  }

  // The Camunda REST API v2 subset.
  // What a real deployment sends the browser: the search response filtered for the bearer's
  // grant set with the edge path (JSON text in, JSON text out; `page` left as it was).
  if (method === "POST" && path === "/v2/user-tasks/search") {
    const query = parseSearch(await readBody(req));
    const { authz } = authenticate(req);
    const body = authz.filterSearchResponse(JSON.stringify(searchTasks(query, tasks)), "search");
    return send(res, 200, body, { "content-type": "application/json; charset=utf-8", "x-demo-feed": "edge-filtered" });
  }
  // Demo only: every task, unfiltered, so the page can show what the grant set hides and why.
  if (method === "POST" && path === UNFILTERED_FEED) {
    const query = parseSearch(await readBody(req));
    return json(res, 200, searchTasks(query, tasks), { "x-demo-feed": "unfiltered-demo-only" });
  }

  const m = /^\/v2\/user-tasks\/(\d{1,20})(\/assignment|\/assignee|\/completion)?$/.exec(path);
  if (m) {
    const [, key, sub] = m;
    const { authz, principal } = authenticate(req);
    const task = findTask(key);

    if (method === "GET" && !sub) {
      enforce(authz, "get", task, principal);
      return json(res, 200, task);
    }

    if (method === "POST" && sub === "/assignment") {
      const body = await readBody(req);
      if (typeof body.assignee !== "string" || body.assignee === "") throw new Problem(400, "INVALID_ARGUMENT", "`assignee` must be a non-empty string");
      // As Camunda's REST layer maps it: `allowOverride: false` is the CLAIM command, anything else
      // (the field absent or true) an override assignment (ASSIGN). A claim is always for the caller:
      // the engine refuses one naming another user (UserTaskClaimProcessor: "the assignee ... does
      // not match the calling user").
      const actionId = body.allowOverride === false ? "claim" : "assign";
      if (actionId === "claim" && body.assignee !== principal.id) {
        throw new Problem(403, "FORBIDDEN", `Command 'CLAIM' rejected on user task '${key}': the assignee '${body.assignee}' does not match the calling user '${principal.id}'`);
      }
      enforce(authz, actionId, task, principal);
      task.assignee = body.assignee;
      log(`${principal.id} ${actionId} ${key} -> ${body.assignee}`);
      return send(res, 204, "");
    }

    if (method === "DELETE" && sub === "/assignee") {
      enforce(authz, "unassign", task, principal);
      task.assignee = null;
      log(`${principal.id} unassign ${key}`);
      return send(res, 204, "");
    }

    if (method === "POST" && sub === "/completion") {
      await readBody(req);
      enforce(authz, "complete", task, principal);
      task.state = "COMPLETED";
      task.completionDate = new Date().toISOString();
      task.dueDate = null;
      log(`${principal.id} complete ${key}`);
      return send(res, 204, "");
    }

    if (method === "PATCH" && !sub) {
      const body = await readBody(req);
      const changeset = body.changeset ?? {};
      enforce(authz, "update", task, principal);
      const next = {};
      if (changeset.priority !== undefined && changeset.priority !== null) {
        const p = changeset.priority;
        if (!Number.isInteger(p) || p < 0 || p > 100) throw new Problem(400, "INVALID_ARGUMENT", "`priority` must be an integer from 0 to 100");
        next.priority = p;
      }
      for (const field of ["dueDate", "followUpDate"]) {
        const v = changeset[field];
        if (v === undefined) continue;
        if (v === null || v === "") next[field] = null;
        else if (typeof v === "string" && !Number.isNaN(Date.parse(v))) next[field] = new Date(v).toISOString();
        else throw new Problem(400, "INVALID_ARGUMENT", `\`${field}\` must be an ISO 8601 date-time`);
      }
      for (const field of ["candidateGroups", "candidateUsers"]) {
        const v = changeset[field];
        if (v === undefined) continue;
        if (!Array.isArray(v) || !v.every((s) => typeof s === "string" && s !== "")) throw new Problem(400, "INVALID_ARGUMENT", `\`${field}\` must be an array of ids`);
        next[field] = [...new Set(v)];
      }
      Object.assign(task, next);
      log(`${principal.id} update ${key} ${JSON.stringify(next)}`);
      return send(res, 204, "");
    }
  }

  throw new Problem(404, "NOT_FOUND", `no route for ${method} ${path}`);
}

const server = createServer((req, res) => {
  route(req, res).catch((error) => {
    if (res.headersSent) return res.destroy();
    if (error instanceof Problem) return problem(res, req, error);
    // The issuer could not build a grant set from the cluster: it fails closed, and so do we.
    if (error instanceof AuthzError && error.code.startsWith("ERR_ISSUER_")) return problem(res, req, new Problem(502, "BAD_GATEWAY", error.message, { code: error.code }));
    console.error(error);
    problem(res, req, new Problem(500, "INTERNAL", String(error?.message ?? error)));
  });
});

server.on("listening", async () => {
  const { port } = server.address();
  ISSUER = `http://127.0.0.1:${port}`;
  try {
    cluster = await startCluster(data, { signingKey: signingKey.privateJwk, issuer: ISSUER, audience: AUDIENCE, ttl: TTL });
  } catch (error) {
    console.error(`camunda-authz demo: the stand-in cluster did not start: ${error?.stack ?? error}`);
    process.exit(1);
  }
  console.log(`camunda-authz demo: http://127.0.0.1:${port}/`);
  log(`Camunda stand-in (the demo's cluster) at ${cluster.url}; grant sets issued from it by camunda-authz/issuer`);
  log(`signing key ${signingKey.kid}; JWKS at ${ISSUER}/.well-known/jwks.json; issuer ${ISSUER}, audience ${AUDIENCE}`);
  log("open the URL in a browser; Ctrl-C stops the server");
});
server.on("error", (error) => {
  if (error.code === "EADDRINUSE" && !portChosen) {
    // The default port is taken and none was asked for: any free port will do.
    log(`port ${requestedPort} is in use; picking a free one (ask for one with --port N)`);
    server.listen(0, "127.0.0.1");
    return;
  }
  console.error(`camunda-authz demo: ${error.message}`);
  process.exit(1);
});
server.listen(requestedPort, "127.0.0.1");
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
