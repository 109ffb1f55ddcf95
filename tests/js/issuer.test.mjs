// The issuer's mechanics against the Camunda stand-in over real HTTP: paging, the resource-type
// option, OAuth token caching, single flight and refresh, Basic and no auth, per-owner caching,
// the permission self-check, every failure code (and no secret in any message), the CAMUNDA_*
// environment variables, and the mapping-rule matcher's cases.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { standinStarter } from "./support/standins.mjs";
import { SERVICE_ACCOUNT, serviceAccountAuthorizations } from "../camunda-standin/population.mjs";
import { rejection } from "./support/issuer-asserts.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer, camundaFromEnv } = await import(new URL("issuer/node.js", PKG).href);
const { matchesRule, unverifiedClaims } = await import(new URL("issuer/claims.js", PKG).href);

const KEY = lib.generateSigningKey("issuer-test-1");
const startStandin = standinStarter();

/** A small cluster: alice in `sales`, `task-worker` through `sales`, bob nowhere, a service account. */
function cluster(extra = {}) {
  const many = Array.from({ length: 23 }, (_, i) => ({ ownerType: "USER", ownerId: "alice", resourceType: "USER_TASK", resourceId: String(1000 + i), permissionTypes: ["READ"] }));
  return {
    users: [{ username: "alice", password: "alice-password" }, { username: "bob" }, { username: "svc", password: "svc-password-secret" }],
    clients: [SERVICE_ACCOUNT],
    groups: [{ groupId: "sales", users: ["alice"] }],
    roles: [{ roleId: "task-worker", groups: ["sales"] }, { roleId: "reader", users: ["svc"] }],
    mappingRules: [{ mappingRuleId: "eu-staff", claimName: "$.region", claimValue: "eu" }],
    tenants: [{ tenantId: "<default>", groups: ["sales"] }],
    authorizations: [
      ...serviceAccountAuthorizations(),
      ...serviceAccountAuthorizations("svc").map((a) => ({ ...a, ownerType: "USER" })),
      { ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM", "COMPLETE"] },
      { ownerType: "MAPPING_RULE", ownerId: "eu-staff", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] },
      { ownerType: "GROUP", ownerId: "sales", resourceType: "COMPONENT", resourceId: "tasklist", permissionTypes: ["ACCESS"] },
      ...many,
    ],
    ...extra,
  };
}

const standin = (data = cluster(), options) => startStandin(data, options);

function oauth(s, overrides = {}) {
  return { restAddress: s.url, auth: { strategy: "OAUTH", oauthUrl: s.oauthUrl, ...SERVICE_ACCOUNT, ...overrides } };
}

function issuerFor(camunda, options = {}) {
  return createIssuer({ camunda, signingKey: KEY.privateJwk, issuer: "https://tasklist.example.com", audience: "tasklist", ...options });
}

const SECRETS = [SERVICE_ACCOUNT.clientSecret, "alice-password", "svc-password-secret", "wrong-secret-value"];
function noSecret(error) {
  for (const s of SECRETS) assert.ok(!error.message.includes(s), `the message holds a secret: ${error.message}`);
  assert.ok(!/Bearer|Basic /.test(error.message), `the message holds a credential: ${error.message}`);
}

