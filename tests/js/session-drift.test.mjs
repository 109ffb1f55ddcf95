// Drift that heals, with the fake clock and issuer of support/session-fakes.mjs: the cluster
// refuses (403, 409) an operation the grant set allowed, `reportRefusal` renews at once (asking
// the issuer for fresh authorizations), decides again and emits one `disagreement`; a burst of
// refusals shares one renewal and a cool-down bounds them; `wrapFetch` reads Camunda's user-task
// endpoints and reports their refusals. The package as built into pkg/ by `./x build`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { startStandin } from "../camunda-standin/index.mjs";
import { SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";
import { AUD, ISS, salesPopulation } from "./support/issuer-population.mjs";
import { TASK, lib, seconds, settle, setup } from "./support/session-fakes.mjs";

const { wrapFetch } = lib;
const READ_ONLY = [{ ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ"] }];

test("a 403 to an allowed claim renews at once for fresh authorizations, decides again and emits one disagreement", async () => {
  const { session, server } = setup();
  await session.ready;
  const events = [];
  session.on("disagreement", (d) => events.push(d));
  const states = [];
  session.subscribe((s) => states.push(s.status));
  server.authorizations = READ_ONLY; // revoked in the cluster after issuance
  const d = await session.reportRefusal({ status: 403, operation: "claim", task: TASK });
  assert.equal(server.grantsFetches, 2, "one renewal");
  assert.deepEqual(server.requests.at(-1), { fresh: true }, "the issuer is asked for fresh authorizations");
  assert.equal(events.length, 1);
  assert.equal(events[0], d, "the event is what reportRefusal resolves");
  assert.equal(d.operation, "claim");
  assert.equal(d.taskKey, "1");
  assert.equal(d.status, 403);
  assert.equal(d.before.allowed, true);
  assert.equal(d.before.code, "granted");
  assert.equal(d.after.allowed, false);
  assert.equal(d.after.code, "no-grant");
  assert.ok(Object.isFrozen(d));
  assert.equal(session.authorizer.can("claim", TASK), false, "the button goes");
  assert.deepEqual(states, ["verified"], "renewed without passing through loading");
  session.close();
});

test("a 409 counts too; 404, 401 and 500 do not; nor does a refusal of what the grant set denied already", async () => {
  const { session, server } = setup();
  await session.ready;
  const events = [];
  session.on("disagreement", (d) => events.push(d));
  for (const status of [404, 401, 500, 200]) assert.equal(await session.reportRefusal({ status, operation: "claim", task: TASK }), null, String(status));
  assert.equal(await session.reportRefusal({ status: 403, operation: "complete", task: TASK }), null, "complete was denied: the cluster agrees");
  assert.equal(server.grantsFetches, 1, "no renewal for any of them");
  const d = await session.reportRefusal({ status: 409, operation: "claim", task: { ...TASK, assignee: "demo" } });
  assert.equal(d.status, 409);
  assert.equal(d.after.allowed, true, "the grant set still allows it: the cluster refused for another reason (a state the task did not show)");
  assert.equal(server.grantsFetches, 2);
  assert.equal(events.length, 1);
  session.close();
});

test("a burst of refusals costs one renewal; within the cool-down none renews again; after it, one does", async () => {
  const { session, server, time } = setup({ refusalCooldown: 10 });
  await session.ready;
  const events = [];
  session.on("disagreement", (d) => events.push(d));
  const tasks = [1, 2, 3, 4, 5].map((n) => ({ ...TASK, userTaskKey: String(n) }));
  const all = await Promise.all(tasks.map((task) => session.reportRefusal({ status: 403, operation: "claim", task })));
  assert.equal(server.grantsFetches, 2, "five refusals, one renewal");
  assert.deepEqual(all.map((d) => d.taskKey), ["1", "2", "3", "4", "5"]);
  assert.equal(events.length, 5, "one disagreement per refusal reported");
  await time.advance(seconds(9));
  await session.reportRefusal({ status: 403, operation: "claim", task: TASK });
  assert.equal(server.grantsFetches, 2, "within the cool-down: decided on the grant set just renewed");
  await time.advance(seconds(1));
  await session.reportRefusal({ status: 403, operation: "claim", task: TASK });
  assert.equal(server.grantsFetches, 3, "after it: renewed again");
  session.close();
});

test("a refusal while a scheduled renewal is under way waits for it, then asks for fresh authorizations", async () => {
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  let slow = false;
  const { session, server } = setup({ wrapFetch: (name, fetch) => (name === "grants" ? async (request) => (slow ? gate.then(() => fetch(request)) : fetch(request)) : fetch) });
  await session.ready;
  slow = true;
  const scheduled = session.refresh();
  const refusal = session.reportRefusal({ status: 403, operation: "claim", task: TASK });
  server.authorizations = READ_ONLY;
  release();
  await scheduled;
  const d = await refusal;
  assert.deepEqual(server.requests.slice(1), [{ fresh: false }, { fresh: true }], "the scheduled one, then a fresh one");
  assert.equal(d.after.allowed, false);
  session.close();
});

test("reportRefusal refuses bad reports with the package's codes", async () => {
  const { session } = setup();
  await session.ready;
  await assert.rejects(session.reportRefusal(null), { code: "ERR_ARGUMENT_INVALID" });
  await assert.rejects(session.reportRefusal({ status: "403", operation: "claim", task: TASK }), { code: "ERR_ARGUMENT_INVALID" });
  await assert.rejects(session.reportRefusal({ status: 403, operation: "teleport", task: TASK }), { code: "ERR_OPERATION_UNKNOWN" });
  await assert.rejects(session.reportRefusal({ status: 403, operation: "claim", task: "1" }), { code: "ERR_TASK_INVALID" });
  session.close();
});

test("wrapFetch reads Camunda's user-task endpoints: claim, assign, unassign, complete, update; other requests pass untouched", async () => {
  const reports = [];
  const session = { reportRefusal: async (report) => reports.push(report) };
  const calls = [];
  let status = 403;
  const fetch = async (input, init) => {
    calls.push([input, init]);
    return { status, ok: status < 300 };
  };
  const camunda = wrapFetch(fetch, session);
  const base = "https://camunda.example.com/v2/user-tasks/2251799813685249";
  const cases = [
    ["POST", `${base}/assignment`, { assignee: "demo", allowOverride: false }, "claim"],
    ["POST", `${base}/assignment`, { assignee: "demo" }, "assign"],
    ["POST", `${base}/assignment`, { assignee: "lee", allowOverride: true }, "assign"],
    ["DELETE", `${base}/assignee`, undefined, "unassign"],
    ["POST", `${base}/completion`, { variables: {} }, "complete"],
    ["PATCH", base, { changeset: { priority: 10 } }, "update"],
    ["PATCH", `https://camunda.example.com/physical-tenants/eu-1/v2/user-tasks/2251799813685249`, { changeset: {} }, "update"],
  ];
  for (const [method, url, body, operation] of cases) {
    reports.length = 0;
    const response = await camunda(url, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }), task: TASK });
    await settle();
    assert.equal(response.status, 403, "the response as it came");
    assert.deepEqual(reports, [{ status: 403, operation, task: TASK }], `${method} ${url}`);
    assert.equal("task" in calls.at(-1)[1], false, "the task is not passed on to fetch");
  }
  reports.length = 0;
  for (const [method, url] of [
    ["POST", "https://camunda.example.com/v2/user-tasks/search"],
    ["GET", base],
    ["POST", `${base}/variables/search`],
    ["POST", "https://camunda.example.com/v2/process-instances"],
  ]) {
    await camunda(url, { method, body: "{}", task: TASK });
  }
  status = 200;
  await camunda(`${base}/completion`, { method: "POST", body: "{}", task: TASK });
  status = 409;
  await camunda(`${base}/completion`, { method: "POST", body: "{}" }); // no task: nothing to decide on
  await settle();
  assert.deepEqual(reports, [], "nothing else is reported");
  await camunda(`${base}/completion`, { method: "POST", body: "{}" });
  assert.throws(() => wrapFetch("fetch", session), { code: "ERR_ARGUMENT_INVALID" });
  assert.throws(() => wrapFetch(fetch, {}), { code: "ERR_ARGUMENT_INVALID" });
});

