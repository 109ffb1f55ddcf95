// createSearchProxy over HTTP against the Camunda stand-in (tests/camunda-standin, cursor paging of
// POST /v2/user-tasks/search as Camunda's OpenAPI has it), in Node.js and in workerd as a Worker
// that Wrangler bundled: the same edge app (runtimes/search-proxy-app.mjs) and the same checks.
//
// The cluster holds 40 user tasks; alice (group sales) may see ten of them, by a USER_TASK
// candidateGroups grant; the shared reader `edge-reader` (a client with PROCESS_DEFINITION
// READ_USER_TASK on `*`) sees all 40. Grant sets are signed with jose, independently of the package.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as jose from "jose";
import { startStandin } from "../camunda-standin/index.mjs";
import { installPackage } from "./support/package.mjs";
import { startWorkerd, workerdConfig, wranglerBuild } from "./support/runtimes.mjs";

const HERE = new URL(".", import.meta.url).pathname;
const ISS = "https://tasklist.example.com";
const READER = { clientId: "edge-reader", clientSecret: "edge-reader-secret" };
// Alice's tasks come unevenly (a run of seven among sparse ones), so a guessed page size overshoots.
const ALICES = new Set([0, 9, 10, 11, 12, 13, 14, 15, 31, 38]);
const TASKS = Array.from({ length: 40 }, (_, i) => ({
  userTaskKey: String(2251799813690000 + i),
  processDefinitionId: "invoice",
  candidateGroups: [ALICES.has(i) ? "sales" : "accounting"],
}));
const ALICE_SEES = TASKS.filter((_, i) => ALICES.has(i)).map((t) => t.userTaskKey);
const SALES_READ = { ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ"] };

let ctx;

/** A key of the issuer's (jose), its JWKS and a signer of grant sets for it. */
async function issuerKey(kid) {
  const { publicKey, privateKey } = await jose.generateKeyPair("Ed25519", { extractable: true });
  const jwks = { keys: [{ ...(await jose.exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" }] };
  const sign = ({ sub = "alice", ttl = 600, groups = ["sales"] } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    // An expired grant set (ttl < 0) was issued before it expired: exp before iat is malformed.
    const iat = Math.min(now, now + ttl) - 1;
    const payload = {
      ver: 1, camundaVersion: "8.9", sub, authorizationsEnabled: true, multiTenancyEnabled: false,
      principal: { type: "USER", id: sub, groups }, authorizations: [SALES_READ],
      iss: ISS, aud: "tasklist", iat, exp: now + ttl,
    };
    return new jose.SignJWT(payload).setProtectedHeader({ alg: "EdDSA", typ: "camunda-grants+jwt", kid }).sign(privateKey);
  };
  return { jwks, sign };
}

/** A JWKS endpoint whose keys the test swaps, counting its fetches; `down`: it answers 503. */
function jwksServer() {
  const state = { jwks: { keys: [] }, fetches: 0, down: false };
  const server = createServer((req, res) => {
    state.fetches++;
    if (state.down) return res.writeHead(503).end();
    res.writeHead(200, { "content-type": "application/jwk-set+json" }).end(JSON.stringify(state.jwks));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ state, url: `http://127.0.0.1:${server.address().port}/jwks.json`, close: () => new Promise((r) => server.close(r)) })));
}

before(async () => {
  const standin = await startStandin({
    users: [{ username: "alice" }, { username: "bob" }],
    clients: [READER],
    groups: [{ groupId: "sales", users: ["alice"] }],
    authorizations: [SALES_READ, { ownerType: "CLIENT", ownerId: READER.clientId, resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK"] }],
    userTasks: TASKS,
  });
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: READER.clientId, client_secret: READER.clientSecret });
  const serviceToken = (await (await fetch(standin.oauthUrl, { method: "POST", body: form })).json()).access_token;
  const [key1, key2, keys] = await Promise.all([issuerKey("grants-1"), issuerKey("grants-2"), jwksServer()]);
  const closed = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => closed.once("listening", r));
  const nowhere = `http://127.0.0.1:${closed.address().port}`;
  await new Promise((r) => closed.close(r)); // nothing listens there now
  const { runDir } = await installPackage("run");
  for (const f of ["search-proxy-app.mjs", "search-proxy-worker.mjs"]) copyFileSync(join(HERE, "runtimes", f), join(runDir, f));
  const env = { CAMUNDA: standin.url, JWKS: JSON.stringify(key1.jwks), JWKS_URL: keys.url, SERVICE_TOKEN: serviceToken, NOWHERE: nowhere };
  ctx = { standin, key1, key2, keys, runDir, env, userToken: standin.userToken("alice") };
});

after(async () => {
  await ctx?.standin.close();
  await ctx?.keys.close();
  if (ctx) rmSync(ctx.runDir, { recursive: true, force: true });
});

/** Requests the stand-in received for the user-task search since `from`. */
const searches = (from) => ctx.standin.requests.slice(from).filter((r) => r.path === "/v2/user-tasks/search");

/** The checks, given `post(proxy, { grants, body, headers })` -> Response in the runtime under test. */
function checks(post) {
  const json = async (res) => ({ status: res.status, type: res.headers.get("content-type"), body: JSON.parse(await res.text()) });
  const problem = async (res, status, code) => {
    const r = await json(res);
    assert.equal(r.status, status, `status ${r.status}: ${JSON.stringify(r.body)}`);
    assert.equal(r.type, "application/problem+json");
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    assert.equal(r.body.status, status);
    assert.doesNotMatch(JSON.stringify(r.body), /\n\s+at |Bearer |edge-reader-secret/, "no stack, no credential");
    return r.body;
  };
  const keysOf = (body) => body.items.map((t) => t.userTaskKey);

  return {
    async "the caller's own token: forwarded, the cluster's page, and the same filter at the edge"() {
      const seen = ctx.standin.requests.length;
      const res = await post("own", { grants: await ctx.key1.sign(), body: { page: { limit: 5 } }, headers: { authorization: `Bearer ${ctx.userToken}` } });
      const r = await json(res);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(res.headers.get("cache-control"), "private, no-store");
      assert.deepEqual(keysOf(r.body), ALICE_SEES.slice(0, 5), "the cluster already filtered for alice");
      assert.equal(r.body.page.totalItems, ALICE_SEES.length, "the cluster's page");
      const sent = searches(seen);
      assert.equal(sent.length, 1);
      assert.equal(sent[0].as, "user:alice", "alice's own token reached the cluster");
    },

    async "a shared credential: the page is filled with allowed items, and its page says what the caller can see"() {
      const seen = ctx.standin.requests.length;
      const grants = await ctx.key1.sign();
      const shown = [];
      const pages = [];
      let after;
      for (let i = 0; i < 6; i++) {
        const r = await json(await post("fill", { grants, body: { filter: { processDefinitionId: "invoice" }, page: { limit: 4, ...(after ? { after } : {}) } } }));
        assert.equal(r.status, 200, JSON.stringify(r.body));
        shown.push(...keysOf(r.body));
        pages.push(r.body.page);
        // Never more than the caller was shown, never fewer while the result goes on.
        assert.equal(r.body.page.totalItems, shown.length, `page ${i}: totalItems counts the allowed items up to here`);
        if (!r.body.page.hasMoreTotalItems) break;
        assert.equal(r.body.items.length, 4, `page ${i}: a full page while the result goes on`);
        after = r.body.page.endCursor;
      }
      assert.deepEqual(shown, ALICE_SEES, "every task alice may see, once, in the cluster's order");
      assert.deepEqual(pages.map((p) => p.hasMoreTotalItems), [true, true, false], JSON.stringify(pages));
      assert.equal(pages.at(-1).totalItems, 10, "the last page says 10 and 10 were shown");
      const sent = searches(seen);
      assert.ok(sent.every((r) => r.as === "oauth:edge-reader" && r.body.filter.processDefinitionId === "invoice"), "the shared reader, with the caller's filter");
      // After the first answer the proxy asks for as many as the share allowed so far says it takes,
      // and asks again for an answer with more allowed items than the page holds, cut after the
      // last one it hands out (tasks 4 to 11 of 4 to 15): 3, 1 and 2 requests.
      assert.deepEqual(sent.map((r) => r.body.page.limit), [4, 12, 8, 12, 12, 12], "the upstream pages asked for");
    },

    async "filling is bounded: at most maxUpstreamPages requests, and the page continues from where it stopped"() {
      const seen = ctx.standin.requests.length;
      // limit 10 of alice's tasks: at most 2 upstream pages of 10, 9 and fewer items.
      const r = await json(await post("bounded", { grants: await ctx.key1.sign(), body: { page: { limit: 10 } } }));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(searches(seen).length, 2, "two upstream requests");
      assert.ok(r.body.items.length < 10 && r.body.page.hasMoreTotalItems, "fewer than the limit, and more may follow");
      const next = await json(await post("bounded", { grants: await ctx.key1.sign(), body: { page: { limit: 10, after: r.body.page.endCursor } } }));
      assert.deepEqual([...keysOf(r.body), ...keysOf(next.body)], ALICE_SEES.slice(0, r.body.items.length + next.body.items.length), "the next page goes on, nothing skipped or repeated");
    },

    async "paging the proxy does not take: page.from, page.before, a cursor it did not make"() {
      const grants = await ctx.key1.sign();
      await problem(await post("fill", { grants, body: { page: { from: 8 } } }), 400, "ERR_REQUEST_INVALID");
      await problem(await post("fill", { grants, body: { page: { before: "WzFd" } } }), 400, "ERR_REQUEST_INVALID");
      await problem(await post("fill", { grants, body: { page: { after: "MQ" } } }), 400, "ERR_REQUEST_INVALID");
      await problem(await post("fill", { grants, body: { page: { limit: 1_000_000 } } }), 400, "ERR_REQUEST_INVALID");
      await problem(await post("fill", { grants, body: "[1, 2" }), 400, "ERR_REQUEST_INVALID");
    },

    async "a missing, forged or expired grant set is a 401 with its code, and never reaches the cluster"() {
      const seen = ctx.standin.requests.length;
      await problem(await post("fill", {}), 401, "ERR_GRANTS_MISSING");
      const [h, p, s] = (await ctx.key1.sign()).split(".");
      await problem(await post("fill", { grants: `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}` }), 401, "ERR_GRANTS_SIGNATURE");
      await problem(await post("fill", { grants: await ctx.key1.sign({ ttl: -60 }) }), 401, "ERR_GRANTS_EXPIRED");
      await problem(await post("fill", { grants: await ctx.key2.sign() }), 401, "ERR_GRANTS_KEY_NOT_FOUND");
      assert.equal(searches(seen).length, 0);
    },

    async "expectSubject binds the grant set to the caller"() {
      const grants = await ctx.key1.sign();
      assert.equal((await post("bound", { grants, headers: { "x-user": "alice" } })).status, 200);
      await problem(await post("bound", { grants, headers: { "x-user": "bob" } }), 403, "ERR_GRANTS_SUBJECT");
      await problem(await post("bound", { grants }), 401, "ERR_GRANTS_SUBJECT");
    },

    async "key rotation through jwksUrl: a new kid fetches the keys again, a dropped key is refused"() {
      ctx.keys.state.jwks = ctx.key1.jwks;
      const first = await post("rotating", { grants: await ctx.key1.sign() });
      assert.equal(first.status, 200, await first.clone().text());
      const fetched = ctx.keys.state.fetches;
      assert.equal((await post("rotating", { grants: await ctx.key1.sign() })).status, 200);
      assert.equal(ctx.keys.state.fetches, fetched, "the key set is cached");
      ctx.keys.state.jwks = ctx.key2.jwks; // the issuer rotated: key 1 is gone
      assert.equal((await post("rotating", { grants: await ctx.key2.sign() })).status, 200, "the new key, without a redeploy");
      assert.equal(ctx.keys.state.fetches, fetched + 1, "fetched once more, for the unknown kid");
      await problem(await post("rotating", { grants: await ctx.key1.sign() }), 401, "ERR_GRANTS_KEY_NOT_FOUND");
    },

    async "the key set's URL failing: the last set for another jwksMaxAge, one fetch per jwksCooldown, then a 503, one fetch a second"() {
      const { state } = ctx.keys;
      state.jwks = ctx.key1.jwks;
      const grants = await ctx.key1.sign();
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const before = state.fetches;
      assert.equal((await post("stale", { grants })).status, 200);
      assert.equal(state.fetches, before + 1);
      state.down = true;
      try {
        await sleep(1100); // stale (jwksMaxAge 1 s)
        assert.equal((await post("stale", { grants })).status, 200, "the last set, while its URL fails");
        assert.equal((await post("stale", { grants })).status, 200);
        assert.equal(state.fetches, before + 2, "one fetch, not one per request");
        await sleep(1100); // over twice jwksMaxAge since the last good fetch
        await problem(await post("stale", { grants }), 503, "ERR_JWKS_UNAVAILABLE");
        await problem(await post("stale", { grants }), 503, "ERR_JWKS_UNAVAILABLE");
        assert.equal(state.fetches, before + 3, "with no set left, a failure is answered again for a second without a fetch");
      } finally {
        state.down = false; // whatever failed, the next runtime's checks get a working key set
      }
      await sleep(1100);
      assert.equal((await post("stale", { grants })).status, 200, "back after the failure's hold (1 s)");
      assert.equal(state.fetches, before + 4);
    },

    async "an upstream that fails: a problem, never its body; a request too large: 413"() {
      const grants = await ctx.key1.sign();
      await post("errors", {}); // what onError saw so far
      ctx.standin.fail({ path: "/v2/user-tasks/search", status: 503 });
      await problem(await post("fill", { grants }), 502, "ERR_UPSTREAM");
      ctx.standin.fail({ path: "/v2/user-tasks/search", malformed: "json" });
      await problem(await post("fill", { grants }), 502, "ERR_UPSTREAM");
      ctx.standin.fail({ path: "/v2/user-tasks/search", malformed: "shape" });
      await problem(await post("fill", { grants }), 502, "ERR_UPSTREAM");
      const late = ctx.standin.requests.length;
      ctx.standin.fail({ path: "/v2/user-tasks/search", delayMs: 3000 });
      await problem(await post("fill", { grants }), 504, "ERR_UPSTREAM_TIMEOUT");
      // The stand-in records the late request when it answers: wait for it, so that it does not land in a later check.
      for (let i = 0; i < 50 && searches(late).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      await problem(await post("nowhere", { grants }), 502, "ERR_UPSTREAM");
      await problem(await post("own", { grants, headers: { authorization: "Bearer not-a-token" } }), 401, "ERR_UPSTREAM_REFUSED");
      await problem(await post("small", { grants, body: { filter: { assignee: "x".repeat(300) } } }), 413, "ERR_REQUEST_TOO_LARGE");
      assert.deepEqual(await (await post("errors", {})).json(), ["502 ERR_UPSTREAM", "502 ERR_UPSTREAM", "502 ERR_UPSTREAM", "504 ERR_UPSTREAM_TIMEOUT"], "onError saw each failure");
    },

    async "other paths and methods: 404 and 405 problems"() {
      await problem(await post("fill", { path: "/v2/user-tasks/1" }), 404, "ERR_NOT_FOUND");
      await problem(await post("fill", { method: "GET" }), 405, "ERR_METHOD");
    },
  };
}

/** `post` for a server at `base`. */
const poster = (base) => async (proxy, { grants, body = {}, headers = {}, path = "/v2/user-tasks/search", method = "POST" } = {}) =>
  fetch(`${base}/${proxy}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(grants === undefined ? {} : { "x-camunda-grants": grants }), ...headers },
    body: method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });

test("Node.js over HTTP (toNodeListener)", async (t) => {
  const installed = join(ctx.runDir, "node_modules", "camunda-authz");
  const { makeApp } = await import(pathToFileURL(join(ctx.runDir, "search-proxy-app.mjs")).href);
  const { toNodeListener } = await import(pathToFileURL(join(installed, "issuer", "node.js")).href);
  const server = createServer(toNodeListener(makeApp(ctx.env)));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  try {
    for (const [name, check] of Object.entries(checks(poster(`http://127.0.0.1:${server.address().port}`)))) await t.test(name, check);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test("workerd, the Worker bundled by Wrangler", { timeout: 180_000 }, async (t) => {
  const out = join(ctx.runDir, "wrangler-proxy");
  mkdirSync(out, { recursive: true });
  const modules = await wranglerBuild(join(ctx.runDir, "search-proxy-worker.mjs"), out, { home: join(ctx.runDir, ".wrangler-home") });
  const bindings = Object.entries(ctx.env).map(([name, value]) => {
    writeFileSync(join(out, `${name}.txt`), value);
    return `(name = "${name}", text = embed "${name}.txt")`;
  });
  writeFileSync(join(out, "config.capnp"), workerdConfig({ modules, bindings, outbound: true }));
  const workerd = await startWorkerd(out);
  try {
    for (const [name, check] of Object.entries(checks(poster(workerd.base)))) await t.test(name, check);
  } finally {
    await workerd.close();
  }
});