test("issue: the grant set holds the memberships and every authorization of every owner, with its key", async () => {
  const s = await standin();
  const issuer = issuerFor(oauth(s), { pageSize: 5 });
  const { token, payload, expiresAt } = await issuer.issue({ username: "alice", claims: { region: "eu" } });
  assert.ok(expiresAt instanceof Date);
  assert.equal(expiresAt.getTime(), payload.exp * 1000);
  assert.ok(payload.exp - payload.iat === 900, "ttl 900 s by default");
  assert.deepEqual(payload.principal, { type: "USER", id: "alice", groups: ["sales"], roles: ["task-worker"], tenants: [], mappingRules: ["eu-staff"] });
  assert.equal(payload.sub, "alice");
  assert.equal(payload.iss, "https://tasklist.example.com");
  assert.deepEqual([payload.aud].flat(), ["tasklist"]);
  assert.deepEqual({ ver: payload.ver, camundaVersion: payload.camundaVersion, authorizationsEnabled: payload.authorizationsEnabled, multiTenancyEnabled: payload.multiTenancyEnabled }, { ver: 1, camundaVersion: "8.9", authorizationsEnabled: true, multiTenancyEnabled: false });
  assert.equal(payload.authorizations.length, 23 + 3);
  for (const a of payload.authorizations) assert.match(a.authorizationKey, /^\d+$/);
  // alice's 23 authorizations over pages of 5: 5 requests with cursors after the first.
  const pages = s.requests.filter((r) => r.path === "/v2/authorizations/search" && r.body.filter?.ownerId === "alice");
  assert.equal(pages.length, 5);
  assert.deepEqual(pages.map((r) => r.body.page.after === undefined), [true, false, false, false, false]);
  const grants = lib.verifyGrants(token, issuer.jwks, { issuer: "https://tasklist.example.com", audience: "tasklist" });
  const authz = new lib.Authorizer(grants);
  assert.equal(authz.can("claim", { userTaskKey: "1", processDefinitionId: "x", candidateGroups: ["sales"] }), true);
  assert.equal(authz.can("assign", { userTaskKey: "1", processDefinitionId: "invoice" }), true, "through the mapping rule");
  assert.equal(authz.isAuthorized("COMPONENT", "ACCESS", "tasklist"), true, "through the group");
  s.assertClean();
});

test("paging: a cluster that serves fewer items than asked per page is still read to the last page", async () => {
  const s = await standin(cluster(), { maxPageSize: 4 });
  const issuer = issuerFor(oauth(s), { pageSize: 10 });
  const { payload } = await issuer.issue({ username: "alice" });
  assert.equal(payload.authorizations.filter((a) => a.ownerId === "alice").length, 23);
  s.assertClean();
});

test("resourceTypes keeps only those types; one type is filtered by the cluster", async () => {
  const s = await standin();
  const one = await issuerFor(oauth(s), { resourceTypes: ["USER_TASK"] }).issue({ username: "alice", claims: { region: "eu" } });
  assert.ok(one.payload.authorizations.every((a) => a.resourceType === "USER_TASK"));
  assert.equal(one.payload.authorizations.length, 24);
  assert.ok(s.requests.filter((r) => r.path === "/v2/authorizations/search" && r.body.filter).every((r) => r.body.filter.resourceType === "USER_TASK"));
  const two = await issuerFor(oauth(s), { resourceTypes: ["USER_TASK", "COMPONENT"] }).issue({ username: "alice", claims: { region: "eu" } });
  assert.deepEqual([...new Set(two.payload.authorizations.map((a) => a.resourceType))].sort(), ["COMPONENT", "USER_TASK"]);
  s.assertClean();
});

test("OAuth: one token for concurrent issues, reused until shortly before it expires, renewed after, and again after a 401", async () => {
  const s = await standin();
  let clock = Date.now();
  const issuer = issuerFor(oauth(s), { now: () => clock, cacheTtl: 0 });
  await Promise.all(Array.from({ length: 20 }, () => issuer.issue({ username: "alice" })));
  assert.equal(s.tokenRequests, 1, "single flight: one token request for 20 concurrent issues");
  await issuer.issue({ username: "bob" });
  assert.equal(s.tokenRequests, 1, "cached");
  clock += 239_000; // the stand-in's tokens live 300 s; renewed 60 s before
  await issuer.issue({ username: "bob" });
  assert.equal(s.tokenRequests, 1, "still fresh at 239 s");
  clock += 2_000;
  await issuer.issue({ username: "bob" });
  assert.equal(s.tokenRequests, 2, "renewed at 241 s");
  s.revokeTokens();
  await issuer.issue({ username: "bob" });
  assert.equal(s.tokenRequests, 3, "a 401 with a cached token gets a new one and the request succeeds");
  assert.equal(issuer.stats.tokenRequests, 3);
  s.assertClean();
});

