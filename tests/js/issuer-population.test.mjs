// The issuer against a generated cluster: for users in several groups, roles held through groups
// and mapping rules, tenants, and more authorizations than one page, the grant set it issues must
// decide every task and operation exactly as the Camunda stand-in answers, whether the
// memberships come from the user's token (GET /v2/authentication/me) or are enumerated, with
// multi-tenancy on and off. The oracle is the stand-in's own endpoints, never the package: the
// reads by its search and GET /v2/user-tasks/{key}, every write (claim, assign, unassign,
// complete, update) by sending it to the stand-in as the user on each task as generated (any
// state, any assignee) and putting the task back as it was after each.
import { test } from "node:test";
import assert from "node:assert/strict";
import { standinStarter } from "./support/standins.mjs";
import { population, SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);

const ISS = "https://tasklist.example.com";
const AUD = "tasklist";
const OPERATIONS = ["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"];
const READS = ["get", "search", "getForm"];
const startStandin = standinStarter();

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

/** Each write as the API sends it for `operation` by `principalId`: method, path suffix, body. */
const WRITES = {
  claim: (id) => ["POST", "/assignment", { assignee: id, allowOverride: false }],
  assign: (id) => ["POST", "/assignment", { assignee: id, allowOverride: true }],
  unassign: () => ["DELETE", "/assignee", undefined],
  complete: () => ["POST", "/completion", { variables: {} }],
  update: () => ["PATCH", "", { changeset: { priority: 60 } }],
};

/**
 * What the stand-in answers `operation` on `task` (an object of its data) from the bearer: 204 is
 * allowed, 403, 404 and 409 are refusals; the task is put back as it was before the answer is used.
 */
