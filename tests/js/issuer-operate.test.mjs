// Operating the issuer, over real HTTP against the Camunda stand-in: the handler's /healthz and
// /readyz, the onIssue and onError hooks, problem bodies that show end users neither other
// owners' ids nor the service account's missing permissions, and a grant set too large to issue.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { standinStarter } from "./support/standins.mjs";
import { SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";
import { AUD, ISS, salesPopulation } from "./support/issuer-population.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer, createIssuerHandler, toNodeListener } = await import(new URL("issuer/node.js", PKG).href);

const KEY = lib.generateSigningKey("operate-1");
const startStandin = standinStarter();
const standin = (data = salesPopulation(), options) => startStandin(data, options);
const oauth = (s, extra = {}) => ({ restAddress: s.url, auth: { strategy: "OAUTH", oauthUrl: s.oauthUrl, ...SERVICE_ACCOUNT, ...extra } });
const issuerFor = (s, options = {}) => createIssuer({ camunda: oauth(s), signingKey: KEY.privateJwk, issuer: ISS, audience: AUD, ...options });

/** `handler` on a real socket; resolves a fetch of a path on it. */
async function served(t, handler) {
  const server = createServer(toNodeListener(handler));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise((r) => server.close(r)));
  const base = `http://127.0.0.1:${server.address().port}`;
  return (path, init) => fetch(base + path, init);
}

test("GET /healthz answers for the process; GET /readyz for the cluster and the service account (200, else 503)", async (t) => {
  const s = await standin();
  const call = await served(t, createIssuerHandler(issuerFor(s)));
  const health = await call("/healthz");
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: "ok" });
  assert.equal(health.headers.get("cache-control"), "no-store");
  const ready = await call("/readyz");
  assert.equal(ready.status, 200, await ready.clone().text());
  assert.deepEqual(await ready.json(), { status: "ready" });
  assert.equal((await call("/readyz", { method: "POST" })).status, 405);

  // A refused secret: not ready, with the code and no message (the log has it).
  const wrong = await served(t, createIssuerHandler(issuerFor(s, { camunda: oauth(s, { clientSecret: "wrong-secret-value" }) })));
  const refused = await wrong("/readyz");
  assert.equal(refused.status, 503);
  assert.deepEqual(await refused.json(), { status: "not-ready", code: "ERR_ISSUER_AUTH" });
  // A service account without AUTHORIZATION READ is not ready either.
  const blind = structuredClone(salesPopulation());
  blind.authorizations = blind.authorizations.filter((a) => a.resourceType !== "AUTHORIZATION");
  const sb = await standin(blind);
  assert.equal((await (await served(t, createIssuerHandler(issuerFor(sb))))("/readyz")).status, 503);
  // Strategy NONE: ready when the cluster answers at all (it may refuse the anonymous request).
  const none = await served(t, createIssuerHandler(createIssuer({ camunda: { restAddress: s.url, auth: { strategy: "NONE" } }, signingKey: KEY.privateJwk, issuer: ISS, audience: AUD })));
  assert.equal((await none("/readyz")).status, 200);
  // The cluster down: not ready; the checks are kept for 2 s, so probes do not hammer it.
  const issuer = issuerFor(s);
  const probe = await served(t, createIssuerHandler(issuer));
  assert.equal((await probe("/readyz")).status, 200);
  const before = issuer.stats.requests;
  for (let i = 0; i < 5; i++) assert.equal((await probe("/readyz")).status, 200);
  assert.equal(issuer.stats.requests, before, "five probes within 2 s: no request");
  await s.down();
  try {
    const down = await served(t, createIssuerHandler(issuerFor(s)));
    const res = await down("/readyz");
    assert.equal(res.status, 503);
    assert.equal((await res.json()).code, "ERR_ISSUER_UPSTREAM");
  } finally {
    await s.up();
  }
  s.assertClean();
});