test("Basic and NONE: the service account as a user with a password, or an unprotected API", async () => {
  const s = await standin();
  const basic = issuerFor({ restAddress: s.url, auth: { strategy: "BASIC", username: "svc", password: "svc-password-secret" } });
  assert.deepEqual((await basic.issue({ username: "alice" })).payload.principal.roles, ["task-worker"]);
  assert.ok(s.requests.filter((r) => r.path.startsWith("/v2/")).every((r) => r.as === "basic:svc"));
  const wrong = await rejection(issuerFor({ restAddress: s.url, auth: { strategy: "BASIC", username: "svc", password: "wrong-secret-value" } }).issue({ username: "alice" }));
  assert.equal(wrong.code, "ERR_ISSUER_AUTH");
  noSecret(wrong);
  const open = await standin(cluster(), { anonymous: true });
  const none = issuerFor({ restAddress: open.url, auth: { strategy: "NONE" } });
  assert.deepEqual((await none.issue({ username: "alice" })).payload.principal.groups, ["sales"]);
  assert.ok(open.requests.every((r) => r.as === "anonymous"));
  s.assertClean();
});

test("caching: a thousand issues for users of one role look the role up once per cache period", async () => {
  const users = Array.from({ length: 50 }, (_, i) => `u${i}`);
  const data = cluster({ users: users.map((username) => ({ username })), groups: [{ groupId: "all", users }], roles: [{ roleId: "task-worker", groups: ["all"] }] });
  const s = await standin(data);
  let clock = Date.now();
  const issuer = issuerFor(oauth(s), { now: () => clock, cacheTtl: 30 });
  await Promise.all(users.map((username) => issuer.issue({ username })));
  const roleLookups = () => s.requests.filter((r) => r.path === "/v2/authorizations/search" && r.body.filter?.ownerType === "ROLE").length;
  const groupSearches = () => s.requests.filter((r) => r.path === "/v2/groups/search").length;
  assert.equal(roleLookups(), 1, "one role look-up for 50 concurrent users");
  assert.equal(groupSearches(), 1, "one directory walk");
  clock += 31_000;
  await issuer.issue({ username: "u1" });
  assert.equal(roleLookups(), 2, "looked up again after the cache period");
  issuer.clearCache();
  await issuer.issue({ username: "u2" });
  assert.equal(roleLookups(), 3);
  s.assertClean();
});

test("the permission self-check: a service account that sees no authorizations is ERR_ISSUER_AUTH, and it is checked again after a failure", async () => {
  const data = cluster();
  data.authorizations = data.authorizations.filter((a) => !(a.ownerId === SERVICE_ACCOUNT.clientId && a.resourceType === "AUTHORIZATION"));
  const s = await standin(data);
  const issuer = issuerFor(oauth(s));
  const error = await rejection(issuer.issue({ username: "alice" }));
  assert.equal(error.code, "ERR_ISSUER_AUTH");
  assert.match(error.message, /sees no authorizations at all/);
  noSecret(error);
  data.authorizations.push({ ownerType: "CLIENT", ownerId: SERVICE_ACCOUNT.clientId, resourceType: "AUTHORIZATION", resourceId: "*", permissionTypes: ["READ"] });
  assert.equal((await issuer.issue({ username: "alice" })).payload.authorizations.length, 23 + 2, "alice's, her role's and her group's");
  const checks = () => s.requests.filter((r) => r.path === "/v2/authorizations/search" && !r.body.filter).length;
  const before = checks();
  await issuer.issue({ username: "bob" });
  assert.equal(checks(), before, "once it passed, it is not repeated");
  // With authorizations disabled in the cluster, none are fetched and none are checked.
  const off = await issuerFor(oauth(s), { cluster: { authorizationsEnabled: false } }).issue({ username: "alice" });
  assert.deepEqual(off.payload.authorizations, []);
  assert.equal(off.payload.authorizationsEnabled, false);
  s.assertClean();
});

test("ERR_ISSUER_AUTH: refused client credentials, a 401 or 403 for the service account", async () => {
  const s = await standin();
  const bad = await rejection(issuerFor(oauth(s, { clientSecret: "wrong-secret-value" })).issue({ username: "alice" }));
  assert.equal(bad.code, "ERR_ISSUER_AUTH");
  noSecret(bad);
  for (const status of [401, 403]) {
    s.fail({ path: "/v2/groups/search", status, times: 2 });
    const error = await rejection(issuerFor(oauth(s)).issue({ username: "alice" }));
    assert.equal(error.code, "ERR_ISSUER_AUTH", `status ${status}`);
    noSecret(error);
    s.clearFailures();
  }
});