test("wrapFetch with taskOf, and with a Request whose body says allowOverride: false", async () => {
  const reports = [];
  const session = { reportRefusal: async (report) => reports.push(report) };
  const seen = [];
  const fetch = async (request) => {
    seen.push(await request.text()); // the body is the server's to read
    return new Response(null, { status: 403 });
  };
  const tasks = new Map([["7", { ...TASK, userTaskKey: "7" }]]);
  const camunda = wrapFetch(fetch, session, { taskOf: (key) => tasks.get(key) });
  const body = JSON.stringify({ assignee: "demo", allowOverride: false });
  await camunda(new Request("https://camunda.example.com/v2/user-tasks/7/assignment", { method: "POST", body }));
  await settle();
  assert.deepEqual(seen, [body]);
  assert.deepEqual(reports, [{ status: 403, operation: "claim", task: tasks.get("7") }]);
  await camunda(new Request("https://camunda.example.com/v2/user-tasks/8/assignment", { method: "POST", body }));
  await settle();
  assert.equal(reports.length, 1, "a task the app does not know is not reported");
});

test("wrapFetch over a real session: a refused claim heals the grant set", async () => {
  const { session, server } = setup();
  await session.ready;
  const events = [];
  session.on("disagreement", (d) => events.push(d));
  server.authorizations = READ_ONLY;
  const camunda = wrapFetch(async () => ({ status: 403 }), session);
  await camunda("/v2/user-tasks/1/assignment", { method: "POST", body: JSON.stringify({ assignee: "demo", allowOverride: false }), task: TASK });
  await settle();
  assert.equal(events.length, 1);
  assert.equal(session.authorizer.can("claim", TASK), false);
  session.close();
});

