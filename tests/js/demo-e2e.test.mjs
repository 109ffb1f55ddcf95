// End-to-end test of the demo (www/): the real server on a free port, the real page in Debian's
// Chromium through playwright-core. For every persona the tasks the page shows and the actions it
// offers must equal what the server computes with the package for the same grant set; tampered,
// expired, wrong-audience and unknown-key grant sets must be refused with their codes; claim then
// complete must work; a forced forbidden action must get the server's 403; no console errors.
// Screenshots go to artifacts/screenshots/ (git-ignored).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHOTS = fileURLToPath(new URL("../../artifacts/screenshots/", import.meta.url));
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let server;
let base; // "http://127.0.0.1:PORT/"
let browser;
let config;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = spawn(process.execPath, ["www/server.mjs", "--port", "0", "--quiet"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  base = await new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const deadline = setTimeout(() => reject(new Error(`the demo server printed no URL within 60 s\n${out}${err}`)), 60_000);
    server.stdout.setEncoding("utf8").on("data", (chunk) => {
      out += chunk;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(deadline);
        resolve(m[0]);
      }
    });
    server.stderr.setEncoding("utf8").on("data", (chunk) => (err += chunk));
    server.on("exit", (code) => {
      clearTimeout(deadline);
      reject(new Error(`the demo server exited (${code}) before printing its URL:\n${out}${err}`));
    });
  });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  config = await api("api/config");
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
});

async function api(path, init) {
  const res = await fetch(new URL(path, base), init);
  assert.ok(res.ok, `${init?.method ?? "GET"} /${path}: HTTP ${res.status}`);
  return res.status === 204 ? null : res.json();
}
const reset = () => api("api/reset", { method: "POST" });
const expected = (persona) => api(`api/test/expected?persona=${persona}`);
const feed = async () => (await api("demo/unfiltered/user-tasks/search", { method: "POST", body: "{}" })).items;

/**
 * A page signed in as `persona`, collecting console errors and page errors. `allow(msg)` lets a
 * test accept a console error it provoked on purpose (the browser logs every 403 response).
 */
async function open(persona, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems = [];
  const allowed = [];
  page.allow = (predicate) => allowed.push(predicate);
  page.on("console", (msg) => {
    if (msg.type() === "error" && !allowed.some((p) => p(msg))) problems.push(`console: ${msg.text()} (${msg.location()?.url ?? ""})`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.problems = problems;
  page.close = async () => context.close();
  await page.goto(`${base}#${persona}`);
  await page.waitForSelector(`body[data-persona="${persona}"][data-status="verified"]`);
  return page;
}

function assertClean(page) {
  assert.deepEqual(page.problems, [], "no console errors, page errors or failed requests");
}

/** What the page shows: visible task keys with the offered actions, hidden tasks with their code, denied buttons. */
function readPage(page) {
  return page.evaluate(() => {
    const out = { visible: {}, hidden: {}, denied: [] };
    for (const li of document.querySelectorAll("#task-list > li.task")) {
      const key = li.dataset.task;
      if (li.dataset.visibility === "visible") {
        out.visible[key] = [...li.querySelectorAll('button[data-action][data-allowed="true"]')].map((b) => b.dataset.action);
      } else {
        const reason = li.querySelector(".hidden-reason");
        out.hidden[key] = { code: reason?.dataset.code ?? null, text: reason?.textContent ?? "" };
      }
      for (const b of li.querySelectorAll('button[data-action][data-allowed="false"]')) out.denied.push({ userTaskKey: key, action: b.dataset.action });
    }
    return out;
  });
}

async function setSwitch(page, id, on) {
  const input = page.locator(`#${id}`);
  if ((await input.isChecked()) !== on) await page.locator(`label:has(#${id})`).click();
  await page.waitForSelector(`body[data-${id}="${on}"]`); // the list re-rendered
  assert.equal(await input.isChecked(), on);
}

async function showTab(page, tab) {
  await page.click(`.tab[data-tab="${tab}"]`);
  await page.waitForSelector(`.tab[data-tab="${tab}"][aria-selected="true"]`);
}

async function screenshot(page, name, fullPage = true) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage });
}