test("ERR_ISSUER_PRINCIPAL: an unknown user, a refused user token", async () => {
  const s = await standin();
  const issuer = issuerFor(oauth(s));
  const unknown = await rejection(issuer.issue({ username: "mallory" }));
  assert.equal(unknown.code, "ERR_ISSUER_PRINCIPAL");
  assert.match(unknown.message, /`mallory`/);
  const token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.forged-signature";
  const refused = await rejection(issuer.issue({ userToken: token }));
  assert.equal(refused.code, "ERR_ISSUER_PRINCIPAL");
  assert.ok(!refused.message.includes(token) && !refused.message.includes("forged"), "the token is not in the message");
  // OIDC clusters have no user entities: the check can be turned off.
  const oidc = issuerFor(oauth(s), { checkUserExists: false });
  assert.equal((await oidc.issue({ username: "mallory" })).payload.principal.id, "mallory");
  s.assertClean();
});

test("ERR_ISSUER_UPSTREAM: 5xx on any page, a timeout, malformed JSON, a wrong shape, an unreachable cluster; never a partial grant set", async () => {
  const s = await standin();
  const cases = [
    [{ path: "/v2/authorizations/search", status: 503 }, /failed \(503\)/],
    [{ path: "/v2/groups/sales/users/search", status: 500 }, /failed \(500\)/],
    [{ path: "/v2/mapping-rules/search", malformed: "json" }, /not JSON/],
    [{ path: "/v2/roles/search", malformed: "shape" }, /not a search result/],
    // Every request to the path is slow: the issue before this one, which failed, may still have
    // its own user check in flight (a failed issue leaves its other requests to finish).
    [{ path: "/v2/users/alice", delayMs: 600, times: 100 }, /timed out after 200 ms/],
  ];
  for (const [rule, message] of cases) {
    s.fail(rule);
    const error = await rejection(issuerFor(oauth(s), { timeoutMs: rule.delayMs ? 200 : 10_000 }).issue({ username: "alice" }));
    assert.equal(error.code, "ERR_ISSUER_UPSTREAM", JSON.stringify(rule));
    assert.match(error.message, message);
    noSecret(error);
    s.clearFailures();
  }
  // A failure on the second page of alice's authorizations: no grant set from the first page.
  let seen = 0;
  const issuer = issuerFor(oauth(s), {
    pageSize: 5,
    fetch: async (url, init) => {
      if (String(url).endsWith("/v2/authorizations/search") && JSON.parse(init.body).filter?.ownerId === "alice" && ++seen === 2) return new Response("", { status: 502 });
      return fetch(url, init);
    },
  });
  assert.equal((await rejection(issuer.issue({ username: "alice" }))).code, "ERR_ISSUER_UPSTREAM");
  // The OAuth endpoint failing, or answering without a token.
  s.fail({ path: "/oauth/token", status: 500 });
  assert.match((await rejection(issuerFor(oauth(s)).issue({ username: "alice" }))).message, /the OAuth token request to http:\/\/127\.0\.0\.1:\d+\/oauth\/token failed \(500\)/);
  s.fail({ path: "/oauth/token", malformed: "shape" });
  assert.equal((await rejection(issuerFor(oauth(s)).issue({ username: "alice" }))).code, "ERR_ISSUER_UPSTREAM");
  const closed = await new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const port = srv.address().port;
      srv.close(() => resolve(port));
    });
  });
  const down = await rejection(issuerFor({ restAddress: `http://127.0.0.1:${closed}`, auth: { strategy: "NONE" } }).issue({ username: "alice" }));
  assert.equal(down.code, "ERR_ISSUER_UPSTREAM");
  assert.match(down.message, /could not be reached/);
  s.assertClean();
});

