// The React example's server: the page's backend, with camunda-authz/issuer reading a Camunda
// stand-in (cluster.mjs) for the grant sets.
//
//   node examples/react/server.mjs [--port N] [--ttl SECONDS]   (after `./x build` and
//                                                                 `node examples/react/build.mjs`)
//
// It serves the built page (examples/react/dist/), the grant set of the signed-in person at
// GET /grants (who that is comes from a cookie set by POST /login, as a real login would; a
// request with `cache-control: no-cache` is issued from the cluster, not the issuer's cache),
// the public keys at GET /.well-known/camunda-grants-jwks.json, and Camunda's user-task
// endpoints, forwarded to the cluster with the person's user token: POST /v2/user-tasks/search
// (then filtered with the package, as an edge worker would), and the writes POST
// .../assignment, DELETE .../assignee, POST .../completion and PATCH /v2/user-tasks/{key}, which
// the cluster decides by its own rules (a 403 or 409 comes back to the page as the cluster sent
// it). `startExampleServer()` also lets a test rotate the signing key, take the issuer down, and
// change an authorization in the cluster.

import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Authorizer } from "../../pkg/node.mjs";
import { startCluster } from "./cluster.mjs";
import { PERSONAS } from "./data.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
export const AUDIENCE = "tasklist";
const MIME = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".wasm": "application/wasm", ".svg": "image/svg+xml" };

/**
 * Starts the server on 127.0.0.1. Resolves `{ url, rotateKey(), setDown(down), revoke(match,
 * change), reset(), close() }`: `rotateKey` signs with a new key from now on and publishes only
 * that one (the old key is removed at once, the hard case for a page); `setDown(true)` makes the
 * issuer and the task endpoints drop every connection, as a server that is gone; `revoke` edits
 * authorizations in the cluster (cluster.mjs); `reset` puts the tasks back as data.mjs has them.
 */
export async function startExampleServer({ port = 0, ttl = 900, dist: distDir = join(HERE, "dist") } = {}) {
  const dist = resolve(distDir);
  let down = false;
  const server = createServer((req, res) => {
    route(req, res).catch((error) => {
      const upstream = String(error?.code ?? "").startsWith("ERR_ISSUER");
      problem(res, upstream ? 502 : 400, upstream ? "BAD_GATEWAY" : "INVALID_ARGUMENT", String(error?.message ?? error));
    });
  });
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const cluster = await startCluster({ issuer: url.replace(/\/$/, ""), audience: AUDIENCE, ttl });
  /** The server's own decisions, on the payload the issuer just built (no signature to check). */
  const authorizerOf = async (persona) => Authorizer.fromUnverifiedPayload((await cluster.issue(persona.id)).payload);

  const personaOf = (req) => {
    const m = /(?:^|;\s*)persona=([a-z]+)/.exec(req.headers.cookie ?? "");
    return PERSONAS.find((p) => p.id === m?.[1]);
  };
  const send = (res, status, body, type = "application/json; charset=utf-8", headers = {}) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff", ...headers });
    res.end(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
  };
  const problem = (res, status, title, detail) => send(res, status, { type: "about:blank", title, status, detail }, "application/problem+json; charset=utf-8");
  const text = async (req) => {
    let out = "";
    for await (const chunk of req) {
      out += chunk;
      if (out.length > 64 * 1024) throw new Error("request body too large");
    }
    return out;
  };
  const body = async (req) => {
    const raw = await text(req);
    return raw === "" ? {} : JSON.parse(raw);
  };

  /** A Camunda request of the person, sent on to the cluster with the person's user token; resolves `{ status, type, text }`. */
  const toCluster = async (persona, method, path, payload) => {
    const res = await fetch(`${cluster.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${cluster.userToken(persona.id)}`, ...(payload === "" ? {} : { "content-type": "application/json" }) },
      ...(payload === "" ? {} : { body: payload }),
    });
    return { status: res.status, type: res.headers.get("content-type") ?? "application/json", text: await res.text() };
  };

  async function route(req, res) {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const api = path === "/grants" || path === "/login" || path.startsWith("/.well-known/") || path.startsWith("/v2/") || path === "/api/personas";
    if (api && down) return req.socket.destroy();
    if (req.method === "GET" && path === "/api/personas") return send(res, 200, PERSONAS.map(({ id, name, title }) => ({ id, name, title })));
    if (req.method === "POST" && path === "/login") {
      const wanted = (await body(req)).persona;
      const persona = PERSONAS.find((p) => p.id === wanted);
      if (persona === undefined) return problem(res, 400, "INVALID_ARGUMENT", "unknown persona");
      return send(res, 204, "", undefined, { "set-cookie": `persona=${persona.id}; Path=/; HttpOnly; SameSite=Strict` });
    }
    if (req.method === "GET" && path === "/.well-known/camunda-grants-jwks.json") return send(res, 200, cluster.jwks, "application/jwk-set+json");
    const persona = personaOf(req);
    if (req.method === "GET" && path === "/grants") {
      if (persona === undefined) return problem(res, 401, "UNAUTHORIZED", "not signed in");
      const fresh = /\bno-cache\b/.test(req.headers["cache-control"] ?? "");
      return send(res, 200, (await cluster.issue(persona.id, { fresh })).token, "application/jwt");
    }
    if (path.startsWith("/v2/")) {
      if (persona === undefined) return problem(res, 401, "UNAUTHORIZED", "not signed in");
      if (req.method === "POST" && path === "/v2/user-tasks/search") {
        const found = await toCluster(persona, "POST", path, await text(req));
        if (found.status !== 200) return send(res, found.status, found.text, found.type);
        return send(res, 200, (await authorizerOf(persona)).filterSearchResponse(found.text, "search"));
      }
      const write = /^\/v2\/user-tasks\/\d+(\/assignment|\/assignee|\/completion)?$/.exec(path);
      const methods = { "/assignment": "POST", "/assignee": "DELETE", "/completion": "POST", undefined: "PATCH" };
      if (write && methods[write[1]] === req.method) {
        const answer = await toCluster(persona, req.method, path, await text(req));
        return answer.status === 204 ? send(res, 204, "") : send(res, answer.status, answer.text, answer.type);
      }
      return problem(res, 404, "NOT_FOUND", `no endpoint \`${req.method} ${path}\``);
    }
    if (req.method !== "GET") return problem(res, 405, "METHOD_NOT_ALLOWED", "GET only");
    const file = normalize(join(dist, path === "/" ? "index.html" : decodeURIComponent(path)));
    if (!file.startsWith(dist + sep)) return problem(res, 404, "NOT_FOUND", "not found");
    try {
      return send(res, 200, await readFile(file), MIME[extname(file)] ?? "application/octet-stream");
    } catch {
      return problem(res, 404, "NOT_FOUND", `no file \`${path}\` (built the example? node examples/react/build.mjs)`);
    }
  }

  return {
    url,
    rotateKey: () => cluster.rotateKey(),
    setDown(value) {
      down = value;
    },
    revoke: (match, change) => cluster.revoke(match, change),
    reset() {
      cluster.resetTasks();
    },
    /** The cluster's schema violations: every request forwarded must be in Camunda's shape. */
    get violations() {
      return cluster.violations;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      await cluster.close();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const server = await startExampleServer({ port: arg("port", 8081), ttl: arg("ttl", 900) });
  console.log(`camunda-authz React example: ${server.url}`);
}