const byPair = (a, b) => (a.userTaskKey + a.action < b.userTaskKey + b.action ? -1 : 1);

// --- Every persona: the page and the server agree ---------------------------------------------

test("the server lists six personas, one of each kind the issue asks for", () => {
  assert.deepEqual(
    config.personas.map((p) => p.id),
    ["mia", "omar", "priya", "lena", "bot", "sam"],
  );
  assert.equal(config.personas.find((p) => p.id === "bot").principal.type, "CLIENT");
  assert.equal(config.personas.find((p) => p.id === "sam").cluster.authorizationsEnabled, false);
  assert.equal(config.personas.find((p) => p.id === "lena").cluster.multiTenancyEnabled, true);
});

/** Facts about each persona that hold whatever the evaluator says, so a bug on both sides still fails. */
const INVARIANTS = {
  mia(view, tasks) {
    const offered = Object.values(view.visible).flat();
    assert.ok(offered.includes("claim") && offered.includes("complete"), "a task worker claims and completes");
    assert.ok(!offered.includes("assign") && !offered.includes("update"), "a task worker has no UPDATE anywhere");
    assert.ok(Object.keys(view.hidden).length > 0, "a task worker does not see every task");
    for (const key of Object.keys(view.visible)) {
      const t = tasks.get(key);
      assert.ok(
        t.processDefinitionId === "invoice-approval" || t.assignee === "mia.schneider" || t.candidateUsers.includes("mia.schneider") || t.candidateGroups.some((g) => ["accounting", "sales"].includes(g)),
        `mia sees ${key} for a reason`,
      );
    }
  },
  omar(view, tasks) {
    for (const t of tasks.values()) {
      if (t.processDefinitionId === "invoice-approval" && t.state === "CREATED") assert.ok(view.visible[t.userTaskKey]?.includes("update"), `omar updates invoice task ${t.userTaskKey}`);
    }
  },
  priya(view, tasks) {
    assert.equal(Object.keys(view.visible).length, tasks.size, "an admin with wildcards sees every task");
    assert.equal(Object.keys(view.hidden).length, 0);
  },
  lena(view, tasks) {
    assert.ok(Object.keys(view.visible).length > 0);
    for (const key of Object.keys(view.visible)) assert.equal(tasks.get(key).tenantId, "emea", "multi-tenancy keeps lena in emea");
    assert.ok(Object.values(view.hidden).some((h) => h.code === "tenant-not-assigned"));
  },
  bot(view) {
    const offered = Object.values(view.visible).flat();
    assert.ok(offered.includes("complete"));
    assert.ok(!offered.includes("assign") && !offered.includes("update"), "the client's candidateUsers grant never matches a client");
  },
  sam(view, tasks) {
    assert.equal(Object.keys(view.visible).length, tasks.size, "authorizations disabled: everything visible");
    for (const t of tasks.values()) if (t.state === "CREATED") assert.ok(view.visible[t.userTaskKey].includes("update") && view.visible[t.userTaskKey].includes("complete"));
  },
};