test("the CAMUNDA_* variables, as Camunda's SDKs read them", async () => {
  assert.deepEqual(camundaFromEnv({ CAMUNDA_REST_ADDRESS: "https://c.example/v2", CAMUNDA_CLIENT_ID: "id", CAMUNDA_CLIENT_SECRET: "secret" }), {
    restAddress: "https://c.example/v2",
    auth: { strategy: "OAUTH", oauthUrl: "https://login.cloud.camunda.io/oauth/token", clientId: "id", clientSecret: "secret", audience: "zeebe.camunda.io" },
  });
  assert.deepEqual(
    camundaFromEnv({ CAMUNDA_REST_ADDRESS: "http://c", CAMUNDA_AUTH_STRATEGY: "oauth", CAMUNDA_CLIENT_ID: "id", CAMUNDA_CLIENT_SECRET: "s", CAMUNDA_OAUTH_URL: "http://idp/token", CAMUNDA_TOKEN_AUDIENCE: "aud", CAMUNDA_OAUTH_SCOPE: "a b" }).auth,
    { strategy: "OAUTH", oauthUrl: "http://idp/token", clientId: "id", clientSecret: "s", audience: "aud", scope: "a b" },
  );
  assert.deepEqual(camundaFromEnv({ CAMUNDA_REST_ADDRESS: "http://c", CAMUNDA_BASIC_AUTH_USERNAME: "u", CAMUNDA_BASIC_AUTH_PASSWORD: "p" }).auth, { strategy: "BASIC", username: "u", password: "p" });
  assert.deepEqual(camundaFromEnv({ CAMUNDA_REST_ADDRESS: "http://c" }).auth, { strategy: "NONE" });
  const codes = (env) => {
    try {
      camundaFromEnv(env);
    } catch (error) {
      return `${error.code}: ${error.message}`;
    }
    return "ok";
  };
  assert.equal(codes({}), "ERR_ARGUMENT_INVALID: `CAMUNDA_REST_ADDRESS` is not set (needed to reach the cluster)");
  assert.match(codes({ CAMUNDA_REST_ADDRESS: "http://c", CAMUNDA_AUTH_STRATEGY: "OAUTH", CAMUNDA_CLIENT_ID: "id" }), /`CAMUNDA_CLIENT_SECRET` is not set/);
  assert.match(codes({ CAMUNDA_REST_ADDRESS: "http://c", CAMUNDA_AUTH_STRATEGY: "KERBEROS" }), /`KERBEROS` is not one of OAUTH, BASIC, NONE/);
  // createIssuer without `camunda` reads them from `env` (or the process environment).
  const s = await standin();
  const env = { CAMUNDA_REST_ADDRESS: s.url, CAMUNDA_OAUTH_URL: s.oauthUrl, CAMUNDA_CLIENT_ID: SERVICE_ACCOUNT.clientId, CAMUNDA_CLIENT_SECRET: SERVICE_ACCOUNT.clientSecret };
  assert.deepEqual((await issuerFor(undefined, { env }).issue({ username: "alice" })).payload.principal.groups, ["sales"]);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    assert.deepEqual((await issuerFor(undefined).issue({ username: "alice" })).payload.principal.roles, ["task-worker"]);
  } finally {
    for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
  }
  s.assertClean();
});

test("options and requests are checked before anything is sent", () => {
  const camunda = { restAddress: "http://127.0.0.1:9" };
  const code = (fn) => {
    try {
      fn();
    } catch (error) {
      return error.code;
    }
    return "ok";
  };
  assert.equal(code(() => issuerFor({ restAddress: "ftp://x" })), "ERR_ARGUMENT_INVALID");
  assert.equal(code(() => issuerFor(camunda, { signingKey: KEY.publicJwk })), "ERR_ARGUMENT_INVALID");
  assert.equal(code(() => issuerFor(camunda, { audience: "" })), "ERR_ARGUMENT_INVALID");
  assert.equal(code(() => issuerFor(camunda, { ttl: -1 })), "ERR_ARGUMENT_INVALID");
  assert.equal(code(() => issuerFor({ restAddress: "http://x", auth: { strategy: "OAUTH", oauthUrl: "http://x", clientId: "a" } })), "ERR_ARGUMENT_INVALID");
  const issuer = issuerFor(camunda);
  return Promise.all(
    [{}, { username: "" }, { username: "a", clientId: "b" }, { userToken: 5 }, { username: "a", claims: [] }].map(async (request) => {
      assert.equal((await rejection(issuer.issue(request))).code, "ERR_ARGUMENT_INVALID", JSON.stringify(request));
    }),
  );
});

