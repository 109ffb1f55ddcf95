// camunda-authz/react, first under server rendering in Node (react-dom/server), then the Camunda
// stand-in's user-task writes the example's server forwards to (their order of checks, from
// Camunda's own tests), then the React example (examples/react/) built with Vite and served by
// its own issuer, in headless Chromium: the buttons per persona, a claim, renewals without
// flicker, the issuer rotating its key mid-session, the fail-closed state when the issuer is down
// past expiry, recovery, and an authorization revoked in the cluster after issuance (the claim's
// 403 heals the grant set: the button goes without a reload). Screenshots at laptop (1280x800)
// and phone (390x844) width go to artifacts/screenshots/.

import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, describeServerRendering, loadBindings, useReactFrom } from "./support/react-bindings.mjs";

const SHOTS = join(ROOT, "artifacts", "screenshots");

// pkg/react.js imports "react", which a user's app installs; here it comes from tests/js.
useReactFrom(join(ROOT, "tests", "js"));
const loaded = await loadBindings();

describeServerRendering("React 19, react-dom/server", loaded);

test("the example type-checks against the built declarations and React 19's types (tsc --strict, no skipLibCheck)", () => {
  const tsc = join(ROOT, "tests", "js", "node_modules", ".bin", "tsc");
  const r = spawnSync(tsc, ["-p", join(ROOT, "examples", "react", "tsconfig.json")], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `tsc:\n${r.stdout}${r.stderr}`);
});

// --- The stand-in's user-task writes -----------------------------------------------------------