for (const persona of ["mia", "omar", "priya", "lena", "bot", "sam"]) {
  test(`${persona}: the page shows exactly the tasks and actions the server allows, and says why for the rest`, async () => {
    await reset();
    const want = await expected(persona);
    const tasks = new Map((await feed()).map((t) => [t.userTaskKey, t]));
    const page = await open(persona);
    try {
      await showTab(page, "all");

      // Visible tasks and offered actions, compared with the server's own computation.
      let view = await readPage(page);
      assert.deepEqual(Object.keys(view.visible).sort(), [...want.visible].sort(), "visible tasks");
      for (const key of want.visible) assert.deepEqual(view.visible[key], want.actions[key], `actions offered on ${key}`);
      assert.deepEqual(view.hidden, {}, "hidden tasks stay hidden until asked");
      assert.deepEqual(view.denied, [], "denied actions stay hidden until asked");

      // Hidden tasks, each with its reason.
      await setSwitch(page, "show-hidden", true);
      await setSwitch(page, "show-denied", true);
      view = await readPage(page);
      assert.deepEqual(Object.keys(view.hidden).sort(), [...want.hidden].sort(), "hidden tasks");
      INVARIANTS[persona](view, tasks);
      for (const [key, h] of Object.entries(view.hidden)) {
        assert.ok(h.code && h.code !== "granted", `hidden task ${key} has a deny code`);
        assert.ok(h.text.length > h.code.length + 10, `hidden task ${key} says why`);
      }
      // Denied actions: exactly the applicable actions the server would refuse.
      assert.deepEqual([...view.denied].sort(byPair), [...want.forbidden].sort(byPair), "denied actions");

      // Every denied action tells why (its title), and the explanation panel covers every operation.
      for (const { userTaskKey, action } of view.denied.slice(0, 3)) {
        const title = await page.getAttribute(`#task-list > li[data-task="${userTaskKey}"] button[data-action="${action}"]`, "title");
        assert.match(title, /^Denied \([a-z-]+\): .{20,}/);
      }
      for (const key of [want.visible[0], want.hidden[0]].filter(Boolean)) {
        await page.click(`button[data-why="${key}"]`);
        const rows = page.locator(`[data-why-panel="${key}"] tr`);
        await rows.first().waitFor();
        assert.equal(await rows.count(), 6, "see it + five actions");
        const search = page.locator(`[data-why-panel="${key}"] tr[data-op="search"]`);
        assert.equal(await search.getAttribute("data-allowed"), String(want.visible.includes(key)));
        for (const text of await page.locator(`[data-why-panel="${key}"] .reason`).allTextContents()) assert.ok(text.length > 10);
      }

      // The grant set panel shows this persona's decoded payload and its expiry.
      await page.waitForSelector('#verify-status[data-state="ok"]');
      assert.match(await page.textContent("#claims"), new RegExp(want.principal.id.replace(".", "\\.")));
      assert.match(await page.textContent("#exp-row"), /in \d+:\d\d/);

      await screenshot(page, persona);
      assertClean(page);
    } finally {
      await page.close();
    }
  });
}

// --- Refused grant sets ------------------------------------------------------------------------

test("tampered, expired, wrong-audience and unknown-key grant sets are refused with their codes; nothing is shown", async () => {
  await reset();
  const page = await open("mia");
  try {
    const refused = async (code) => {
      await page.waitForSelector(`#verify-status[data-state="error"][data-code="${code}"]`);
      await page.waitForSelector('body[data-status="refused"]');
      assert.equal(await page.locator("#task-list > li").count(), 0, "fail closed: no tasks");
      assert.match(await page.textContent("#verify-result"), new RegExp(code));
      assert.match(await page.textContent("#grant-pill"), new RegExp(code));
      assert.equal(await page.getAttribute("#empty", "data-code"), code, "the task area names the code too");
    };
    const good = page.locator("#token");
    const valid = await good.inputValue();

    await page.click("#tamper");
    await refused("ERR_GRANTS_SIGNATURE");
    const tampered = await good.inputValue();
    assert.notEqual(tampered, valid);
    assert.match(await page.textContent("#claims"), /UNVERIFIED/);
    // The server refuses the same token with the same code.
    const res = await fetch(new URL("v2/user-tasks/2251799813686000/completion", base), { method: "POST", headers: { authorization: `Bearer ${tampered}` }, body: "{}" });
    assert.equal(res.status, 401);
    assert.equal((await res.json()).code, "ERR_GRANTS_SIGNATURE");
    await screenshot(page, "tampered");

    await page.fill("#token", "not.a-token");
    await page.click("#verify-token");
    await refused("ERR_GRANTS_MALFORMED");

    for (const [variant, code] of [
      ["expired", "ERR_GRANTS_EXPIRED"],
      ["wrong-audience", "ERR_GRANTS_AUDIENCE"],
      ["unknown-key", "ERR_GRANTS_KEY_NOT_FOUND"],
    ]) {
      await page.click(`button[data-variant="${variant}"]`);
      await refused(code);
    }

    await page.click('button[data-variant="valid"]');
    await page.waitForSelector('body[data-status="verified"] #verify-status[data-state="ok"]');
    assert.ok((await page.locator("#task-list > li").count()) > 0);
    assertClean(page);
  } finally {
    await page.close();
  }
});