test("over HTTP with camunda-authz/issuer's handler: a refusal reads the cluster again (grantsUrl?fresh=1), and the button goes", async (t) => {
  const { createIssuer, createIssuerHandler, toNodeListener } = await import(new URL("../../pkg/issuer/node.js", import.meta.url).href);
  const standin = await startStandin(salesPopulation());
  t.after(() => standin.close());
  const issuer = createIssuer({ camunda: { restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...SERVICE_ACCOUNT } }, signingKey: lib.generateSigningKey("drift-1").privateJwk, issuer: ISS, audience: AUD });
  const paths = [];
  const handler = createIssuerHandler(issuer);
  const server = createServer(toNodeListener((request) => (paths.push(new URL(request.url).pathname + new URL(request.url).search), handler(request))));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise((r) => server.close(r)));
  const base = `http://127.0.0.1:${server.address().port}`;
  const token = standin.userToken("alice");
  const session = lib.createGrantSession({ grantsUrl: `${base}/grants`, jwksUrl: `${base}/.well-known/camunda-grants-jwks.json`, issuer: ISS, audience: AUD, grantsHeaders: () => ({ authorization: `Bearer ${token}` }) });
  t.after(() => session.close());
  await session.ready;
  assert.equal(session.authorizer.can("claim", TASK), true);
  for (const a of standin.data.authorizations.filter((x) => x.ownerType === "ROLE" && x.ownerId === "task-worker")) a.permissionTypes = ["READ"]; // revoked after issuance
  const d = await session.reportRefusal({ status: 403, operation: "claim", task: TASK });
  assert.equal(d.after.allowed, false, "the renewal saw the revocation, not the issuer's cache of the role");
  assert.equal(session.authorizer.can("claim", TASK), false);
  assert.deepEqual(paths.filter((p) => p.startsWith("/grants")), ["/grants", "/grants?fresh=1"]);
});
