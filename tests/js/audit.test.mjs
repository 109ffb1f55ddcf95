// auditGrants against the Camunda stand-in: no difference for any user of a generated cluster
// (both searches and every task's GET compared), only reads sent, nothing changed; and each kind
// of difference found when it is injected on purpose: a user search that hides a task the grant
// set allows, one that shows a task it denies, a GET that refuses a task it allows, a /me that
// names other groups or another user. The pages are bounded by maxTasks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { standinStarter } from "./support/standins.mjs";
import { population, SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";
import { userTaskItem } from "../camunda-standin/tasks.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const { auditGrants, createIssuer, generateSigningKey } = await import(new URL("issuer/node.js", PKG).href);

const startStandin = standinStarter();

/** A generated cluster whose service account may read every task, its stand-in and an issuer on it. */
async function cluster(seed = 3, options = {}) {
  const { data, claimsOf, userIds } = population({ seed, ...options });
  data.authorizations.push({ ownerType: "CLIENT", ownerId: SERVICE_ACCOUNT.clientId, resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK"] });
  // With multi-tenancy on, a search answers the tasks of the caller's tenants only: the service account is in all of them.
  for (const t of data.tenants) t.clients = [...new Set([...(t.clients ?? []), SERVICE_ACCOUNT.clientId])];
  const standin = await startStandin(data, { maxPageSize: 25 });
  const camunda = { restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...SERVICE_ACCOUNT } };
  const issuer = createIssuer({ camunda, signingKey: generateSigningKey("audit-1").privateJwk, issuer: "https://tasklist.example.com", audience: "tasklist", cluster: { multiTenancyEnabled: options.multiTenancyEnabled ?? false } });
  const tokenOf = (username) => standin.userToken(username, claimsOf.get(username));
  const seenBy = (username) => standin.visibleTasks(standin.caller({ username, claims: { sub: username, preferred_username: username, ...claimsOf.get(username) } }));
  return { data, standin, camunda, issuer, userIds, tokenOf, seenBy };
}

/** A user who sees some tasks and not others, so that both kinds of injection have something to work on. */
function partialUser(c) {
  for (const username of c.userIds) {
    const seen = c.seenBy(username);
    if (seen.length > 0 && seen.length < c.data.userTasks.length) return username;
  }
  throw new Error("no user sees only some of the tasks");
}

for (const multiTenancyEnabled of [false, true]) {
  test(`every user of a generated cluster: no difference, only reads, nothing changed (multi-tenancy ${multiTenancyEnabled ? "on" : "off"})`, async () => {
    const c = await cluster(multiTenancyEnabled ? 7 : 3, { multiTenancyEnabled });
    const before = JSON.stringify(c.data);
    let compared = 0;
    const userCounts = new Set();
    for (const username of c.userIds) {
      const report = await auditGrants({ issuer: c.issuer, userToken: c.tokenOf(username), camunda: c.camunda, pageSize: 10 });
      assert.deepEqual(report.differences, [], `${username}: ${report.differences.map((d) => d.message).join("\n")}`);
      assert.deepEqual(report.notes, [], username);
      assert.equal(report.subject, username);
      assert.equal(report.tasks.serviceAccount, c.data.userTasks.length, "the service account reads every task");
      assert.equal(report.tasks.compared, c.data.userTasks.length);
      assert.ok(report.tasks.complete);
      compared += report.tasks.compared;
      userCounts.add(report.tasks.user);
    }
    assert.ok(userCounts.size > 3, `users see different numbers of tasks (${[...userCounts].join(", ")})`);
    assert.ok(compared >= c.userIds.length * c.data.userTasks.length);
    for (const r of c.standin.requests) assert.ok(r.method === "GET" || (r.method === "POST" && r.path.endsWith("/search")), `only reads: ${r.method} ${r.path}`);
    assert.ok(c.standin.requests.some((r) => r.method === "GET" && /^\/v2\/user-tasks\/\d+$/.test(r.path)), "each task's GET was asked");
    assert.equal(JSON.stringify(c.data), before, "the cluster's data did not change");
    c.standin.assertClean();
  });
}

/** The user-task search as `who` (`user:` or `oauth:`) sees it, changed by `change(body)`. */
const onSearch = (c, who, change) => c.standin.fail({ path: "/v2/user-tasks/search", times: Infinity, transform: (body, request) => (request.as.startsWith(who) ? change(body) : body) });

test("a user search that hides a task the grant set allows is a difference, with the explanation", async () => {
  const c = await cluster();
  const username = partialUser(c);
  const seen = c.seenBy(username);
  const hidden = seen[0].userTaskKey;
  const clean = await auditGrants({ issuer: c.issuer, userToken: c.tokenOf(username), camunda: c.camunda });
  assert.deepEqual(clean.differences, [], "none before the injection");
  onSearch(c, "user:", (body) => ({ ...body, items: body.items.filter((t) => t.userTaskKey !== hidden), page: { ...body.page, totalItems: body.page.totalItems - 1 } }));
  const report = await auditGrants({ issuer: c.issuer, userToken: c.tokenOf(username), camunda: c.camunda });
  assert.equal(report.differences.length, 1, report.differences.map((d) => d.message).join("\n"));
  const [d] = report.differences;
  assert.equal(d.kind, "decision");
  assert.equal(d.operation, "search");
  assert.equal(d.userTaskKey, hidden);
  assert.equal(d.grantSet, true);
  assert.equal(d.cluster, false);
  assert.match(d.clusterAnswer, /service account's search returns it and the user's does not/);
  assert.equal(d.explanation.allowed, true);
  assert.equal(d.explanation.operation, "search");
  assert.match(d.message, new RegExp(`search of task ${hidden}: the grant set allows it \\(granted: `));
  c.standin.assertClean();
});

test("a user search that shows a task the grant set denies is a difference", async () => {
  const c = await cluster();
  const username = partialUser(c);
  const seen = new Set(c.seenBy(username).map((t) => t.userTaskKey));
  const extra = c.data.userTasks.find((t) => !seen.has(t.userTaskKey));
  onSearch(c, "user:", (body) => (body.page.startCursor === null || Buffer.from(body.page.startCursor, "base64url").toString() === "0" || body.items.length === 0 ? { ...body, items: [...body.items, userTaskItem(extra)] } : body));
  const report = await auditGrants({ issuer: c.issuer, userToken: c.tokenOf(username), camunda: c.camunda });
  const search = report.differences.filter((d) => d.operation === "search");
  assert.equal(search.length, 1, report.differences.map((d) => d.message).join("\n"));
  assert.equal(search[0].userTaskKey, extra.userTaskKey);
  assert.equal(search[0].grantSet, false);
  assert.equal(search[0].cluster, true);
  assert.equal(search[0].explanation.code, "no-grant");
  assert.match(search[0].message, /the grant set denies it \(no-grant: .*\), and the user's search returns it/);
  // The stand-in's GET still refuses it: no difference there.
  assert.deepEqual(report.differences.filter((d) => d.operation === "get"), []);
  c.standin.assertClean();
});

test("a GET that refuses a task the grant set allows is a difference", async () => {
  const c = await cluster();
  const username = partialUser(c);
  const seen = c.seenBy(username);
  const key = seen[seen.length - 1].userTaskKey;
  c.standin.fail({ path: `/v2/user-tasks/${key}`, method: "GET", status: 403, times: Infinity });
  const report = await auditGrants({ issuer: c.issuer, userToken: c.tokenOf(username), camunda: c.camunda });
  assert.equal(report.differences.length, 1, report.differences.map((d) => d.message).join("\n"));
  assert.deepEqual([report.differences[0].operation, report.differences[0].userTaskKey, report.differences[0].grantSet, report.differences[0].cluster], ["get", key, true, false]);
  assert.match(report.differences[0].clusterAnswer, /answered the user 403/);
  c.standin.assertClean();
});

test("a principal that differs from /me is a difference (other groups, another user)", async () => {
  const c = await cluster();
  const username = c.userIds[0];
  // The issue reads /me first; the audit's own read comes after it.
  let reads = 0;
  c.standin.fail({ path: "/v2/authentication/me", times: Infinity, transform: (body) => ((reads += 1) === 2 ? { ...body, username: "mallory", groups: [...body.groups, "ghost"] } : body) });
  const report = await auditGrants({ issuer: c.issuer, userToken: c.tokenOf(username), camunda: c.camunda });
  const principal = report.differences.filter((d) => d.kind === "principal");
  assert.deepEqual(principal.map((d) => d.field), ["id", "groups"], report.differences.map((d) => d.message).join("\n"));
  assert.deepEqual([principal[0].grantSet, principal[0].cluster], [username, "mallory"]);
  assert.match(principal[1].message, /the grant set lacks ghost/);
  c.standin.assertClean();
});

test("maxTasks bounds the pages read, and the report says the searches were cut short", async () => {
  const c = await cluster();
  const username = partialUser(c);
  const report = await auditGrants({ issuer: c.issuer, userToken: c.tokenOf(username), camunda: c.camunda, maxTasks: 5, pageSize: 2 });
  const searches = c.standin.requests.filter((r) => r.path === "/v2/user-tasks/search");
  assert.ok(searches.length <= 6, `at most 3 pages per search (${searches.length})`);
  for (const r of searches) assert.ok(r.body.page.limit <= 2);
  assert.ok(report.tasks.serviceAccount <= 5 && report.tasks.user <= 5);
  assert.equal(report.tasks.complete, false);
  assert.ok(report.notes.some((n) => /maxTasks/.test(n)), report.notes.join("\n"));
  assert.deepEqual(report.differences, []);
  await assert.rejects(auditGrants({ issuer: c.issuer, userToken: c.tokenOf(username), camunda: c.camunda, maxTasks: 0 }), { code: "ERR_ARGUMENT_INVALID" });
  await assert.rejects(auditGrants({ issuer: c.issuer, userToken: "", camunda: c.camunda }), { code: "ERR_ARGUMENT_INVALID" });
  c.standin.assertClean();
});

test("without a service account, the notes say what could not be compared", async () => {
  const c = await cluster();
  const username = partialUser(c);
  const report = await auditGrants({ issuer: c.issuer, userToken: c.tokenOf(username), camunda: { restAddress: c.standin.url, auth: { strategy: "NONE" } } });
  assert.equal(report.tasks.serviceAccount, null);
  assert.ok(report.notes.some((n) => /no service account/.test(n)));
  assert.deepEqual(report.differences, []);
});
