// A user token the cluster accepted is not asked about again within the cache period: the issuer
// keeps GET /v2/authentication/me's answer (and from 8.10 the own-authorizations search's) under
// the token's SHA-256, never past the token's own `exp`, bounded by `cacheEntries`. So a cached
// grant set costs no round trip, and a slow cluster slows only the grant sets it must be asked
// for. Another token of the same user, a fresh issue, `cacheTtl: 0` and clearCache() ask again;
// while the cluster is down a token it accepted within the period still gets its grant set, and
// any other is refused (fail closed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { standinStarter } from "./support/standins.mjs";
import { SERVICE_ACCOUNT, serviceAccountAuthorizations } from "../camunda-standin/population.mjs";
import { AUD, ISS, salesPopulation } from "./support/issuer-population.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);

const KEY = lib.generateSigningKey("tokens-1");
const startStandin = standinStarter();
const oauth = (s) => ({ restAddress: s.url, auth: { strategy: "OAUTH", oauthUrl: s.oauthUrl, ...SERVICE_ACCOUNT } });
const issuerFor = (s, options = {}) => createIssuer({ camunda: oauth(s), signingKey: KEY.privateJwk, issuer: ISS, audience: AUD, ...options });
const ME = "/v2/authentication/me";
const OWN = "/v2/authentication/me/authorizations/search";
const asked = (s, path) => s.requests.filter((r) => r.path === path).length;

test("8.9: a token the cluster accepted is not asked about again within the cache period; another token of the same user is", async () => {
  const s = await startStandin(salesPopulation());
  const issuer = issuerFor(s);
  const token = s.userToken("alice");
  const first = await issuer.issue({ userToken: token });
  const second = await issuer.issue({ userToken: token });
  assert.equal(second.stats.upstreamRequests, 0, "nothing asked: the token, the memberships and the authorizations from the cache");
  assert.equal(second.stats.cached, true);
  assert.equal(second.token, first.token, "the same grant set");
  assert.equal(asked(s, ME), 1);
  const other = await issuer.issue({ userToken: s.userToken("alice") });
  assert.equal(other.stats.upstreamRequests, 1, "a token never seen is the cluster's to accept: GET /me once");
  assert.equal(other.payload.sub, "alice");
  assert.equal(asked(s, ME), 2);
  s.assertClean();
});

test("never past the token's own exp: a token whose exp has passed is asked about again", async () => {
  const s = await startStandin(salesPopulation(), { userTokenTtl: 20 });
  let clock = Date.now();
  const issuer = issuerFor(s, { now: () => clock, cacheTtl: 60 });
  const token = s.userToken("alice");
  await issuer.issue({ userToken: token });
  clock += 10_000;
  assert.equal((await issuer.issue({ userToken: token })).stats.upstreamRequests, 0, "10 s on: still within exp and the cache period");
  clock += 15_000;
  const late = await issuer.issue({ userToken: token });
  assert.equal(asked(s, ME), 2, "25 s on, past the token's exp (20 s) though within the cache period (60 s): GET /me again");
  assert.ok(late.stats.upstreamRequests >= 1);
});

test("a fresh issue, cacheTtl: 0 and clearCache() ask the cluster about the token again", async () => {
  const s = await startStandin(salesPopulation());
  const token = s.userToken("alice");
  const issuer = issuerFor(s);
  await issuer.issue({ userToken: token });
  await issuer.issue({ userToken: token }, { fresh: true });
  assert.equal(asked(s, ME), 2, "fresh: GET /me again");
  issuer.clearCache();
  await issuer.issue({ userToken: token });
  assert.equal(asked(s, ME), 3, "after clearCache()");
  const uncached = issuerFor(s, { cacheTtl: 0 });
  await uncached.issue({ userToken: token });
  await uncached.issue({ userToken: token });
  assert.equal(asked(s, ME), 5, "cacheTtl: 0 keeps nothing");
  // The cluster refuses the token from now on: a fresh issue sees it.
  s.revokeTokens();
  await assert.rejects(issuer.issue({ userToken: token }, { fresh: true }), (e) => e.code === "ERR_ISSUER_PRINCIPAL");
  await assert.rejects(issuer.issue({ userToken: token }), (e) => e.code === "ERR_ISSUER_PRINCIPAL", "the refusal is not cached over: the token's entry was dropped");
});

test("a refused token is never kept: the next issue asks again", async () => {
  const s = await startStandin(salesPopulation());
  const issuer = issuerFor(s);
  const forged = `${s.userToken("alice").split(".").slice(0, 2).join(".")}.forged`;
  await assert.rejects(issuer.issue({ userToken: forged }), (e) => e.code === "ERR_ISSUER_PRINCIPAL");
  await assert.rejects(issuer.issue({ userToken: forged }), (e) => e.code === "ERR_ISSUER_PRINCIPAL");
  assert.equal(asked(s, ME), 2);
});

test("the cluster down: a token it accepted within the period still gets its grant set, any other is refused (fail closed)", async () => {
  const s = await startStandin(salesPopulation());
  const issuer = issuerFor(s, { timeoutMs: 2000 });
  const known = s.userToken("alice");
  const before = await issuer.issue({ userToken: known });
  const unknown = s.userToken("bob");
  await s.down();
  try {
    const during = await issuer.issue({ userToken: known });
    assert.equal(during.token, before.token);
    await assert.rejects(issuer.issue({ userToken: unknown }), (e) => e.code === "ERR_ISSUER_UPSTREAM");
  } finally {
    await s.up();
  }
});

test("the tokens' cache is bounded by cacheEntries: the oldest token goes first", async () => {
  const s = await startStandin(salesPopulation());
  const issuer = issuerFor(s, { cacheEntries: 2 });
  const tokens = [s.userToken("alice"), s.userToken("alice"), s.userToken("alice")];
  for (const token of tokens) await issuer.issue({ userToken: token });
  assert.equal(asked(s, ME), 3);
  await issuer.issue({ userToken: tokens[2] });
  assert.equal(asked(s, ME), 3, "the newest is kept");
  await issuer.issue({ userToken: tokens[0] });
  assert.equal(asked(s, ME), 4, "the oldest was evicted");
});

function cluster810() {
  return {
    camundaVersion: "8.10",
    users: [{ username: "alice" }],
    clients: [SERVICE_ACCOUNT],
    groups: [{ groupId: "sales", users: ["alice"] }],
    authorizations: [...serviceAccountAuthorizations(), { ownerType: "GROUP", ownerId: "sales", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK"] }],
  };
}

test("8.10: the cluster's answers for a token are kept too; a fresh issue reads both again", async () => {
  const s = await startStandin(cluster810());
  const issuer = createIssuer({ camunda: { restAddress: s.url, auth: { strategy: "NONE" } }, signingKey: KEY.privateJwk, issuer: ISS, audience: AUD, cluster: { camundaVersion: "8.10" } });
  const token = s.userToken("alice");
  const first = await issuer.issue({ userToken: token });
  assert.equal(first.stats.upstreamRequests, 2);
  const second = await issuer.issue({ userToken: token });
  assert.equal(second.stats.upstreamRequests, 0);
  assert.equal(second.stats.cached, true);
  assert.equal(second.token, first.token);
  assert.equal([asked(s, ME), asked(s, OWN)].join(), "1,1");
  const fresh = await issuer.issue({ userToken: token }, { fresh: true });
  assert.equal(fresh.stats.upstreamRequests, 2);
  assert.equal([asked(s, ME), asked(s, OWN)].join(), "2,2");
  s.assertClean();
});