test("mapping rules match as Camunda's MappingRuleMatcher does", () => {
  const rule = (claimName, claimValue) => ({ mappingRuleId: "r", claimName, claimValue });
  const cases = [
    [{ sub: "alice" }, rule("$.sub", "alice"), true],
    [{ sub: "alice" }, rule("$.sub", "bob"), false],
    [{ sub: "alice" }, rule("sub", "alice"), true],
    [{ sub: "alice" }, rule("$.email", "alice"), false],
    [{ age: 30 }, rule("$.age", "30"), false],
    [{ admin: true }, rule("$.admin", "true"), false],
    [{ roles: ["admin", "operator"] }, rule("$.roles", "admin"), true],
    [{ roles: ["admin", "operator"] }, rule("$.roles", "developer"), false],
    [{ roles: [1, 2] }, rule("$.roles", "1"), false],
    [{ realm: { roles: ["admin", "operator"] } }, rule("$.realm.roles", "operator"), true],
    [{ realm: { region: "eu" } }, rule("$.realm.region", "us"), false],
    [{ realm: { region: "eu" } }, rule("$['realm']['region']", "eu"), true],
    [{ "a.b": "x" }, rule("$['a.b']", "x"), true],
    [{ groups: ["g1", "g2"] }, rule("$.groups[1]", "g2"), true],
    [{ sub: "alice" }, rule("$.sub['", "alice"), false],
    [{ sub: "alice" }, rule("$..sub", "alice"), true], // Jayway's deep scan reads ["alice"], which holds it
    [{ a: { sub: "alice" } }, rule("$..sub", "alice"), true],
    [{ g: [{ n: "x" }, { n: "y" }] }, rule("$.g[*].n", "y"), true],
    [{ "a.b": "x" }, rule("a.b", "x"), false], // 8.8/8.9: Jayway reads `a.b` as `$.a.b`
    [{ a: { b: "x" } }, rule("a.b", "x"), true],
    [{ sub: "Alice" }, rule("$.sub", "alice"), false],
    [{ sub: "alice " }, rule("$.sub", "alice"), false],
  ];
  for (const [claims, r, expected] of cases) assert.equal(matchesRule(claims, r), expected, `${r.claimName} = ${r.claimValue} on ${JSON.stringify(claims)}`);
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
  assert.deepEqual(unverifiedClaims(`${b64({ alg: "RS256" })}.${b64({ sub: "ü" })}.sig`), { sub: "ü" });
  assert.deepEqual(unverifiedClaims("opaque-token"), {});
  assert.deepEqual(unverifiedClaims(`${b64({})}.${b64([1])}.sig`), {});
});

test("the groups claim: with the cluster reading groups from the token, so does the issuer", async () => {
  const data = cluster({ groupsClaim: "$.groups" });
  const s = await standin(data);
  const issuer = issuerFor(oauth(s), { cluster: { groupsClaim: "$.groups" } });
  const { payload } = await issuer.issue({ username: "bob", claims: { groups: ["sales", "other"] } });
  assert.deepEqual(payload.principal.groups, ["sales", "other"]);
  assert.deepEqual(payload.principal.roles, ["task-worker"], "roles through the claimed group");
  s.assertClean();
});

test("the stand-in is held to Camunda's schemas: a response or request outside them is a loud violation", async () => {
  const data = cluster();
  data.authorizations.push({ ownerType: "USER", ownerId: "bob", resourceType: "USER_TASK", resourceId: "*", permissionTypes: ["TELEPORT"] });
  const s = await startStandin(data);
  try {
    const error = await rejection(issuerFor(oauth(s)).issue({ username: "bob" }));
    assert.equal(error.code, "ERR_ISSUER_UPSTREAM", "the violation answers 500");
    const token = (await (await fetch(s.oauthUrl, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: SERVICE_ACCOUNT.clientId, client_secret: SERVICE_ACCOUNT.clientSecret }) })).json()).access_token;
    const res = await fetch(`${s.url}/v2/groups/search`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ filter: { groupId: "sales", color: "red" } }) });
    assert.equal(res.status, 500);
    assert.equal(s.violations.length, 2);
    assert.match(s.violations[0], /^response POST \/v2\/authorizations\/search: 8\.9: .*permissionTypes/);
    assert.match(s.violations[1], /^request POST \/v2\/groups\/search: members no version knows: \$\.filter\.color/);
    assert.throws(() => s.assertClean(), /2 schema violation/);
  } finally {
    await s.close();
  }
});