async function writeAnswer(standin, bearer, principalId, operation, task) {
  const before = structuredClone(task);
  const [method, suffix, body] = WRITES[operation](principalId);
  try {
    const res = await fetch(`${standin.url}/v2/user-tasks/${task.userTaskKey}${suffix}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await res.arrayBuffer();
    if (res.status === 204) return true;
    if ([403, 404, 409].includes(res.status)) return false;
    throw new Error(`the stand-in answered ${method} ${operation} on ${task.userTaskKey} with ${res.status}`);
  } finally {
    for (const k of Object.keys(task)) delete task[k];
    Object.assign(task, before);
  }
}

/** What GET /v2/user-tasks/{key} answers the bearer: 200 allowed, 403 or 404 not. */
async function getAnswer(standin, bearer, task) {
  const res = await fetch(`${standin.url}/v2/user-tasks/${task.userTaskKey}`, { headers: { authorization: `Bearer ${bearer}` } });
  await res.arrayBuffer();
  if (res.status === 200) return true;
  if (res.status === 403 || res.status === 404) return false;
  throw new Error(`the stand-in answered GET ${task.userTaskKey} with ${res.status}`);
}

const WRITE_OPERATIONS = Object.keys(WRITES);

/** The stand-in's answer for every operation on every task: `Map(key -> { op: boolean })`. */
async function standinAnswers(standin, caller, bearer, principalId, tasks) {
  const answers = new Map();
  for (const t of tasks) {
    const a = { get: await getAnswer(standin, bearer, t), search: standin.allowed(caller, "search", t), getForm: standin.allowed(caller, "getForm", t) };
    for (const op of WRITE_OPERATIONS) a[op] = await writeAnswer(standin, bearer, principalId, op, t);
    answers.set(t.userTaskKey, a);
  }
  return answers;
}

for (const multiTenancyEnabled of [false, true]) {
  test(`a generated population decides as the stand-in does (multi-tenancy ${multiTenancyEnabled ? "on" : "off"})`, async () => {
    const { data, claimsOf, userIds } = population({ seed: multiTenancyEnabled ? 7 : 3, multiTenancyEnabled });
    // Pages of at most 25 items, whatever the issuer asks for: more authorizations than one page.
    const standin = await startStandin(data, { maxPageSize: 25 });
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
    const before = JSON.stringify(tasks);
    let compared = 0;
    const differentGrants = new Set();
    const states = new Set(tasks.map((t) => `${t.state}/${t.assignee === null ? "unassigned" : "assigned"}`));
    for (const username of userIds) {
      const claims = claimsOf.get(username);
      const caller = standin.caller({ username, claims: { sub: username, preferred_username: username, ...claims } });
      const userToken = standin.userToken(username, claims);
      const answers = await standinAnswers(standin, caller, userToken, username, tasks);
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
        for (const t of tasks) {
          const answer = answers.get(t.userTaskKey);
          for (const op of OPERATIONS) {
            assert.equal(authz.can(op, t), answer[op], `${where}: ${op} on task ${t.userTaskKey} (${t.state}, assignee ${t.assignee}): the stand-in ${answer[op] ? "accepts" : "refuses"} it`);
            compared += 1;
          }
        }
        differentGrants.add(authz.masks(tasks).join(",") + authz.filter(tasks).length);
      }
    }
    assert.equal(JSON.stringify(tasks), before, "every write was undone");
    assert.ok(states.size >= 4, `tasks in several states, assigned and not (${[...states].join(", ")})`);
    // The population is not degenerate: users differ, and both allowed and denied answers occur.
    assert.ok(differentGrants.size > 5, `users get different answers (${differentGrants.size} distinct)`);
    assert.ok(compared > 1000);
    const heavyPages = standin.requests.filter((r) => r.path === "/v2/authorizations/search" && r.body?.filter?.ownerId === "role-0");
    assert.ok(heavyPages.some((r) => r.body.page.after !== undefined), "the heavy owner's authorizations were read over several pages");
    standin.assertClean();
  });
}

/** A client whose id is a task's assignee (the claim rule below). */
const clientClaimOfOwn = (t) => t.assignee === "worker-app" && (t.state ?? "CREATED") === "CREATED";

async function clientCase() {
  const { data } = population({ seed: 11, multiTenancyEnabled: true, clientAssigned: 4 });
  const standin = await startStandin(data);
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
  const authz = new lib.Authorizer(lib.verifyGrants(issued.token, issuer.jwks, { issuer: ISS, audience: AUD }));
  // worker-app's own OAuth token, as it would call the cluster.
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "worker-app", client_secret: "worker-secret" });
  const bearer = (await (await fetch(standin.oauthUrl, { method: "POST", body: form })).json()).access_token;
  const answers = await standinAnswers(standin, caller, bearer, "worker-app", data.userTasks);
  return { data, standin, issued, caller, authz, answers };
}

test("a client (worker-app) gets its own, its groups' and its roles' authorizations, and decides as the stand-in answers", async () => {
  const { data, standin, issued, caller, authz, answers } = await clientCase();
  assert.equal(issued.payload.principal.type, "CLIENT");
  assert.deepEqual(sorted(issued.payload.principal.roles), sorted(caller.roles));
  assert.deepEqual(sorted(issued.payload.principal.groups), sorted(caller.groups));
  assert.deepEqual(sorted(issued.payload.principal.tenants), sorted(caller.tenants));
  let compared = 0;
  for (const t of data.userTasks) {
    for (const op of OPERATIONS) {
      assert.equal(authz.can(op, t), answers.get(t.userTaskKey)[op], `worker-app: ${op} on ${t.userTaskKey} (${t.state}, assignee ${t.assignee})`);
      compared += 1;
    }
  }
  assert.ok(compared > 400);
  standin.assertClean();
});

// The engine's claim check compares the assignee the claim asks for with the task's, whoever
// asks: `canClaim = currentAssignee.isBlank() || currentAssignee.equals(newAssignee)`
// (camunda/camunda zeebe/engine/src/main/java/io/camunda/zeebe/engine/processing/usertask/
// processors/UserTaskClaimProcessor.java @ 06349304a7468fa38e6415e97fe77347f29e92dd and
// @ bc0b641af4c6b413ed47ca7398e751f7209248c3, `checkClaim`). So a client claiming, for its own
// id, a task assigned to that id is accepted; the package refused it as `assigned-to-other`
// until its claim gate compared the principal's id for clients too (src/authorizer.rs `reach`).
// Usernames count only for the `assignee` and `candidateUsers` properties
// (UserTaskPropertyAuthorizationEvaluator, "only users can be assigned ...") and the
// self-unassign (UserTaskAssignProcessor, AUTHORIZED_USERNAME), which the stand-in and the
// package agree on.
test("a client whose id is the task's assignee may claim it, as the engine's checkClaim compares the requested assignee", async () => {
  const { data, authz, answers } = await clientCase();
  const own = data.userTasks.filter(clientClaimOfOwn);
  assert.ok(own.length > 0);
  for (const t of own) {
    const answer = answers.get(t.userTaskKey).claim;
    const explained = authz.explain("claim", t);
    // Where the grant allows claiming at all, the stand-in accepts; the package must agree.
    assert.equal(explained.allowed, answer, `worker-app: claim on ${t.userTaskKey} assigned to worker-app: the stand-in ${answer ? "accepts" : "refuses"}, the package says ${explained.code}`);
  }
});
