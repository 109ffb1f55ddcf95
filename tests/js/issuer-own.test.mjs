// 8.10 and later: `issue({ userToken })` lets the cluster resolve, with the user's token only:
// GET /v2/authentication/me and POST /v2/authentication/me/authorizations/search, every page
// (bounded as every search), no request as the service account (which may be absent), the grant
// set's authorizationsEnabled from the cluster's answer, mapping-rule owners in
// principal.mappingRules; a cluster without the endpoint is a clear ERR_ISSUER_UPSTREAM. And
// physical tenants: the REST address's /physical-tenants/<id> prefix, named in the grant set.
import { test } from "node:test";
import assert from "node:assert/strict";
import { standinStarter } from "./support/standins.mjs";
import { SERVICE_ACCOUNT, serviceAccountAuthorizations } from "../camunda-standin/population.mjs";
import { rejection } from "./support/issuer-asserts.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);

const KEY = lib.generateSigningKey("issuer-own-1");
const OWN = "/v2/authentication/me/authorizations/search";
const startStandin = standinStarter();

function cluster(extra = {}) {
  const many = Array.from({ length: 12 }, (_, i) => ({ ownerType: "USER", ownerId: "alice", resourceType: "USER_TASK", resourceId: String(1000 + i), permissionTypes: ["READ"] }));
  return {
    camundaVersion: "8.10",
    users: [{ username: "alice" }, { username: "bob" }],
    clients: [SERVICE_ACCOUNT],
    groups: [{ groupId: "sales", users: ["alice"] }],
    roles: [{ roleId: "task-worker", groups: ["sales"] }],
    mappingRules: [{ mappingRuleId: "eu-staff", claimName: "region", claimValue: "eu" }],
    tenants: [{ tenantId: "<default>", groups: ["sales"] }],
    authorizations: [
      ...serviceAccountAuthorizations(),
      { ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM"] },
      { ownerType: "MAPPING_RULE", ownerId: "eu-staff", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK"] },
      { ownerType: "USER", ownerId: "bob", resourceType: "USER_TASK", resourceId: "*", permissionTypes: ["READ"] },
      ...many,
    ],
    ...extra,
  };
}

const standin = (data = cluster(), options) => startStandin(data, options);

function issuerFor(restAddress, options = {}, cluster = {}) {
  return createIssuer({ camunda: { restAddress, auth: { strategy: "NONE" } }, signingKey: KEY.privateJwk, issuer: "https://tasklist.example.com", audience: "tasklist", cluster: { camundaVersion: "8.10", ...cluster }, ...options });
}

test("8.10: the cluster resolves with the user's token only, every page, and no service account", async () => {
  const s = await standin();
  const token = s.userToken("alice", { region: "eu" });
  const { payload, stats } = await issuerFor(s.url, { pageSize: 5 }).issue({ userToken: token });
  assert.deepEqual(payload.principal, { type: "USER", id: "alice", groups: ["sales"], roles: ["task-worker"], tenants: [], mappingRules: ["eu-staff"] });
  assert.equal(payload.authorizationsEnabled, true);
  assert.equal(payload.camundaVersion, "8.10");
  const expected = s.authorizationsOf(s.caller({ username: "alice", claims: { region: "eu" } }));
  assert.equal(payload.authorizations.length, expected.length, "everything that applies to alice, and nothing of bob's");
  assert.equal(payload.authorizations.length, 14);
  assert.ok(!payload.authorizations.some((a) => a.ownerId === "bob"));
  const pages = s.requests.filter((r) => r.path === OWN);
  assert.equal(pages.length, 3, "14 items in pages of 5");
  assert.deepEqual(pages.map((r) => r.body.page.after === undefined), [true, false, false]);
  assert.ok(s.requests.every((r) => r.as === "user:alice"), `only the user's token: ${[...new Set(s.requests.map((r) => r.as))]}`);
  assert.equal(s.tokenRequests, 0);
  assert.equal(stats.upstreamRequests, 4, "/me and three pages");
  s.assertClean();
});

test("8.10: authorizationsEnabled is the cluster's answer, not the option", async () => {
  const s = await standin(cluster({ authorizationsEnabled: false }));
  const { payload } = await issuerFor(s.url, {}, { authorizationsEnabled: true }).issue({ userToken: s.userToken("alice") });
  assert.equal(payload.authorizationsEnabled, false);
  s.assertClean();
});

test("8.10: the own search is bounded like every search (maxSearchItems, a repeated cursor) and checked in shape", async () => {
  const s = await standin();
  const tooMany = await rejection(issuerFor(s.url, { pageSize: 5, maxSearchItems: 8 }).issue({ userToken: s.userToken("alice") }));
  assert.equal(tooMany.code, "ERR_ISSUER_UPSTREAM");
  assert.match(tooMany.message, /me\/authorizations\/search has more than 8 items/);
  s.fail({ path: OWN, times: Infinity, transform: (body) => ({ ...body, page: { ...body.page, totalItems: 1000, endCursor: "NA" } }) }); // the cursor of item 4, again and again
  const loop = await rejection(issuerFor(s.url, { pageSize: 5 }).issue({ userToken: s.userToken("alice") }));
  assert.match(loop.message, /`page.endCursor` it had answered before/);
  s.clearFailures();
  s.fail({ path: OWN, transform: ({ authorizationsEnabled, ...rest }) => rest });
  // The stand-in's check refuses its own answer without the boolean (500): the issuer fails closed either way.
  assert.equal((await rejection(issuerFor(s.url).issue({ userToken: s.userToken("alice") }))).code, "ERR_ISSUER_UPSTREAM");
  s.violations.length = 0;
});

test("8.10: a cluster without the own-authorizations search is a clear ERR_ISSUER_UPSTREAM naming it", async () => {
  const s = await standin();
  s.fail({ path: OWN, status: 404 });
  const error = await rejection(issuerFor(s.url).issue({ userToken: s.userToken("alice") }));
  assert.equal(error.code, "ERR_ISSUER_UPSTREAM");
  assert.match(error.message, /POST .*\/v2\/authentication\/me\/authorizations\/search answered 404: the cluster has no own-authorizations search.*cluster\.camundaVersion/);
});

test("8.10: a refused user token is ERR_ISSUER_PRINCIPAL; 8.9 keeps the service account's path", async () => {
  const s = await standin();
  const refused = await rejection(issuerFor(s.url).issue({ userToken: "not-a-token" }));
  assert.equal(refused.code, "ERR_ISSUER_PRINCIPAL");
  s.requests.length = 0;
  const auth = { strategy: "OAUTH", oauthUrl: s.oauthUrl, ...SERVICE_ACCOUNT };
  const old = createIssuer({ camunda: { restAddress: s.url, auth }, signingKey: KEY.privateJwk, issuer: "i", audience: "a", cluster: { camundaVersion: "8.9" } });
  const { payload } = await old.issue({ userToken: s.userToken("alice", { region: "eu" }) });
  assert.deepEqual(payload.principal.mappingRules, ["eu-staff"]);
  assert.ok(!s.requests.some((r) => r.path === OWN && r.as === "user:alice"), "8.9 never asks the 8.10 endpoint");
  assert.ok(s.requests.some((r) => r.as === `oauth:${SERVICE_ACCOUNT.clientId}`));
});

test("physical tenants: the REST address's /physical-tenants/<id> prefix is served and named in the grant set", async () => {
  const s = await standin(cluster({ physicalTenants: ["eu-1"] }));
  const { payload } = await issuerFor(`${s.url}/physical-tenants/eu-1/v2`).issue({ userToken: s.userToken("alice") });
  assert.equal(payload.physicalTenant, "eu-1");
  assert.ok(s.requests.length > 0 && s.requests.every((r) => r.physicalTenant === "eu-1"), "every request under the prefix");
  const verified = lib.verifyGrants((await issuerFor(`${s.url}/physical-tenants/eu-1`).issue({ userToken: s.userToken("alice") })).token, { keys: [KEY.publicJwk] }, { issuer: "https://tasklist.example.com", audience: "tasklist", physicalTenant: "eu-1" });
  assert.equal(verified.payload.physicalTenant, "eu-1");
  const named = await issuerFor(s.url, {}, { physicalTenant: "eu-1" }).issue({ userToken: s.userToken("alice") });
  assert.equal(named.payload.physicalTenant, "eu-1", "named by the option");
  assert.throws(() => issuerFor(`${s.url}/physical-tenants/eu-1`, {}, { physicalTenant: "us-1" }), (e) => e.code === "ERR_ARGUMENT_INVALID" && /names physical tenant `eu-1`/.test(e.message));
  assert.throws(() => issuerFor(s.url, {}, { physicalTenant: ".." }), (e) => e.code === "ERR_ARGUMENT_INVALID");
  const none = await issuerFor(s.url).issue({ userToken: s.userToken("alice") });
  assert.equal(none.payload.physicalTenant, undefined);
  const unknown = await rejection(issuerFor(`${s.url}/physical-tenants/us-9`).issue({ userToken: s.userToken("alice") }));
  assert.equal(unknown.code, "ERR_ISSUER_UPSTREAM", "the stand-in has no such physical tenant: 404");
  s.assertClean();
});
