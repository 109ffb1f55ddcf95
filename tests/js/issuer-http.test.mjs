// The issuer over HTTP: the fetch-style handler (grants and JWKS, problem responses, key
// rotation), under node:http through toNodeListener and under Hono, and the
// `camunda-authz issuer` service (bin) configured by environment variables and a key file.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { startStandin } from "../camunda-standin/index.mjs";
import { SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";
import { startIssuerBin } from "./support/issuer-bin.mjs";
import { AUD, binEnv, ISS, salesPopulation } from "./support/issuer-population.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer, createIssuerHandler, toNodeListener, keyRing } = await import(new URL("issuer/node.js", PKG).href);

const JWKS_PATH = "/.well-known/camunda-grants-jwks.json";
const standin = await startStandin(salesPopulation());
const scratch = mkdtempSync(join(tmpdir(), "camunda-authz-issuer-"));
after(async () => {
  await standin.close();
  rmSync(scratch, { recursive: true, force: true });
});

const camunda = { restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...SERVICE_ACCOUNT } };
const key1 = lib.generateSigningKey("grants-2026-11");
const key2 = lib.generateSigningKey("grants-2026-12");
const issuerFor = (options = {}) => createIssuer({ camunda, signingKey: key1.privateJwk, issuer: ISS, audience: AUD, ...options });

