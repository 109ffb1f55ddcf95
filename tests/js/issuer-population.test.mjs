// The issuer against a generated cluster: for users in several groups, roles held through groups
// and mapping rules, tenants, and more authorizations than one page, the grant set it issues must
// decide every task and operation exactly as the Camunda stand-in's own search and rules do,
// whether the memberships come from the user's token (GET /v2/authentication/me) or are
// enumerated, with multi-tenancy on and off.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { startStandin } from "../camunda-standin/index.mjs";
import { population, SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);

const ISS = "https://tasklist.example.com";
const AUD = "tasklist";
const OPERATIONS = ["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"];
const READS = ["get", "search", "getForm"];
const standins = [];
after(() => Promise.all(standins.map((s) => s.close())));

/** Every task the stand-in's /v2/user-tasks/search returns to the bearer, page by page. */
async function searchTasks(url, token) {
  const keys = [];
  let after;
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${url}/v2/user-tasks/search`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ page: after === undefined ? { limit: 7 } : { limit: 7, after } }),
    });
    assert.equal(res.status, 200, "the stand-in's user-task search");
    const body = await res.json();
    keys.push(...body.items.map((t) => t.userTaskKey));
    if (body.items.length < 7) return keys;
    after = body.page.endCursor;
  }
  throw new Error("the search did not end");
}

const sorted = (xs) => [...xs].sort();

for (const multiTenancyEnabled of [false, true]) {
  test(`a generated population decides as the stand-in does (multi-tenancy ${multiTenancyEnabled ? "on" : "off"})`, async () => {
    const { data, claimsOf, userIds } = population({ seed: multiTenancyEnabled ? 7 : 3, multiTenancyEnabled });
    // Pages of at most 25 items, whatever the issuer asks for: more authorizations than one page.
    const standin = await startStandin(data, { maxPageSize: 25 });
    standins.push(standin);
    const key = lib.generateSigningKey("population-1");
    const issuer = createIssuer({
      camunda: { restAddress: `${standin.url}/v2`, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...SERVICE_ACCOUNT } },
      signingKey: key.privateJwk,
      issuer: ISS,
      audience: AUD,
      pageSize: 40,
      cluster: { multiTenancyEnabled },
    });
    const tasks = data.userTasks;
    // Changes are decided on tasks that are open and unassigned, where no lifecycle gate applies.
    const open = tasks.map((t) => ({ ...t, state: "CREATED", assignee: null }));
    let compared = 0;
    const differentGrants = new Set();
    for (const username of userIds) {
      const claims = claimsOf.get(username);
      const caller = standin.caller({ username, claims: { sub: username, preferred_username: username, ...claims } });
      const userToken = standin.userToken(username, claims);
      const byToken = await issuer.issue({ userToken });
      const byName = await issuer.issue({ username, claims: { sub: username, ...claims } });
      for (const [how, issued] of [["userToken", byToken], ["username", byName]]) {
        const where = `${username} (${how})`;
        const grants = lib.verifyGrants(issued.token, issuer.jwks, { issuer: ISS, audience: AUD });
        assert.deepEqual(grants.payload, issued.payload, `${where}: payload is what was signed`);
        const p = issued.payload.principal;
        assert.deepEqual(
          { groups: sorted(p.groups), roles: sorted(p.roles), tenants: sorted(p.tenants), mappingRules: sorted(p.mappingRules) },
          { groups: sorted(caller.groups), roles: sorted(caller.roles), tenants: multiTenancyEnabled ? sorted(caller.tenants) : [], mappingRules: sorted(caller.mappingRules) },
          `${where}: memberships`,
        );
        assert.deepEqual(sorted(issued.payload.authorizations.map((a) => a.authorizationKey)), sorted(standin.authorizationsOf(caller).map((a) => a.authorizationKey)), `${where}: every authorization of every owner, with its key`);
        const authz = new lib.Authorizer(grants);
        assert.deepEqual(authz.filter(tasks, "search").map((t) => t.userTaskKey), await searchTasks(standin.url, userToken), `${where}: the visible tasks equal the stand-in's search`);
        for (const t of tasks) for (const op of READS) assert.equal(authz.can(op, t), standin.allowed(caller, op, t), `${where}: ${op} on task ${t.userTaskKey}`);
        for (const t of open) {
          for (const op of OPERATIONS) {
            assert.equal(authz.can(op, t), standin.allowed(caller, op, t), `${where}: ${op} on open task ${t.userTaskKey}`);
            compared += 1;
          }
        }
        differentGrants.add(authz.masks(open).join(",") + authz.filter(tasks).length);
      }
    }
    // The population is not degenerate: users differ, and both allowed and denied answers occur.
    assert.ok(differentGrants.size > 5, `users get different answers (${differentGrants.size} distinct)`);
    assert.ok(compared > 1000);
    const heavyPages = standin.requests.filter((r) => r.path === "/v2/authorizations/search" && r.body?.filter?.ownerId === "role-0");
    assert.ok(heavyPages.some((r) => r.body.page.after !== undefined), "the heavy owner's authorizations were read over several pages");
    standin.assertClean();
  });
}

test("a client (worker-app) gets its own, its groups' and its roles' authorizations", async () => {
  const { data } = population({ seed: 11, multiTenancyEnabled: true });
  const standin = await startStandin(data);
  standins.push(standin);
  const key = lib.generateSigningKey("population-2");
  const issuer = createIssuer({
    camunda: { restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...SERVICE_ACCOUNT } },
    signingKey: key.privateJwk,
    issuer: ISS,
    audience: AUD,
    cluster: { multiTenancyEnabled: true },
  });
  const issued = await issuer.issue({ clientId: "worker-app" });
  const caller = standin.caller({ clientId: "worker-app" });
  assert.equal(issued.payload.principal.type, "CLIENT");
  assert.deepEqual(sorted(issued.payload.principal.roles), sorted(caller.roles));
  assert.deepEqual(sorted(issued.payload.principal.groups), sorted(caller.groups));
  assert.deepEqual(sorted(issued.payload.principal.tenants), sorted(caller.tenants));
  const authz = new lib.Authorizer(lib.verifyGrants(issued.token, issuer.jwks, { issuer: ISS, audience: AUD }));
  const open = data.userTasks.map((t) => ({ ...t, state: "CREATED", assignee: null }));
  for (const t of open) for (const op of OPERATIONS) assert.equal(authz.can(op, t), standin.allowed(caller, op, t), `worker-app: ${op} on ${t.userTaskKey}`);
  standin.assertClean();
});
