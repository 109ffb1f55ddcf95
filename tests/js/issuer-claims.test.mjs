// Camunda's claim rules where the issuer resolves memberships itself (8.8/8.9 user tokens, and
// `{ username | clientId, claims }`): the groups claim as OidcGroupsLoader reads it, mapping-rule
// claim names as MappingRuleMatcher evaluates them (JSONPath; from 8.10 a name without `$` is one
// claim), a rule the issuer cannot evaluate reported, BASIC clusters matching no mapping rule, and
// a client's token refused as a client's. Each expectation is also the stand-in's own reading
// (tests/camunda-standin/claims.mjs), written apart from the issuer's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { standinStarter } from "./support/standins.mjs";
import { SERVICE_ACCOUNT, serviceAccountAuthorizations } from "../camunda-standin/population.mjs";
import { rejection } from "./support/issuer-asserts.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);

const KEY = lib.generateSigningKey("issuer-claims-1");
const startStandin = standinStarter();

function cluster(extra = {}) {
  return {
    users: [{ username: "alice" }, { username: "svc", password: "svc-password" }],
    clients: [SERVICE_ACCOUNT, { clientId: "worker", clientSecret: "worker-secret" }],
    groups: [{ groupId: "sales", users: ["alice"] }],
    roles: [{ roleId: "claimed", groups: ["sales", "acme", "dotted"] }],
    mappingRules: [],
    authorizations: [...serviceAccountAuthorizations(), ...serviceAccountAuthorizations("svc").map((a) => ({ ...a, ownerType: "USER" }))],
    ...extra,
  };
}

const standin = (data) => startStandin(data);

function issuerFor(s, cluster = {}, auth = { strategy: "OAUTH", oauthUrl: s.oauthUrl, ...SERVICE_ACCOUNT }) {
  return createIssuer({ camunda: { restAddress: s.url, auth }, signingKey: KEY.privateJwk, issuer: "https://tasklist.example.com", audience: "tasklist", cluster });
}

const rule = (mappingRuleId, claimName, claimValue) => ({ mappingRuleId, claimName, claimValue });

test("the groups claim without `$` is one literal claim name, as OidcGroupsLoader reads it", async () => {
  for (const groupsClaim of ["realm_access.groups", "https://acme.com/groups"]) {
    const s = await standin(cluster({ groupsClaim }));
    const claims = { [groupsClaim]: ["dotted"], realm_access: { groups: ["nested"] }, "https://acme": { "com/groups": ["nested"] } };
    const { payload } = await issuerFor(s, { groupsClaim }).issue({ username: "alice", claims });
    assert.deepEqual(payload.principal.groups, ["dotted"], groupsClaim);
    assert.deepEqual([...s.caller({ username: "alice", claims }).groups], ["dotted"], "the stand-in reads it so too");
    // With the user's own token on 8.9, the cluster's /me says the same groups.
    const me = await issuerFor(s, { groupsClaim }).issue({ userToken: s.userToken("alice", { [groupsClaim]: ["dotted"] }) });
    assert.deepEqual(me.payload.principal.groups, ["dotted"]);
  }
  const s = await standin(cluster({ groupsClaim: "$.realm_access.groups" }));
  const { payload } = await issuerFor(s, { groupsClaim: "$.realm_access.groups" }).issue({ username: "alice", claims: { realm_access: { groups: ["sales"] } } });
  assert.deepEqual(payload.principal.groups, ["sales"], "with `$` it is JSONPath");
});

test("a groups claim that is not a string or a list of strings refuses the issue, as Camunda refuses the login", async () => {
  const s = await standin(cluster({ groupsClaim: "groups" }));
  for (const groups of [["sales", 7], [["sales"]], [null], 42, { sales: true }]) {
    const error = await rejection(issuerFor(s, { groupsClaim: "groups" }).issue({ username: "alice", claims: { groups } }));
    assert.equal(error.code, "ERR_ISSUER_PRINCIPAL", JSON.stringify(groups));
    assert.match(error.message, /groups claim `\$\['groups'\]`.*not a string|groups claim `\$\['groups'\]` holds a/);
    assert.throws(() => s.caller({ username: "alice", claims: { groups } }), /not a string array/, "the stand-in refuses the login too");
  }
  for (const groups of [undefined, null, "sales"]) {
    const { payload } = await issuerFor(s, { groupsClaim: "groups" }).issue({ username: "alice", claims: groups === undefined ? {} : { groups } });
    assert.deepEqual(payload.principal.groups, groups === "sales" ? ["sales"] : [], JSON.stringify(groups));
  }
  assert.throws(() => issuerFor(s, { groupsClaim: "it's" }), (e) => e.code === "ERR_ARGUMENT_INVALID" && /cannot be read as Camunda reads it/.test(e.message));
});