/** A checked grants response: `{ token, expiresAt }` that verifies against the JWKS served next to it. */
async function expectGrants(res, jwks) {
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.match(res.headers.get("content-type"), /^application\/json/);
  const body = await res.json();
  assert.deepEqual(Object.keys(body).sort(), ["expiresAt", "token"]);
  assert.match(body.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const grants = lib.verifyGrants(body.token, jwks, { issuer: ISS, audience: AUD });
  assert.equal(body.expiresAt, new Date(grants.payload.exp * 1000).toISOString());
  assert.deepEqual(grants.payload.principal.roles, ["task-worker"]);
  return grants;
}

async function expectProblem(res, status, code) {
  assert.equal(res.status, status);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  assert.equal(res.headers.get("cache-control"), "no-store");
  const body = await res.json();
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  for (const secret of [SERVICE_ACCOUNT.clientSecret]) assert.ok(!JSON.stringify(body).includes(secret));
  return body;
}

/**
 * `handler` served by node:http through toNodeListener on a real socket: resolves a `fetch` of a
 * path on it, so that statuses and headers are checked as a client receives them. Closed after the test.
 */
async function served(t, handler) {
  const server = await listen(toNodeListener(handler));
  t.after(server.close);
  return (path, init = {}) => fetch(`${server.base}${path}`, init);
}

test("handler over a real socket: grants for the bearer, the JWKS with a short max-age, clean 401/403/404/405/502", async (t) => {
  const call = await served(t, createIssuerHandler(issuerFor(), { jwksMaxAge: 120 }));
  const jwksRes = await call(JWKS_PATH);
  assert.equal(jwksRes.status, 200);
  assert.equal(jwksRes.headers.get("cache-control"), "public, max-age=120");
  assert.equal(jwksRes.headers.get("content-type"), "application/jwk-set+json");
  const jwks = await jwksRes.json();
  assert.deepEqual(jwks.keys.map((k) => k.kid), ["grants-2026-11"]);
  assert.ok(jwks.keys.every((k) => !("d" in k)), "no private material");
  const bearer = { authorization: `Bearer ${standin.userToken("alice")}` };
  await expectGrants(await call("/grants", { headers: bearer }), jwks);
  await expectGrants(await call("/grants", { method: "POST", headers: bearer }), jwks);
  const missing = await call("/grants");
  await expectProblem(missing, 401, "ERR_ISSUER_PRINCIPAL");
  assert.equal(missing.headers.get("www-authenticate"), "Bearer");
  const refused = await call("/grants", { headers: { authorization: "Bearer not-a-token-the-cluster-knows" } });
  const body = await expectProblem(refused, 401, "ERR_ISSUER_PRINCIPAL");
  assert.ok(!body.detail.includes("not-a-token"), "the token is not echoed");
  // A fresh issuer (the first one has alice's authorizations cached).
  standin.fail({ path: "/v2/authorizations/search", status: 503 });
  await expectProblem(await (await served(t, createIssuerHandler(issuerFor())))("/grants", { headers: bearer }), 502, "ERR_ISSUER_UPSTREAM");
  standin.clearFailures();
  const refusedAccount = await served(t, createIssuerHandler(createIssuer({ camunda: { ...camunda, auth: { ...camunda.auth, clientSecret: "nope" } }, signingKey: key1.privateJwk, issuer: ISS, audience: AUD })));
  await expectProblem(await refusedAccount("/grants", { headers: bearer }), 502, "ERR_ISSUER_AUTH");
  await expectProblem(await call("/elsewhere"), 404, "ERR_NOT_FOUND");
  await expectProblem(await call("/grants", { method: "DELETE", headers: bearer }), 405, "ERR_METHOD");
  await expectProblem(await call(JWKS_PATH, { method: "POST" }), 405, "ERR_METHOD");
  // An unknown user (issuing by name) is 403.
  const unknownUser = await served(t, createIssuerHandler({ jwks: { keys: [] }, issue: () => issuerFor().issue({ username: "nobody" }) }));
  await expectProblem(await unknownUser("/grants", { headers: bearer }), 403, "ERR_ISSUER_PRINCIPAL");
  standin.assertClean();
});

test("?fresh=1 reads the principal's authorizations again, once per principal per 10 s; Cache-Control: no-cache alone does not", async (t) => {
  const granted = { ownerType: "USER", ownerId: "alice", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] };
  const s = await startStandin(salesPopulation({ authorizations: [granted] }));
  t.after(() => s.close());
  let clock = Date.now();
  const issuer = createIssuer({ camunda: { ...camunda, restAddress: s.url, auth: { ...camunda.auth, oauthUrl: s.oauthUrl } }, signingKey: key1.privateJwk, issuer: ISS, audience: AUD, now: () => clock });
  const call = await served(t, createIssuerHandler(issuer));
  const bearer = { authorization: `Bearer ${s.userToken("alice")}` };
  const permissions = async (path, headers = {}) => {
    const grants = await expectGrants(await call(path, { headers: { ...bearer, ...headers } }), issuer.jwks);
    return grants.payload.authorizations.filter((a) => a.ownerType === "USER").flatMap((a) => a.permissionTypes);
  };
  assert.deepEqual(await permissions("/grants"), ["READ_USER_TASK", "UPDATE_USER_TASK"]);
  granted.permissionTypes = ["READ_USER_TASK"]; // revoked in the cluster after the grant set was issued
  clock += 1000;
  assert.deepEqual(await permissions("/grants"), ["READ_USER_TASK", "UPDATE_USER_TASK"], "within cacheTtl the cache answers");
  assert.deepEqual(await permissions("/grants", { "cache-control": "no-cache", pragma: "no-cache" }), ["READ_USER_TASK", "UPDATE_USER_TASK"], "what browsers send with every no-store fetch is no fresh read");
  assert.deepEqual(await permissions("/grants?fresh=1"), ["READ_USER_TASK"], "?fresh=1 reads the cluster again");
  granted.permissionTypes = [];
  clock += 1000;
  assert.deepEqual(await permissions("/grants?fresh=1"), ["READ_USER_TASK"], "a second fresh read of the same principal within 10 s is the cache's");
  clock += 10_000;
  assert.deepEqual(await permissions("/grants?fresh=1"), [], "after 10 s, one more");
  await assert.rejects(issuer.issue({ userToken: "x" }, { fresh: "yes" }), /issue\(\)'s options are `\{ fresh\?: boolean \}`/);
});

test("key rotation: the new key signs, the old public key stays published, tokens of both verify", async () => {
  const before = issuerFor();
  const oldToken = (await before.issue({ username: "alice" })).token;
  const ring = keyRing(JSON.stringify({ keys: [key2.privateJwk, key1.privateJwk] }));
  assert.ok(!("d" in ring.previousKeys[0]), "an older key is published without its private half");
  const rotated = createIssuer({ camunda, ...ring, issuer: ISS, audience: AUD });
  const handler = createIssuerHandler(rotated);
  const jwks = await (await handler(new Request(`https://x${JWKS_PATH}`))).json();
  assert.deepEqual(jwks.keys.map((k) => k.kid), ["grants-2026-12", "grants-2026-11"]);
  const fresh = await expectGrants(await handler(new Request("https://x/grants", { headers: { authorization: `Bearer ${standin.userToken("alice")}` } })), jwks);
  assert.equal(fresh.header.kid, "grants-2026-12");
  assert.equal(lib.verifyGrants(oldToken, jwks, { issuer: ISS, audience: AUD }).header.kid, "grants-2026-11", "a token of the old key still verifies");
  // Once the old key is dropped, its tokens are refused.
  const after = createIssuer({ camunda, signingKey: key2.privateJwk, issuer: ISS, audience: AUD });
  assert.throws(() => lib.verifyGrants(oldToken, after.jwks, { issuer: ISS, audience: AUD }), { code: "ERR_GRANTS_KEY_NOT_FOUND" });
});

async function listen(listener) {
  const server = createServer(listener);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

test("node:http through toNodeListener, and Hono, over real HTTP", async () => {
  const handler = createIssuerHandler(issuerFor());
  const hono = new Hono();
  hono.on(["GET", "POST"], "/api/grants", (c) => handler(new Request(new URL("/grants", c.req.url), c.req.raw)));
  hono.get(JWKS_PATH, (c) => handler(c.req.raw));
  for (const [name, listener, grantsPath] of [
    ["node:http", toNodeListener(handler), "/grants"],
    ["hono", toNodeListener((request) => hono.fetch(request)), "/api/grants"],
  ]) {
    const server = await listen(listener);
    try {
      const jwks = await (await fetch(server.base + JWKS_PATH)).json();
      await expectGrants(await fetch(server.base + grantsPath, { method: "POST", headers: { authorization: `Bearer ${standin.userToken("alice")}` }, body: "{}" }), jwks);
      await expectProblem(await fetch(server.base + grantsPath), 401, "ERR_ISSUER_PRINCIPAL");
    } catch (error) {
      error.message = `${name}: ${error.message}`;
      throw error;
    } finally {
      await server.close();
    }
  }
  standin.assertClean();
});

/** Starts the bin with only `env` (and PATH); `{ started, exited, child, output() }`. */
function startBin(args, env) {
  const bin = fileURLToPath(new URL("issuer/bin.js", PKG));
  return startIssuerBin(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH, ...env } });
}