// --- Actions against the server ----------------------------------------------------------------

test("claim then complete a task: the server accepts both and the task changes state", async () => {
  await reset();
  const want = await expected("mia");
  const key = want.visible.find((k) => want.actions[k].includes("claim"));
  assert.ok(key, "mia has a task to claim");
  const page = await open("mia");
  try {
    const card = `#task-list > li[data-task="${key}"]`;
    const claimed = page.waitForResponse((r) => r.url().endsWith(`/v2/user-tasks/${key}/assignment`));
    await page.click(`${card} button[data-action="claim"]`);
    assert.equal((await claimed).status(), 204);
    await page.waitForSelector(`${card} [data-assignee="mia.schneider"]`);
    assert.equal((await feed()).find((t) => t.userTaskKey === key).assignee, "mia.schneider");
    const after = await expected("mia");
    assert.deepEqual((await readPage(page)).visible[key], after.actions[key], "offered actions follow the new assignee");
    assert.ok(after.actions[key].includes("unassign") && after.actions[key].includes("complete"));

    const completed = page.waitForResponse((r) => r.url().endsWith(`/v2/user-tasks/${key}/completion`));
    await page.click(`${card} button[data-action="complete"]`);
    assert.equal((await completed).status(), 204);
    await page.waitForSelector(`#log li[data-action="complete"][data-task="${key}"][data-status="204"]`);
    await page.waitForSelector(card, { state: "detached" }); // gone from the Open tab
    assert.equal((await feed()).find((t) => t.userTaskKey === key).state, "COMPLETED");
    await showTab(page, "completed");
    await page.waitForSelector(`${card}[data-state="COMPLETED"]`);
    assert.equal(await page.locator(`${card} button[data-action]`).count(), 0, "nothing to do on a completed task");
    assertClean(page);
  } finally {
    await page.close();
  }
});

test("a forced forbidden action gets the server's 403 with the same explanation as the page", async () => {
  await reset();
  const want = await expected("mia");
  const forbidden = want.forbidden.find((f) => f.action === "unassign") ?? want.forbidden.find((f) => f.action === "claim" || f.action === "complete");
  assert.ok(forbidden, "mia has a forbidden one-click action");
  const before = (await feed()).find((t) => t.userTaskKey === forbidden.userTaskKey);
  const page = await open("mia");
  try {
    // The browser logs every 4xx response as a console error: accept exactly the ones provoked here.
    const provoked = new Set([forbidden.userTaskKey]);
    page.allow((msg) => /status of 403/.test(msg.text()) && [...provoked].some((k) => (msg.location()?.url ?? "").includes(`/v2/user-tasks/${k}`)));
    await showTab(page, "all");
    await setSwitch(page, "show-denied", true);
    const button = `#task-list > li[data-task="${forbidden.userTaskKey}"] button[data-action="${forbidden.action}"][data-allowed="false"]`;
    const answer = page.waitForResponse((r) => r.url().includes(`/v2/user-tasks/${forbidden.userTaskKey}`) && r.request().method() !== "GET");
    await page.click(button);
    const res = await answer;
    assert.equal(res.status(), 403);
    const body = await res.json();
    assert.equal(body.explanation.allowed, false);
    assert.equal(body.explanation.operation, forbidden.action);
    await page.waitForSelector(`#log li[data-status="403"][data-task="${forbidden.userTaskKey}"]`);
    assert.match(await page.textContent(`#log li[data-status="403"]`), new RegExp(`${body.explanation.code}.*${body.explanation.code}.*they agree`));
    assert.deepEqual((await feed()).find((t) => t.userTaskKey === forbidden.userTaskKey), before, "the task is unchanged");

    // A forbidden Update goes through its dialog and is refused too.
    const update = want.forbidden.find((f) => f.action === "update");
    provoked.add(update.userTaskKey);
    await page.click(`#task-list > li[data-task="${update.userTaskKey}"] button[data-action="update"]`);
    await page.waitForSelector("#update-dialog[open]");
    await page.fill("#update-priority", "99");
    const refused = page.waitForResponse((r) => r.url().endsWith(`/v2/user-tasks/${update.userTaskKey}`) && r.request().method() === "PATCH");
    await page.click("#update-ok");
    assert.equal((await refused).status(), 403);
    await page.waitForSelector(`#log li[data-status="403"][data-action="update"]`);
    assert.notEqual((await feed()).find((t) => t.userTaskKey === update.userTaskKey).priority, 99);
    await screenshot(page, "forbidden");
    assertClean(page);
  } finally {
    await page.close();
  }
});