describe("the Camunda stand-in's user-task writes, in Camunda's order of checks", () => {
  // The order and statuses come from Camunda's engine tests (camunda/camunda
  // zeebe/engine/src/test/java/io/camunda/zeebe/engine/processing/usertask/): Claim-, Assign-,
  // Complete- and UpdateUserTaskTest `shouldReject...IfUserTaskIsCompleted` (404 before anything,
  // even without an assignee), UserTaskSuspensionGateTest (409 while the process instance is
  // suspended, 8.10), MultiTenantUserTaskOperationsTest and ClaimUserTaskTest
  // `shouldRejectClaimIfTenantIsUnauthorized` (404), UserTask*AuthorizationTest (403), and
  // ClaimUserTaskTest `shouldRejectUserTaskWithAssigneeAlreadyAssigned` (409).
  const PROCESS = "invoice";
  const task = (key, extra = {}) => ({ userTaskKey: key, processDefinitionId: PROCESS, tenantId: "<default>", state: "CREATED", assignee: null, candidateGroups: ["sales"], candidateUsers: [], ...extra });
  let standin;
  const call = async (who, method, key, suffix = "", body) => {
    const res = await fetch(`${standin.url}/v2/user-tasks/${key}${suffix}`, {
      method,
      headers: { authorization: `Bearer ${standin.userToken(who)}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get("content-type"), body: text === "" ? null : JSON.parse(text) };
  };
  const claim = (who, key) => call(who, "POST", key, "/assignment", { assignee: who, allowOverride: false });

  before(async () => {
    const { startStandin } = await import(pathToFileURL(join(ROOT, "tests", "camunda-standin", "index.mjs")).href);
    standin = await startStandin({
      users: [{ username: "ana" }, { username: "lee" }, { username: "nobody" }, { username: "boss" }],
      groups: [{ groupId: "sales", users: ["ana"] }],
      roles: [],
      tenants: [{ tenantId: "<default>", users: ["ana", "lee", "nobody", "boss"] }, { tenantId: "acme", users: ["boss"] }],
      mappingRules: [],
      authorizations: [
        { ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM"] },
        { ownerType: "USER", ownerId: "lee", resourceType: "USER_TASK", resourcePropertyName: "assignee", permissionTypes: ["READ", "CLAIM"] },
        { ownerType: "USER", ownerId: "boss", resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] },
      ],
      userTasks: [
        task("1"),
        task("2", { state: "COMPLETED" }),
        task("3", { state: "CANCELED" }),
        task("4", { processInstanceKey: "2251799813690004", tenantId: "acme" }),
        task("5", { tenantId: "acme" }),
        task("6", { state: "ASSIGNING" }),
        task("7", { assignee: "lee" }),
        task("8"),
        task("9"),
      ],
      suspendedProcessInstances: ["2251799813690004"],
      multiTenancyEnabled: true,
    });
  });
  after(async () => {
    standin?.assertClean();
    await standin?.close();
  });

  test("a completed or canceled task is 404 before any other check, the suspended instance 409 before the tenant, the tenant 404 before the authorization", async () => {
    for (const [key, status, title, reason] of [
      ["2", 404, "NOT_FOUND", "Expected to claim user task with key '2', but no such user task was found"],
      ["3", 404, "NOT_FOUND", "Expected to claim user task with key '3', but no such user task was found"],
      ["404404", 404, "NOT_FOUND", "Expected to claim user task with key '404404', but no such user task was found"],
      ["4", 409, "INVALID_STATE", "Expected to claim user task with key '4', but its process instance with key '2251799813690004' is suspended"],
      ["5", 404, "NOT_FOUND", "Expected to claim user task with key '5', but no such user task was found"],
    ]) {
      const answer = await claim("nobody", key); // no authorization at all: each check comes before the 403
      assert.equal(answer.status, status, `task ${key}`);
      assert.equal(answer.type, "application/problem+json");
      assert.deepEqual(answer.body, { type: "about:blank", title, status, detail: `Command 'CLAIM' rejected with code '${title}': ${reason}`, instance: `/v2/user-tasks/${key}/assignment` });
    }
    // Who holds the tenant gets past the tenant step to the authorization.
    assert.equal((await call("boss", "PATCH", "5", "", { changeset: { priority: 60 } })).status, 204);
    assert.equal(standin.data.userTasks.find((t) => t.userTaskKey === "5").priority, 60, "the changeset was applied");
  });

  test("no authorization is 403 before the task's state; then 409 for a state other than CREATED, and for a claim of a task someone else holds", async () => {
    const forbidden = await claim("nobody", "6");
    assert.equal(forbidden.status, 403, "not authorized comes before the state");
    assert.match(forbidden.body.detail, /^Command 'CLAIM' rejected with code 'FORBIDDEN': Insufficient permissions to perform operation 'UPDATE_USER_TASK' on resource 'PROCESS_DEFINITION', required resource identifiers are one of '\[\*, invoice\]'/);
    const state = await claim("ana", "6");
    assert.equal(state.status, 409);
    assert.equal(state.body.detail, "Command 'CLAIM' rejected with code 'INVALID_STATE': Expected to claim user task with key '6', but it is in state 'ASSIGNING'");
    const held = await claim("ana", "7");
    assert.equal(held.status, 409);
    assert.equal(held.body.detail, "Command 'CLAIM' rejected with code 'INVALID_STATE': Expected to claim user task with key '7', but it has already been assigned");
    const empty = await call("ana", "POST", "8", "/assignment", { assignee: "", allowOverride: false });
    assert.equal(empty.status, 409);
    assert.match(empty.body.detail, /but provided assignee is empty$/);
    // Without allowOverride: false it is an override assignment, which needs UPDATE.
    const assign = await call("ana", "POST", "7", "/assignment", { assignee: "ana" });
    assert.equal(assign.status, 403);
    assert.match(assign.body.detail, /^Command 'ASSIGN' rejected with code 'FORBIDDEN'/);
  });

  test("accepted writes answer 204 and change the task: claim, self-unassign by CLAIM, override assignment, completion (then 404)", async () => {
    assert.equal((await claim("ana", "1")).status, 204);
    assert.equal(standin.data.userTasks.find((t) => t.userTaskKey === "1").assignee, "ana");
    assert.equal((await claim("ana", "1")).status, 204, "claiming a task one holds is allowed");
    assert.equal((await call("lee", "DELETE", "7", "/assignee")).status, 204, "lee gives back his own task with CLAIM on assignee");
    assert.equal(standin.data.userTasks.find((t) => t.userTaskKey === "7").assignee, null);
    assert.equal((await call("boss", "POST", "9", "/assignment", { assignee: "lee" })).status, 204);
    assert.equal(standin.data.userTasks.find((t) => t.userTaskKey === "9").assignee, "lee");
    assert.equal((await call("boss", "POST", "9", "/completion", { variables: {} })).status, 204);
    const gone = await call("boss", "POST", "9", "/completion", { variables: {} });
    assert.equal(gone.status, 404, "a completed task is no longer held by the engine");
    assert.equal(gone.body.detail, "Command 'COMPLETE' rejected with code 'NOT_FOUND': Expected to complete user task with key '9', but no such user task was found");
  });

  test("a request outside Camunda's schema is a violation the stand-in records", async () => {
    const answer = await call("ana", "POST", "8", "/assignment", { assignee: "ana", allowOverride: false, extra: 1 });
    assert.equal(answer.status, 500);
    assert.equal(standin.violations.length, 1);
    assert.match(standin.violations[0], /^request POST \/v2\/user-tasks\/8\/assignment: /);
    standin.violations.length = 0; // seen; the rest must stay clean
  });
});

// --- The example in Chromium ----------------------------------------------------------------

const TTL = 12; // seconds: renewal every 9.6 s (a fifth of the lifetime before exp)
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

// Per persona and task: the buttons (Tasklist's rules over the grant set) and, when the button a
// person looks for (Complete on a held task, else Assign to me) is not there, the message saying why.
const EXPECTED = {
  ana: {
    "Approve invoice 4711": { buttons: ["Assign to me"] },
    "Check credit limit": { buttons: ["Unassign", "Complete task"] },
  },
  marco: {
    "Approve invoice 4711": { buttons: ["Assign to me"] },
    "Review supplier contract": { buttons: ["Assign to me"] },
    "Book payment 4708": { buttons: ["Unassign"], why: "Assigned to lee: only the assignee can complete it." },
  },
  vera: {
    "Approve invoice 4711": { buttons: [], why: "You may not assign yourself tasks of invoice." },
    "Check credit limit": { buttons: [], why: "Assigned to ana: only the assignee can complete it." },
    "Review supplier contract": { buttons: [], why: "You may not assign yourself tasks of contract-review." },
    "Book payment 4708": { buttons: [], why: "Assigned to lee: only the assignee can complete it." },
  },
};

describe("the React example in headless Chromium", () => {
  let server;
  let browser;
  const pageErrors = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { buildExample } = await import(pathToFileURL(join(ROOT, "examples", "react", "build.mjs")).href);
    const dist = await buildExample({ outDir: join(ROOT, ".cache", "react-example") });
    const { startExampleServer } = await import(pathToFileURL(join(ROOT, "examples", "react", "server.mjs")).href);
    server = await startExampleServer({ ttl: TTL, dist });
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(persona, viewport = { width: 1280, height: 800 }) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(`${persona}: ${e.message}`));
    await page.goto(`${server.url}?as=${persona}`);
    await page.waitForSelector('[data-testid=session][data-status="verified"]', { timeout: 30_000 });
    return { page, context };
  }

  /** For each task in the list: the action buttons its detail shows, and the message if any. */
  async function buttonsPerTask(page) {
    const out = {};
    for (const item of await page.locator(".list li button").all()) {
      const name = await item.locator(".name").innerText();
      await item.click();
      await page.waitForFunction((n) => document.querySelector("#detail-title")?.textContent === n, name);
      const buttons = await page.locator("[data-testid=actions] button").allInnerTexts();
      const why = page.locator("[data-testid=why]");
      out[name] = (await why.count()) === 0 ? { buttons } : { buttons, why: await why.innerText() };
    }
    return out;
  }

  test("each persona sees its tasks with the buttons its grant set allows", async () => {
    for (const [persona, expected] of Object.entries(EXPECTED)) {
      const { page, context } = await open(persona);
      assert.equal(await page.locator("[data-testid=session]").getAttribute("data-status"), "verified");
      await page.waitForFunction((n) => document.querySelectorAll(".list li").length === n, Object.keys(expected).length);
      assert.deepEqual(await buttonsPerTask(page), expected, persona);
      if (persona === "ana" || persona === "marco") {
        // The last task stays selected: for Marco, "Book payment 4708" with its button and message.
        const name = persona === "ana" ? "" : "-reasons";
        await page.screenshot({ path: join(SHOTS, `react-example${name}-laptop.png`) });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: join(SHOTS, `react-example${name}-phone.png`), fullPage: true });
      }
      await context.close();
    }
  });

  test("Assign to me claims the task; the detail then offers Unassign and Complete and keeps focus", async () => {
    const { page, context } = await open("ana");
    try {
      await page.locator(".list li button", { hasText: "Approve invoice 4711" }).click();
      await page.getByRole("button", { name: "Assign to me" }).click();
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=actions] button").length === 2);
      assert.deepEqual(await page.locator("[data-testid=actions] button").allInnerTexts(), ["Unassign", "Complete task"]);
      assert.equal(await page.evaluate(() => document.activeElement?.id), "detail-title");
      await page.getByRole("button", { name: "Unassign" }).click();
      await page.waitForFunction(() => document.querySelector("[data-testid=actions] button")?.textContent === "Assign to me");
    } finally {
      server.reset();
      await context.close();
    }
  });

  test("renewals without flicker, a key rotation mid-session, then fail closed past expiry with the issuer down", { timeout: 180_000 }, async () => {
    const { page, context } = await open("ana");
    try {
      await page.locator(".list li button", { hasText: "Check credit limit" }).click();
      // Sample the page every 50 ms: the session's status, expiry and key, and what is shown.
      await page.evaluate(() => {
        const w = window;
        w.samples = [];
        w.sampler = setInterval(() => {
          const s = document.querySelector("[data-testid=session]");
          w.samples.push({
            status: s?.dataset.status,
            code: s?.dataset.code,
            expires: s?.dataset.expires,
            kid: s?.dataset.kid,
            tasks: document.querySelectorAll(".list li").length,
            buttons: document.querySelectorAll("[data-testid=actions] button").length,
          });
        }, 50);
      });
      const samples = () => page.evaluate(() => window.samples);
      const distinct = (list, key) => [...new Set(list.map((s) => s[key]))];

      // Three renewals: every sample verified, the list and the buttons never gone.
      await page.waitForFunction(() => new Set(window.samples.map((s) => s.expires)).size >= 4, null, { timeout: 60_000, polling: 200 });
      let seen = await samples();
      assert.deepEqual(distinct(seen, "status"), ["verified"], "no loading or error between renewals");
      assert.deepEqual(distinct(seen, "tasks"), [2], "the list never emptied");
      assert.deepEqual(distinct(seen, "buttons"), [2], "the buttons never disappeared");
      const firstKid = seen[0].kid;

      // The issuer rotates its key and drops the old one: the next renewal follows it.
      const newKid = server.rotateKey();
      await page.waitForFunction((kid) => window.samples.at(-1).kid === kid, newKid, { timeout: 40_000, polling: 200 });
      seen = await samples();
      assert.notEqual(firstKid, newKid);
      assert.deepEqual(distinct(seen, "status"), ["verified"], "the rotation never broke the page");
      assert.deepEqual(distinct(seen, "buttons"), [2]);

      // The issuer goes down: the grant set is kept while valid, then the page fails closed.
      server.setDown(true);
      await page.waitForSelector('[data-testid=session][data-status="verified"].warn', { timeout: 20_000 });
      await page.waitForSelector('[data-testid=session][data-status="error"]', { timeout: 30_000 });
      assert.equal(await page.locator("[data-testid=session]").getAttribute("data-code"), "ERR_GRANTS_EXPIRED");
      assert.match(await page.locator("[data-testid=session]").innerText(), /ERR_GRANTS_EXPIRED.*expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
      assert.equal(await page.locator(".list li").count(), 0, "no task is shown without a valid grant set");
      assert.equal(await page.locator("[data-testid=actions] button").count(), 0, "no action is offered");
      await page.screenshot({ path: join(SHOTS, "react-example-fail-closed-laptop.png") });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: join(SHOTS, "react-example-fail-closed-phone.png"), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });

      // Back up, and the network returns (`online`): renewed at once, not after the backoff.
      server.setDown(false);
      await page.evaluate(() => window.dispatchEvent(new Event("online")));
      await page.waitForSelector('[data-testid=session][data-status="verified"]', { timeout: 5_000 });
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=actions] button").length === 2, null, { timeout: 5_000 });
    } finally {
      server.setDown(false);
      await page.evaluate(() => clearInterval(window.sampler)).catch(() => {});
      await context.close();
    }
  });

  test("an authorization revoked in the cluster after issuance: the claim gets a 403, the button goes without a reload, one disagreement", async () => {
    const { page, context } = await open("ana");
    const logged = [];
    page.on("console", (m) => m.text().startsWith("camunda-authz disagreement: ") && logged.push(JSON.parse(m.text().slice("camunda-authz disagreement: ".length))));
    // The task-worker role's grant by candidate group loses CLAIM, as an administrator would take it.
    const byGroup = (a) => a.ownerType === "ROLE" && a.ownerId === "task-worker" && a.resourcePropertyName === "candidateGroups";
    try {
      await page.locator(".list li button", { hasText: "Approve invoice 4711" }).click();
      await page.getByRole("button", { name: "Assign to me" }).waitFor();
      await page.evaluate(() => (window.notReloaded = true));
      server.revoke(byGroup, (a) => (a.permissionTypes = a.permissionTypes.filter((p) => p !== "CLAIM")));
      const answered = page.waitForResponse((r) => r.url().endsWith("/v2/user-tasks/2251799813685301/assignment"));
      await page.getByRole("button", { name: "Assign to me" }).click(); // the grant set still allows it
      const response = await answered;
      assert.equal(response.status(), 403, "the cluster refuses: the authorization is gone");
      assert.match((await response.json()).detail, /^Command 'CLAIM' rejected with code 'FORBIDDEN'/);
      // Healed by the refusal's renewal, not by the next scheduled one (every 9.6 s here).
      await page.waitForSelector("[data-testid=why][data-code=no-grant]", { timeout: 3_000 });
      assert.equal(await page.locator("[data-testid=why]").innerText(), "You may not assign yourself tasks of invoice.");
      assert.equal(await page.locator("[data-testid=actions] button").count(), 0, "the button is gone");
      assert.equal(await page.evaluate(() => window.notReloaded), true, "without a reload");
      assert.equal(await page.locator("[data-testid=session]").getAttribute("data-status"), "verified", "the renewed grant set is in use");
      await page.waitForFunction(() => /Camunda refused to claim this task/.test(document.querySelector(".note")?.textContent ?? ""));
      await page.waitForTimeout(500); // time for a second event, if there were one
      assert.deepEqual(logged, [{ operation: "claim", taskKey: "2251799813685301", status: 403, before: "granted", after: "no-grant" }], "exactly one disagreement");
      await page.screenshot({ path: join(SHOTS, "react-example-drift-healed-laptop.png") });
    } finally {
      server.revoke(byGroup, (a) => (a.permissionTypes = [...new Set([...a.permissionTypes, "CLAIM"])]));
      server.reset();
      await context.close();
    }
  });

  test("the cluster enforces what the page hides: Vera's assignment is refused with Camunda's problem", async () => {
    const res = await fetch(new URL("v2/user-tasks/2251799813685301/assignment", server.url), {
      method: "POST",
      headers: { cookie: "persona=vera", "content-type": "application/json" },
      body: JSON.stringify({ assignee: "vera" }),
    });
    assert.equal(res.status, 403);
    const problem = await res.json();
    assert.equal(problem.title, "FORBIDDEN");
    assert.match(problem.detail, /^Command 'ASSIGN' rejected with code 'FORBIDDEN': Insufficient permissions/);
  });

  test("every request the example forwarded to the cluster was in Camunda's shape", () => {
    assert.deepEqual(server.violations, []);
  });

  test("no uncaught errors in the page", () => {
    assert.deepEqual(pageErrors, []);
  });
});