test("onIssue and onError receive { durationMs, cached, upstreamRequests, ... }, from the issuer and from the handler with the request id", async (t) => {
  const s = await standin();
  const issued = [];
  const failed = [];
  const handlerIssued = [];
  const handlerFailed = [];
  const issuer = issuerFor(s, { onIssue: (e) => issued.push(e), onError: (e) => failed.push(e) });
  const call = await served(t, createIssuerHandler(issuer, { onIssue: (e) => handlerIssued.push(e), onError: (e) => handlerFailed.push(e) }));
  const alice = s.userToken("alice");
  for (let i = 0; i < 2; i++) assert.equal((await call("/grants", { headers: { authorization: `Bearer ${alice}` } })).status, 200);
  assert.equal(issued.length, 2);
  const [first, second] = issued;
  assert.equal(first.cached, false);
  assert.ok(first.upstreamRequests >= 3, `the first: /me, mapping rules, the self-check and the owners (${first.upstreamRequests})`);
  assert.equal(first.tokenRequests, 1);
  assert.equal(second.cached, true, "the second: everything from the cache");
  assert.equal(second.upstreamRequests, 0, "not even /v2/authentication/me: the cluster accepted this token within the cache period");
  assert.equal(second.tokenRequests, 0);
  for (const e of issued) {
    assert.equal(typeof e.durationMs, "number");
    assert.ok(e.durationMs >= 0);
    assert.equal(e.subject, "alice");
    assert.ok(e.tokenBytes > 100 && e.authorizations > 0 && e.expiresAt instanceof Date);
  }
  assert.equal(handlerIssued.length, 2);
  assert.match(handlerIssued[0].requestId, /^[0-9a-f-]{36}$/);
  assert.ok(handlerIssued[0].request instanceof Request);

  s.fail({ path: "/v2/authentication/me", status: 503 });
  const res = await call("/grants", { headers: { authorization: `Bearer ${s.userToken("alice")}` } });
  assert.equal(res.status, 502);
  const body = await res.json();
  assert.equal(failed.length, 1);
  assert.equal(failed[0].code, "ERR_ISSUER_UPSTREAM");
  assert.match(failed[0].message, /GET http:\/\/127\.0\.0\.1:\d+\/v2\/authentication\/me failed \(503\)/);
  assert.equal(failed[0].status, 502);
  assert.equal(handlerFailed.length, 1);
  assert.equal(body.instance, `urn:uuid:${handlerFailed[0].requestId}`, "the problem names the log's request id");
  assert.ok(!JSON.stringify(failed).includes(alice), "no token in an event");
  // A hook that throws does not change the answer.
  const throwing = await served(t, createIssuerHandler(issuerFor(s, { onIssue: () => { throw new Error("x"); } }), { onIssue: () => { throw new Error("y"); } }));
  assert.equal((await throwing("/grants", { headers: { authorization: `Bearer ${alice}` } })).status, 200);
  s.assertClean();
});

/** alice's grants request to a handler over `s`, which must fail with 502: the problem body and the onError events. */
async function failedGrants(t, s) {
  const errors = [];
  const call = await served(t, createIssuerHandler(issuerFor(s), { onError: (e) => errors.push(e) }));
  const res = await call("/grants", { headers: { authorization: `Bearer ${s.userToken("alice")}` } });
  assert.equal(res.status, 502);
  return { body: await res.json(), errors };
}

test("the 502 body shows end users neither other owners' ids nor the service account's missing permissions; onError has them", async (t) => {
  const blind = structuredClone(salesPopulation());
  blind.authorizations = blind.authorizations.filter((a) => a.resourceType !== "AUTHORIZATION");
  const sb = await standin(blind);
  const blindly = await failedGrants(t, sb);
  assert.equal(blindly.body.code, "ERR_ISSUER_AUTH");
  assert.doesNotMatch(JSON.stringify(blindly.body), /AUTHORIZATION|MAPPING_RULE|READ/);
  assert.match(blindly.errors[0].message, /give it AUTHORIZATION READ/);

  const s = await standin();
  s.fail({
    path: "/v2/authorizations/search",
    times: Number.POSITIVE_INFINITY,
    transform: (page, request) => (request.body.filter?.ownerId === "alice" ? { ...page, items: [{ ...(page.items[0] ?? {}), authorizationKey: "2251799813700999", ownerType: "USER", ownerId: "mallory-the-other-owner", resourceType: "USER_TASK", resourceId: "*", resourcePropertyName: null, permissionTypes: ["READ"] }] } : page),
  });
  const other = await failedGrants(t, s);
  assert.equal(other.body.code, "ERR_ISSUER_UPSTREAM");
  assert.ok(!JSON.stringify(other.body).includes("mallory"), JSON.stringify(other.body));
  assert.match(other.errors[0].message, /mallory-the-other-owner/);
  s.assertClean();
});