test("the bin: `camunda-authz issuer` serves grants and the JWKS from CAMUNDA_* variables and a key file", async () => {
  const keyFile = join(scratch, "key.json");
  writeFileSync(keyFile, JSON.stringify({ keys: [key2.privateJwk, key1.publicJwk] }));
  const env = binEnv(standin, { CAMUNDA_REST_ADDRESS: `${standin.url}/v2`, CAMUNDA_AUTHZ_TTL: "120" });
  const run = startBin(["issuer", "--key", keyFile, "--port", "0"], env);
  try {
    const base = await run.started;
    const jwksRes = await fetch(base + JWKS_PATH);
    assert.match(jwksRes.headers.get("cache-control"), /max-age=\d+/);
    const jwks = await jwksRes.json();
    assert.deepEqual(jwks.keys.map((k) => k.kid), ["grants-2026-12", "grants-2026-11"]);
    const grants = await expectGrants(await fetch(`${base}/grants`, { headers: { authorization: `Bearer ${standin.userToken("alice")}` } }), jwks);
    assert.equal(grants.payload.exp - grants.payload.iat, 120, "CAMUNDA_AUTHZ_TTL");
    await expectProblem(await fetch(`${base}/grants`, { headers: { authorization: "Bearer unknown" } }), 401, "ERR_ISSUER_PRINCIPAL");
    run.child.kill("SIGTERM");
    assert.equal(await run.exited, 0, "stops cleanly on SIGTERM");
    assert.ok(!run.output().includes(SERVICE_ACCOUNT.clientSecret), "the secret is never printed");
  } finally {
    run.child.kill("SIGKILL");
  }
  // Configuration errors: exit 2 with a message, no secret.
  for (const [args, extra, message] of [
    [["issuer", "--port", "0"], {}, /no key file/],
    [["issuer", "--key", keyFile, "--port", "0"], { CAMUNDA_AUTHZ_ISSUER: "" }, /CAMUNDA_AUTHZ_ISSUER and CAMUNDA_AUTHZ_AUDIENCE must be set/],
    [["issuer", "--key", join(scratch, "missing.json"), "--port", "0"], {}, /could not be read/],
    [["issuer", "--key", keyFile, "--port", "0"], { CAMUNDA_REST_ADDRESS: "" }, /CAMUNDA_REST_ADDRESS/],
    [["sign"], {}, /unknown command `sign`/],
  ]) {
    const bad = startBin(args, { ...env, ...extra });
    const code = await bad.exited;
    assert.equal(code, 2, `${args.join(" ")}: ${bad.output()}`);
    assert.match(bad.output(), message);
    assert.ok(!bad.output().includes(SERVICE_ACCOUNT.clientSecret));
  }
  standin.assertClean();
});