test("mapping-rule claim names are JSONPath as MappingRuleMatcher evaluates them: `[*]`, `..`, quoted and dotted names, indexes", async () => {
  const rules = [
    rule("any-team", "$.teams[*].name", "blue"),
    rule("deep-team", "$..name", "red"),
    rule("quoted", "$['https://acme.com/dept']", "sales"),
    rule("nested", "org.unit", "eu"),
    rule("second", "$.roles[1]", "writer"),
    rule("scan-list", "$..roles", "reader"),
    rule("invalid", "$.sub['", "alice"),
  ];
  const s = await standin(cluster({ mappingRules: rules }));
  const claims = { sub: "alice", teams: [{ name: "blue" }, { nested: { name: "red" } }], "https://acme.com/dept": "sales", org: { unit: "eu" }, roles: ["reader", "writer"] };
  const { payload } = await issuerFor(s).issue({ username: "alice", claims });
  // `$..roles` reads [["reader", "writer"]]: a list of lists, which holds no "reader" (Jayway); `$.sub['` is
  // no JSONPath, and Camunda matches nothing for it (MappingRuleMatcherTest.invalidJsonPathIgnored).
  const matched = [...payload.principal.mappingRules].sort();
  assert.deepEqual(matched, ["any-team", "deep-team", "nested", "quoted", "second"]);
  assert.deepEqual([...s.caller({ username: "alice", claims }).mappingRules].sort(), matched, "the stand-in's reading");
});

test("a mapping rule the issuer cannot evaluate is reported, never taken as no match", async () => {
  const s = await standin(cluster({ mappingRules: [rule("filtered", "$.groups[?(@ == 'sales')]", "sales")] }));
  const error = await rejection(issuerFor(s).issue({ username: "alice", claims: { groups: ["sales"] } }));
  assert.equal(error.code, "ERR_ISSUER_UPSTREAM");
  assert.match(error.message, /mapping rule `filtered`: .*a filter.*no grant set is issued/);
});

test("from 8.10 a claim name without `$` is one literal claim (the security library's MappingRuleMatcher); 8.9 reads it as a path", async () => {
  const rules = [rule("dotted", "org.unit", "eu")];
  const literal = { "org.unit": "eu" };
  const nested = { org: { unit: "eu" } };
  for (const [camundaVersion, matchesLiteral] of [["8.9", false], ["8.10", true]]) {
    const s = await standin(cluster({ mappingRules: rules, camundaVersion }));
    const a = await issuerFor(s, { camundaVersion }).issue({ username: "alice", claims: literal });
    const b = await issuerFor(s, { camundaVersion }).issue({ username: "alice", claims: nested });
    assert.deepEqual([a.payload.principal.mappingRules, b.payload.principal.mappingRules], matchesLiteral ? [["dotted"], []] : [[], ["dotted"]], camundaVersion);
    assert.deepEqual([...s.caller({ username: "alice", claims: literal }).mappingRules], a.payload.principal.mappingRules, "the stand-in agrees");
  }
});

test("a BASIC cluster never matches mapping rules (DefaultBasicMembershipService)", async () => {
  const data = cluster({ mappingRules: [rule("everyone", "$.sub", "alice")], groups: [{ groupId: "sales", users: ["alice"], mappingRules: ["everyone"] }] });
  const s = await standin(data);
  const basic = { strategy: "BASIC", username: "svc", password: "svc-password" };
  const { payload } = await issuerFor(s, {}, basic).issue({ username: "alice", claims: { sub: "alice" } });
  assert.deepEqual(payload.principal.mappingRules, []);
  const oidc = await issuerFor(s, { authenticationMethod: "OIDC" }, basic).issue({ username: "alice", claims: { sub: "alice" } });
  assert.deepEqual(oidc.payload.principal.mappingRules, ["everyone"], "told the cluster is OIDC, it matches");
  assert.equal(s.requests.filter((r) => r.path === "/v2/mapping-rules/search" && r.as === "basic:svc").length, 1, "read once by the OIDC issuer's directory");
  assert.throws(() => issuerFor(s, { authenticationMethod: "SAML" }), (e) => e.code === "ERR_ARGUMENT_INVALID");
});

test("a token the cluster resolves as a client is refused as a client's, not as an upstream failure", async () => {
  const s = await standin(cluster());
  const res = await fetch(s.oauthUrl, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: "worker", client_secret: "worker-secret" }) });
  const clientToken = (await res.json()).access_token;
  const error = await rejection(issuerFor(s).issue({ userToken: clientToken }));
  assert.equal(error.code, "ERR_ISSUER_PRINCIPAL");
  assert.match(error.message, /resolves it as a client.*\{ clientId, claims \}/);
  const asClient = await issuerFor(s).issue({ clientId: "worker" });
  assert.equal(asClient.payload.principal.type, "CLIENT");
});