test("a grant set over the verifiers' bound is a 500 with code ERR_GRANTS_TOO_LARGE, not a generic error", async (t) => {
  const data = salesPopulation({ authorizations: Array.from({ length: 9000 }, (_, i) => ({ ownerType: "USER", ownerId: "alice", resourceType: "PROCESS_DEFINITION", resourceId: `process-${i}`, permissionTypes: ["READ_USER_TASK"] })) });
  const s = await standin(data);
  const errors = [];
  const call = await served(t, createIssuerHandler(issuerFor(s, { pageSize: 10_000 }), { onError: (e) => errors.push(e) }));
  const res = await call("/grants", { headers: { authorization: `Bearer ${s.userToken("alice")}` } });
  assert.equal(res.status, 500);
  assert.equal((await res.json()).code, "ERR_GRANTS_TOO_LARGE");
  assert.match(errors[0].message, /`resourceTypes`/);
  s.assertClean();
});

test("a grant set asked for again within min(cacheTtl, ttl / 10) with the same content is the same token, not signed again", async () => {
  const s = await standin();
  let clock = Date.now();
  const issuer = issuerFor(s, { now: () => clock, ttl: 900, cacheTtl: 30 });
  const alice = s.userToken("alice");
  const first = await issuer.issue({ userToken: alice });
  const again = await Promise.all([issuer.issue({ userToken: alice }), issuer.issue({ userToken: alice })]);
  for (const a of again) {
    assert.equal(a.token, first.token, "the same grant set");
    assert.equal(a.stats.upstreamRequests, 0, "nothing asked: the cluster accepted this token within the cache period");
  }
  clock += 29_000;
  assert.equal((await issuer.issue({ userToken: alice })).token, first.token, "29 s later: still within 30 s");
  clock += 2000;
  const later = await issuer.issue({ userToken: alice });
  assert.notEqual(later.token, first.token, "past the window: a new one");
  assert.notEqual(later.payload.jti, first.payload.jti);
  // Another content (an authorization added, the cache cleared): a new grant set at once.
  s.data.authorizations.push({ authorizationKey: "2251799813709999", ownerType: "USER", ownerId: "alice", resourceType: "USER_TASK", resourceId: "*", permissionTypes: ["READ"] });
  issuer.clearCache();
  const changed = await issuer.issue({ userToken: alice });
  assert.notEqual(changed.token, later.token);
  assert.equal(changed.payload.authorizations.length, later.payload.authorizations.length + 1);
  // A short lifetime: a tenth of it (6 s of 60), so that a grant session's renewal is new.
  const short = issuerFor(s, { now: () => clock, ttl: 60, cacheTtl: 30 });
  const one = await short.issue({ userToken: alice });
  clock += 7000;
  assert.notEqual((await short.issue({ userToken: alice })).token, one.token);
  // Another principal never gets it, and cacheTtl 0 turns reuse off.
  assert.notEqual((await issuer.issue({ userToken: s.userToken("bob") })).token, changed.token);
  const off = issuerFor(s, { cacheTtl: 0 });
  assert.notEqual((await off.issue({ userToken: alice })).token, (await off.issue({ userToken: alice })).token);
  s.assertClean();
});

test("toNodeListener writes the package's handler as its Responses say, and any other fetch-style handler's Response as it is", async (t) => {
  const s = await standin();
  const handler = createIssuerHandler(issuerFor(s));
  const call = await served(t, handler);
  for (const [path, init] of [["/healthz"], ["/.well-known/camunda-grants-jwks.json"], ["/grants"], ["/nowhere"], ["/healthz", { method: "POST" }], ["/healthz", { method: "HEAD" }], ["/grants", { headers: { authorization: `Bearer ${s.userToken("alice")}` } }]]) {
    const direct = await handler(new Request(`http://issuer.test${path}`, init));
    const viaNode = await call(path, init);
    assert.equal(viaNode.status, direct.status, path);
    for (const name of ["content-type", "cache-control", "allow", "www-authenticate"]) assert.equal(viaNode.headers.get(name), direct.headers.get(name), `${path} ${name}`);
    const [a, b] = [await direct.text(), await viaNode.text()];
    if (path === "/grants" && direct.status === 200) assert.deepEqual(Object.keys(JSON.parse(b)), Object.keys(JSON.parse(a)));
    else assert.equal(b, a, path);
  }
  const other = await served(t, async (request) => new Response(`you asked ${new URL(request.url).pathname}`, { status: 418, headers: { "x-mine": "1" } }));
  const res = await other("/teapot");
  assert.equal(res.status, 418);
  assert.equal(res.headers.get("x-mine"), "1");
  assert.equal(await res.text(), "you asked /teapot");
});