test("an approver's Update and Assign go through their dialogs and change the task", async () => {
  await reset();
  const want = await expected("omar");
  const key = want.visible.find((k) => want.actions[k].includes("update") && want.actions[k].includes("assign"));
  const page = await open("omar");
  try {
    const card = `#task-list > li[data-task="${key}"]`;
    await page.click(`${card} button[data-action="update"]`);
    await page.waitForSelector("#update-dialog[open]");
    await page.fill("#update-priority", "97");
    const updated = page.waitForResponse((r) => r.url().endsWith(`/v2/user-tasks/${key}`) && r.request().method() === "PATCH");
    await page.click("#update-ok");
    assert.equal((await updated).status(), 204);
    await page.waitForSelector(`#log li[data-action="update"][data-status="204"]`);
    assert.equal((await feed()).find((t) => t.userTaskKey === key).priority, 97);

    await page.click(`${card} button[data-action="assign"]`);
    await page.waitForSelector("#assign-dialog[open]");
    await page.selectOption("#assign-user", "lena.fischer");
    const assigned = page.waitForResponse((r) => r.url().endsWith(`/v2/user-tasks/${key}/assignment`));
    await page.click("#assign-ok");
    assert.equal((await assigned).status(), 204);
    await page.waitForSelector(`${card} [data-assignee="lena.fischer"]`);
    assert.equal((await feed()).find((t) => t.userTaskKey === key).assignee, "lena.fischer");
    assertClean(page);
  } finally {
    await page.close();
  }
});

// --- Layout --------------------------------------------------------------------------------------

test("phone width: no horizontal scrolling, everything reachable", async () => {
  await reset();
  const page = await open("lena", { width: 390, height: 844 });
  try {
    await setSwitch(page, "show-hidden", true);
    await setSwitch(page, "show-denied", true);
    const first = await page.getAttribute("#task-list > li.task", "data-task");
    await page.click(`button[data-why="${first}"]`);
    await page.waitForSelector(`[data-why-panel="${first}"]`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal overflow (${overflow}px)`);
    await screenshot(page, "phone-lena");
    assertClean(page);
  } finally {
    await page.close();
  }
});

test("README screenshot", async () => {
  await reset();
  const want = await expected("mia");
  const page = await open("mia", { width: 1360, height: 860 });
  try {
    // Open tasks with hidden tasks and denied actions shown, each saying why.
    await setSwitch(page, "show-hidden", true);
    await setSwitch(page, "show-denied", true);
    await page.waitForSelector('#task-list > li[data-visibility="hidden"] .hidden-reason');
    assert.ok(want.forbidden.length > 0 && want.hidden.length > 0);
    await page.mouse.move(0, 0);
    await screenshot(page, "readme", false);
    assertClean(page);
  } finally {
    await page.close();
  }
});
