// End-to-end test of the demo (www/): the real server on a free port, the real page in Debian's
// Chromium through playwright-core. For every persona the tasks the page shows and the actions it
// offers must equal what the server computes with the package for the same grant set; tampered,
// expired, wrong-audience and unknown-key grant sets must be refused with their codes; claim then
// complete must work; a forced forbidden action must get the server's 403; no console errors.
// Over real HTTP: the server's Host and Origin checks, 400s for bad search requests, the edge-
// filtered feed. In the browser: the fixed layout (toasts, tabs, badges, focus), a server restart
// followed by a reload, a persona switch while the server is down.
// Screenshots go to artifacts/screenshots/ (git-ignored).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, request as httpRequest } from "node:http";
import { connect } from "node:net";
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

/** Starts the demo server on `port` (0: a free one) with more `args`; resolves to `{ proc, base, port, stop }`. */
async function startServer(port = 0, args = []) {
  const proc = spawn(process.execPath, ["www/server.mjs", "--port", String(port), "--quiet", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const deadline = setTimeout(() => reject(new Error(`the demo server printed no URL within 60 s\n${out}${err}`)), 60_000);
    proc.stdout.setEncoding("utf8").on("data", (chunk) => {
      out += chunk;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(deadline);
        resolve(m);
      }
    });
    proc.stderr.setEncoding("utf8").on("data", (chunk) => (err += chunk));
    proc.on("exit", (code) => {
      clearTimeout(deadline);
      reject(new Error(`the demo server exited (${code}) before printing its URL:\n${out}${err}`));
    });
  });
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    await exited;
  };
  return { proc, base: url[0], port: Number(url[1]), stop };
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  base = server.base;
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  config = await api("api/config");
});

after(async () => {
  await browser?.close();
  await server?.stop();
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
async function open(persona, { width = 1280, height = 900, at = base } = {}) {
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
  await page.goto(`${at}#${persona}`);
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

test("the page loads camunda-authz as a browser app gets it: the browser entry's two files, each once (the head preloads them), nothing of the full build", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const loaded = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/pkg/")) loaded.push(path);
  });
  await page.goto(`${base}#mia`);
  await page.waitForSelector('body[data-persona="mia"][data-status="verified"]');
  await context.close();
  // Once each: index.html preloads both, and a preload the page did not reuse would show twice.
  assert.deepEqual(loaded.sort(), ["/pkg/browser/camunda_authz_bg.wasm", "/pkg/browser/index.js"]);
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
  bot(view, tasks) {
    const offered = Object.values(view.visible).flat();
    assert.ok(!offered.includes("complete"), "a client is never a task's assignee, so Tasklist never offers it Complete");
    assert.ok(!offered.includes("assign") && !offered.includes("update"), "the client's candidateUsers grant never matches a client");
    for (const [key, ids] of Object.entries(view.visible)) if (ids.includes("claim")) assert.ok(!tasks.get(key).assignee, `Assign to me only on an unassigned task (${key})`);
  },
  sam(view, tasks) {
    assert.equal(Object.keys(view.visible).length, tasks.size, "authorizations disabled: everything visible");
    for (const t of tasks.values()) {
      if (t.state !== "CREATED") continue;
      const ids = view.visible[t.userTaskKey];
      assert.ok(ids.includes("update") && ids.includes("assign"), `every open task can be changed (${t.userTaskKey})`);
      assert.equal(ids.includes("complete"), t.assignee === "sam.taylor", `Complete only on sam's own tasks (${t.userTaskKey})`);
      assert.equal(ids.includes("claim"), !t.assignee, `Assign to me only on unassigned tasks (${t.userTaskKey})`);
      assert.equal(ids.includes("unassign"), !!t.assignee, `Unassign only on assigned tasks (${t.userTaskKey})`);
    }
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

// --- The server's own defences, over real HTTP ------------------------------------------------

/** One HTTP request with exactly the headers given (Host included when given). */
function raw(method, path, headers = {}, body = undefined) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: server.port, method, path, headers, setHost: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("Host: only 127.0.0.1, localhost and [::1] on the server's port are served (DNS rebinding)", async () => {
  const host = (h) => (h === undefined ? {} : { host: h });
  for (const ok of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`, `LOCALHOST:${server.port}`]) {
    assert.equal((await raw("GET", "/api/config", host(ok))).status, 200, `Host ${ok} is served`);
  }
  for (const bad of ["evil.example", `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, "127.0.0.1", `localhost.evil.example:${server.port}`, ""]) {
    for (const [method, path] of [["GET", "/"], ["GET", "/api/grants?persona=priya"], ["GET", "/.well-known/jwks.json"], ["POST", "/api/reset"]]) {
      const res = await raw(method, path, host(bad));
      assert.equal(res.status, 421, `${method} ${path} with Host ${bad} is refused`);
      assert.match(res.headers["content-type"], /^application\/problem\+json/);
      assert.equal(res.json().code, "ERR_HOST_NOT_ALLOWED");
      assert.doesNotMatch(res.text, /eyJ/, "no grant set in the answer");
    }
  }
  // No Host at all: Node refuses that in HTTP/1.1 (400); HTTP/1.0 allows it, and the guard refuses it.
  assert.equal((await raw("GET", "/api/grants?persona=priya")).status, 400);
  const answer = await new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(server.port, "127.0.0.1", () => socket.end("GET /api/grants?persona=priya HTTP/1.0\r\n\r\n"));
    socket.setEncoding("utf8").on("data", (c) => (text += c)).on("end", () => resolve(text)).on("error", reject);
  });
  assert.match(answer, /^HTTP\/1\.1 421 /);
  assert.doesNotMatch(answer, /eyJ/);
});

test("Origin: a POST, PATCH or DELETE from another origin, or from a browser without Origin, is refused (CSRF)", async () => {
  await reset();
  const own = base.replace(/\/$/, "");
  const host = { host: `127.0.0.1:${server.port}` };
  const tasks = await feed();
  const key = tasks.find((t) => t.state === "CREATED" && !t.assignee).userTaskKey;
  const { token } = await api("api/grants?persona=priya");
  const claim = JSON.stringify({ assignee: "priya.nair", allowOverride: false });
  for (const headers of [
    { origin: "http://evil.example" },
    { origin: "null" },
    { origin: `http://localhost:${server.port}` }, // another origin than the Host this request names
    { "sec-fetch-site": "cross-site" },
    { "user-agent": "Mozilla/5.0 (X11; Linux x86_64)" },
  ]) {
    for (const [method, path, body] of [
      ["POST", "/api/reset", ""],
      ["POST", `/v2/user-tasks/${key}/assignment`, claim],
      ["PATCH", `/v2/user-tasks/${key}`, JSON.stringify({ changeset: { priority: 1 } })],
      ["DELETE", `/v2/user-tasks/${key}/assignee`, ""],
    ]) {
      const res = await raw(method, path, { ...host, ...headers, authorization: `Bearer ${token}`, "content-type": "application/json" }, body);
      assert.equal(res.status, 403, `${method} ${path} with ${JSON.stringify(headers)}`);
      assert.equal(res.json().code, "ERR_CROSS_ORIGIN");
    }
  }
  const untouched = (await feed()).find((t) => t.userTaskKey === key);
  assert.equal(untouched.assignee, null, "no refused request changed the task");
  assert.notEqual(untouched.priority, 1);
  // The server's own origin is accepted, and so is a client that is no browser (documented).
  assert.equal((await raw("POST", `/v2/user-tasks/${key}/assignment`, { ...host, origin: own, authorization: `Bearer ${token}` }, claim)).status, 204);
  assert.equal((await raw("POST", "/api/reset", { ...host, "user-agent": "curl/8.5.0" })).status, 204);
});

test("allowOverride: false is a claim, as Camunda maps it: it never overrides someone else's assignment", async () => {
  await reset();
  const { token } = await api("api/grants?persona=priya"); // an admin: UPDATE everywhere
  const tasks = await feed();
  const held = tasks.find((t) => t.state === "CREATED" && t.assignee && t.assignee !== "priya.nair");
  const free = tasks.find((t) => t.state === "CREATED" && !t.assignee);
  const post = (key, body) =>
    fetch(new URL(`v2/user-tasks/${key}/assignment`, base), { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const claimHeld = await post(held.userTaskKey, { assignee: "priya.nair", allowOverride: false });
  assert.equal(claimHeld.status, 409, "a claim of a task someone else holds is INVALID_STATE");
  assert.equal((await claimHeld.json()).explanation.code, "assigned-to-other");
  const forOther = await post(free.userTaskKey, { assignee: "mia.schneider", allowOverride: false });
  assert.equal(forOther.status, 403, "a claim is for the caller only");
  await forOther.text();
  let now = await feed();
  assert.equal(now.find((t) => t.userTaskKey === held.userTaskKey).assignee, held.assignee, "the held task keeps its assignee");
  assert.equal(now.find((t) => t.userTaskKey === free.userTaskKey).assignee, null, "the free task stays free");
  // Without allowOverride (or with true) it is an assignment, which UPDATE allows.
  assert.equal((await post(held.userTaskKey, { assignee: "priya.nair" })).status, 204);
  now = await feed();
  assert.equal(now.find((t) => t.userTaskKey === held.userTaskKey).assignee, "priya.nair");
});

test("Origin in a real browser: a page on another origin cannot reset the demo's tasks", async () => {
  await reset();
  const { token } = await api("api/grants?persona=priya");
  const key = (await feed())[0].userTaskKey;
  const claimed = await fetch(new URL(`v2/user-tasks/${key}/assignment`, base), { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ assignee: "priya.nair", allowOverride: true }) });
  assert.equal(claimed.status, 204);
  // An attacker's page on another port of the same machine posts to the demo, as a form would.
  const evil = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<form method="POST" action="${base}api/reset"></form><script>fetch("${base}api/reset", { method: "POST", mode: "no-cors" }).finally(() => document.title = "sent")</script>`);
  });
  await new Promise((resolve) => evil.listen(0, "127.0.0.1", resolve));
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const answer = page.waitForResponse((r) => r.url() === `${base}api/reset`);
    await page.goto(`http://127.0.0.1:${evil.address().port}/`);
    assert.equal((await answer).status(), 403, "the demo refused the cross-origin POST");
    await page.waitForFunction(() => document.title === "sent");
    await page.evaluate(() => document.forms[0].submit());
    await page.waitForLoadState();
    assert.match(await page.textContent("body"), /ERR_CROSS_ORIGIN/, "the form post is refused too");
    assert.equal((await feed()).find((t) => t.userTaskKey === key).assignee, "priya.nair", "the tasks were not reset");
  } finally {
    await context.close();
    await new Promise((resolve) => evil.close(resolve));
  }
});

test("a bad sort order, field, page or query parameter is a 400 problem, never a 500", async () => {
  const { token } = await api("api/grants?persona=mia");
  const bodies = [
    { sort: [{ field: "creationDate", order: "sideways" }] },
    { sort: [{ field: "creationDate", order: { toString: 1 } }] },
    { sort: [{ field: "creationDate", order: 1 }] },
    { sort: [{ field: "__proto__" }] },
    { sort: [null] },
    { sort: "creationDate" },
    { page: { limit: -1 } },
    { page: { from: 1.5 } },
    { page: { limit: 100000 } },
    { filter: { nope: "x" } },
    { filter: { assignee: { $eq: 1 } } },
    { filter: [] },
    { extra: true },
  ];
  for (const path of ["/v2/user-tasks/search", "/demo/unfiltered/user-tasks/search"]) {
    for (const body of bodies) {
      const res = await raw("POST", path, { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${token}`, "content-type": "application/json" }, JSON.stringify(body));
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${res.text}`);
      assert.match(res.headers["content-type"], /^application\/problem\+json/);
      assert.equal(res.json().title, "INVALID_ARGUMENT");
    }
  }
  for (const path of ["/api/grants?persona=mia&persona=omar", "/api/grants?persona=mia&admin=1", "/api/grants", "/api/config?x=1", "/api/grants?persona=mia&variant=forged"]) {
    const res = await raw("GET", path, { host: `127.0.0.1:${server.port}` });
    assert.equal(res.status, 400, `${path}: ${res.text}`);
  }
  // Lower-case orders are what Camunda's published schema spells; both cases sort.
  for (const order of ["asc", "DESC"]) {
    const res = await raw("POST", "/v2/user-tasks/search", { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${token}` }, JSON.stringify({ sort: [{ field: "priority", order }] }));
    assert.equal(res.status, 200);
    const prios = res.json().items.map((t) => t.priority);
    assert.deepEqual(prios, [...prios].sort((a, b) => (order === "asc" ? a - b : b - a)));
  }
});

test("the task feed is the search response filtered for the bearer's grant set; the unfiltered feed is a separate demo endpoint", async () => {
  await reset();
  const search = (path, headers = {}) => fetch(new URL(path, base), { method: "POST", headers, body: "{}" });
  assert.equal((await search("v2/user-tasks/search")).status, 401, "no grant set, no tasks");
  const all = await (await search(config.feeds.unfiltered.slice(1))).json();
  for (const persona of ["mia", "lena", "bot"]) {
    const { token } = await api(`api/grants?persona=${persona}`);
    const res = await search("v2/user-tasks/search", { authorization: `Bearer ${token}` });
    assert.equal(res.headers.get("x-demo-feed"), "edge-filtered");
    const body = await res.json();
    assert.deepEqual(body.items.map((t) => t.userTaskKey).sort(), (await expected(persona)).visible.sort(), `${persona}: exactly the visible tasks`);
    assert.equal(body.page.totalItems, all.items.length, "the edge path leaves `page` as it was");
  }
  // The page asks for its feed with the bearer grant set, and for the unfiltered one only when asked to.
  const page = await open("mia");
  try {
    const requests = [];
    page.on("request", (r) => r.method() === "POST" && requests.push({ path: new URL(r.url()).pathname, auth: r.headers().authorization ?? null }));
    await page.selectOption("#persona", "omar");
    await page.waitForSelector('body[data-persona="omar"][data-status="verified"]');
    assert.deepEqual(requests.map((r) => r.path), ["/v2/user-tasks/search"]);
    assert.match(requests[0].auth, /^Bearer ey/);
    await setSwitch(page, "show-hidden", true);
    await page.waitForSelector('#task-list > li[data-visibility="hidden"]');
    assert.ok(requests.some((r) => r.path === config.feeds.unfiltered && r.auth === null));
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
    // The tasks first: the introduction does not push the first task below two thirds of the screen.
    const top = await page.evaluate(() => document.querySelector("#task-list > li.task").getBoundingClientRect().top);
    assert.ok(top < (844 * 2) / 3, `the first task starts at ${Math.round(top)}px of 844`);
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

/** Presses a task's action and waits for the server's answer and the re-render. */
async function press(page, key, action) {
  const answered = page.waitForResponse((r) => r.url().includes(`/v2/user-tasks/${key}`) && r.request().method() !== "GET");
  await page.click(`#task-list > li[data-task="${key}"] button[data-action="${action}"]`);
  const status = (await answered).status();
  await page.waitForSelector(`#log li[data-task="${key}"][data-action="${action}"]`);
  await page.waitForFunction(() => !document.querySelector("#task-list button[disabled]"));
  return status;
}

const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName, task: el?.closest("li[data-task]")?.dataset.task ?? null, action: el?.dataset?.action ?? null, index: [...document.querySelectorAll("#task-list > li")].indexOf(el?.closest("li[data-task]")) };
  });

test("focus stays on the pressed control's card after an action, or moves to the card that took its place", async () => {
  await reset();
  const want = await expected("mia");
  // A task she may assign to herself and then complete (Tasklist offers Complete to the assignee).
  const key = want.visible.find((k) => want.actions[k].includes("claim"));
  assert.ok(key, "mia has a task to claim");
  const page = await open("mia");
  try {
    assert.equal(await press(page, key, "claim"), 204);
    let f = await focused(page);
    assert.equal(f.tag, "BUTTON", "focus is on a button, not lost to the body");
    assert.equal(f.task, key, "on the same card");
    assert.ok(f.action, "an action of that card (Assign to me is gone, its successor has focus)");
    assert.ok((await expected("mia")).actions[key].includes("complete"), "hers now: Complete is offered");
    const index = (await page.locator("#task-list > li").evaluateAll((lis, k) => lis.findIndex((li) => li.dataset.task === k), key));
    assert.equal(await press(page, key, "complete"), 204);
    await page.waitForSelector(`#task-list > li[data-task="${key}"]`, { state: "detached" });
    f = await focused(page);
    assert.equal(f.tag, "BUTTON");
    assert.equal(f.index, index, "the card now at the same place in the list");
    assert.notEqual(f.task, key);
    // Keyboard: Enter on the focused control acts on that card.
    const next = f.task;
    const answered = page.waitForResponse((r) => r.url().includes(`/v2/user-tasks/${next}`));
    await page.keyboard.press("Enter");
    assert.ok((await answered).status() < 500);
    assertClean(page);
  } finally {
    await page.close();
  }
});

test("phone width: toasts stay few and small, clear of the pressed card; the tab labels keep their counts on one line", async () => {
  await reset();
  const want = await expected("priya");
  // Tasks she assigns to herself (Tasklist's "Assign to me"), then completes (offered to the assignee).
  const keys = want.visible.filter((k) => want.actions[k].includes("claim")).slice(0, 5);
  assert.ok(keys.length >= 2, "priya has tasks to take");
  const page = await open("priya", { width: 390, height: 844 });
  try {
    for (const [key, action] of keys.flatMap((k) => [[k, "claim"], [k, "complete"]])) {
      await page.locator(`#task-list > li[data-task="${key}"]`).scrollIntoViewIfNeeded();
      assert.equal(await press(page, key, action), 204);
      const layout = await page.evaluate(() => {
        const rect = (el) => el.getBoundingClientRect();
        const shown = [...document.querySelectorAll("#toasts .toast")].filter((t) => rect(t).height > 0);
        const f = document.activeElement;
        const card = f?.closest("li[data-task]");
        const buttons = card ? [...card.querySelectorAll("button")].map(rect) : [];
        return { inDom: document.querySelectorAll("#toasts .toast").length, shown: shown.map(rect), focused: f && f !== document.body ? rect(f) : null, buttons, vh: innerHeight };
      });
      assert.ok(layout.inDom <= 3, `at most three toasts (${layout.inDom})`);
      assert.equal(layout.shown.length, 1, "one toast shows at phone width");
      const [t] = layout.shown;
      assert.ok(t.height <= 90, `the toast is small (${t.height}px)`);
      assert.ok(layout.focused, "focus is kept");
      const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      for (const b of layout.buttons) assert.ok(!overlaps(t, b), `the toast covers none of the focused card's buttons (${JSON.stringify(b)} vs ${JSON.stringify(t)})`);
    }
    // Two-digit counts now (more completed tasks): still one line per tab.
    const tabs = await page.$$eval(".tab", (els) =>
      els.map((tab) => {
        const count = tab.querySelector(".count").getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(tab);
        return { label: tab.textContent.trim(), lines: new Set([...range.getClientRects()].map((r) => Math.round(r.top + r.height / 2))).size, countTop: count.top, tabTop: tab.getBoundingClientRect().top, tabHeight: tab.getBoundingClientRect().height };
      }),
    );
    for (const t of tabs) assert.ok(t.tabHeight < 40, `tab "${t.label}" is one line high (${t.tabHeight}px)`);
    assert.equal(new Set(tabs.map((t) => Math.round(t.countTop))).size, 1, "every count on the same line");

    await screenshot(page, "phone-390", false);
    assertClean(page);
  } finally {
    await page.close();
  }
});

test("desktop: at most three toasts; the badges line up whatever the number of buttons; the authorizations list is not clipped", async () => {
  await reset();
  const want = await expected("omar");
  const page = await open("omar", { width: 1280, height: 800 });
  try {
    await setSwitch(page, "show-denied", true);
    await showTab(page, "all");
    const rights = await page.$$eval("#task-list > li .prio", (els) => els.map((e) => Math.round(e.getBoundingClientRect().right)));
    const buttons = await page.$$eval("#task-list > li .task-actions", (els) => els.map((e) => e.querySelectorAll("button[data-action]").length));
    assert.ok(new Set(buttons).size > 1, "cards with different numbers of buttons");
    assert.equal(new Set(rights).size, 1, `every priority badge ends at the same x (${[...new Set(rights)]})`);
    const list = await page.$eval("#authorizations", (el) => ({ scroll: el.scrollHeight, client: el.clientHeight, items: el.children.length }));
    assert.ok(list.items > 5);
    assert.ok(list.scroll <= list.client + 1, `every authorization shows (${list.scroll} > ${list.client})`);

    await showTab(page, "open");
    const taken = want.visible.filter((k) => want.actions[k].includes("claim")).slice(0, 3);
    assert.ok(taken.length > 0, "omar has tasks to take");
    for (const key of taken) {
      assert.equal(await press(page, key, "claim"), 204);
      assert.equal(await press(page, key, "complete"), 204);
    }
    assert.ok((await page.locator("#toasts .toast").count()) <= 3, "at most three toasts");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}desktop-1280.png` });
    // Toasts go by themselves.
    await page.waitForFunction(() => document.querySelectorAll("#toasts .toast").length === 0, null, { timeout: 15_000 });
    assertClean(page);
  } finally {
    await page.close();
  }
});

test("a refused grant set shows no countdown", async () => {
  const page = await open("mia");
  try {
    await page.click('button[data-variant="wrong-audience"]');
    await page.waitForSelector('#verify-status[data-code="ERR_GRANTS_AUDIENCE"]');
    assert.equal(await page.locator("#exp-row .exp-left, #exp-left").count(), 0, "no live countdown");
    const color = await page.$eval("#exp-row", (el) => [...el.querySelectorAll("*")].map((e) => getComputedStyle(e).color));
    assert.ok(!color.includes("rgb(23, 114, 69)"), "nothing in the expiry row is green");
    assert.match(await page.textContent("#exp-row"), /refused/);
    assert.doesNotMatch(await page.textContent("#grant-pill"), /expires in/);
    assertClean(page);
  } finally {
    await page.close();
  }
});

test("the page says that any persona can be minted because it is a demo", async () => {
  const page = await open("mia", { width: 390, height: 844 });
  try {
    assert.match(await page.textContent("#demo-note"), /demo.*any.*persona/is);
    assert.ok(await page.isVisible("#demo-note"));
  } finally {
    await page.close();
  }
});

test("each grant says which owner it came from: the user, a group, a role (and how), a mapping rule (and which claim)", async () => {
  const page = await open("priya");
  try {
    const origins = await page.$$eval("#authorizations > li", (lis) => lis.map((li) => ({ type: li.dataset.ownerType, id: li.dataset.ownerId, text: li.querySelector(".auth-origin").textContent })));
    assert.ok(origins.some((o) => o.type === "MAPPING_RULE" && /platform-admins-claim.*claim groups holds platform-admins/.test(o.text)), JSON.stringify(origins));
    assert.ok(origins.some((o) => o.type === "ROLE" && o.id === "admin" && /through group platform-admins.*through mapping rule platform-admins-claim/.test(o.text)));
    assert.match(await page.textContent("#issued-by"), /camunda-authz\/issuer.*stand-in at http:\/\/127\.0\.0\.1:\d+/);
    await page.selectOption("#persona", "omar");
    await page.waitForSelector('body[data-persona="omar"][data-status="verified"]');
    const omar = await page.$$eval("#authorizations > li", (lis) => lis.map((li) => ({ type: li.dataset.ownerType, id: li.dataset.ownerId, text: li.querySelector(".auth-origin").textContent })));
    assert.ok(omar.some((o) => o.type === "USER" && /directly/.test(o.text)));
    assert.ok(omar.some((o) => o.type === "ROLE" && o.id === "task-worker" && /through group procurement/.test(o.text)));
    assert.ok(omar.some((o) => o.type === "ROLE" && o.id === "invoice-approver" && /directly/.test(o.text)));
    for (const o of [...origins, ...omar]) assert.doesNotMatch(o.text, /as the cluster reported|from owner/, `every owner explained: ${o.text}`);
    assertClean(page);
  } finally {
    await page.close();
  }
});

/**
 * Runs `body(page, server)` with a page signed in as `persona` against a demo server of its own
 * (started with `args`). `server.stop()` stops it; `server.restart()` starts a new one on the same
 * port (a new signing key) and resolves to `{ base, kid }`. Everything stops afterwards.
 */
async function withOwnServer(persona, args, body) {
  const own = await startServer(0, args);
  let next;
  const page = await open(persona, { at: own.base }).catch(async (error) => {
    await own.stop();
    throw error;
  });
  try {
    await body(page, {
      stop: () => own.stop(),
      async restart() {
        await own.stop();
        next = await startServer(own.port, args);
        const jwks = await (await fetch(new URL(".well-known/jwks.json", next.base))).json();
        return { base: next.base, kid: jwks.keys[0].kid };
      },
    });
  } finally {
    await page.close();
    await own.stop();
    await next?.stop();
  }
}

test("the grant set is renewed silently before it expires: no flicker, the feed follows", () =>
  // Renewed at 4/5 of a 20-second life: about 16 s in.
  withOwnServer("mia", ["--ttl", "20"], async (page) => {
    // The clock tolerance is a small fraction of the lifetime (at most a tenth), so an expired
    // grant set is not honoured for half its life.
    const config = await page.evaluate(() => fetch("/api/config").then((r) => r.json()));
    assert.ok(config.clockTolerance <= config.ttlSeconds / 10, `tolerance ${config.clockTolerance} s of a ${config.ttlSeconds} s lifetime`);
    const first = await page.inputValue("#token");
    const feeds = [];
    page.on("request", (r) => r.url().endsWith("/v2/user-tasks/search") && feeds.push(r.headers().authorization));
    const seen = new Set();
    const deadline = Date.now() + 30_000;
    let token = first;
    while (token === first && Date.now() < deadline) {
      seen.add(await page.getAttribute("body", "data-status"));
      seen.add(await page.getAttribute("#grant-pill", "class"));
      await page.waitForTimeout(200);
      token = await page.inputValue("#token");
    }
    assert.notEqual(token, first, "a new grant set within 30 s");
    assert.deepEqual([...seen].sort(), ["pill pill-ok", "verified"], "verified all along");
    await page.waitForTimeout(300);
    assert.ok(feeds.includes(`Bearer ${token}`), "the feed was asked again with the new grant set");
    const exp = JSON.parse(Buffer.from(token.split(".")[1], "base64url")).exp;
    assert.ok(exp * 1000 > Date.now() + 10_000, "the new one has most of its life ahead");
    assertClean(page);
  }));

// --- Restarts and outages ----------------------------------------------------------------------

test("the demo survives a server restart (a new key): the next action, then a reload", () =>
  withOwnServer("omar", [], async (page, server) => {
    const before = await page.textContent("#claims");
    const next = await server.restart();
    assert.ok(!before.includes(next.kid));
    // Without a reload: an action carries the old grant set, the new server refuses it (401),
    // the session renews it (new key, JWKS fetched again) and the action goes through.
    const want = await (await fetch(new URL("api/test/expected?persona=omar", next.base))).json();
    const key = want.visible.find((k) => want.actions[k].includes("claim"));
    const statuses = [];
    page.on("response", (r) => r.url().endsWith(`/v2/user-tasks/${key}/assignment`) && statuses.push(r.status()));
    page.allow((msg) => /status of 401/.test(msg.text()));
    await page.click(`#task-list > li[data-task="${key}"] button[data-action="claim"]`);
    await page.waitForSelector(`#log li[data-task="${key}"][data-action="claim"][data-status="204"]`);
    assert.deepEqual(statuses, [401, 204]);
    assert.match(await page.textContent("#claims"), new RegExp(next.kid), "the page holds the new key's grant set");
    await page.reload();
    await page.waitForSelector('body[data-persona="omar"][data-status="verified"]');
    assert.match(await page.textContent("#claims"), new RegExp(next.kid));
    assert.ok((await page.locator("#task-list > li").count()) > 0, "tasks shown");
    assertClean(page);
  }));

test("a persona switch while the server is down keeps the last verified user and says the server is unreachable", () =>
  withOwnServer("omar", [], async (page, server) => {
    page.allow((msg) => /ERR_CONNECTION_REFUSED|Failed to fetch/.test(msg.text()));
    const tasksBefore = await page.locator("#task-list > li").count();
    await server.stop();
    await page.selectOption("#persona", "priya");
    await page.waitForSelector('#banner[data-kind="unreachable"]:not([hidden])');
    assert.match(await page.textContent("#banner"), /unreachable.*Omar Haddad/s);
    assert.equal(await page.getAttribute("body", "data-persona"), "omar");
    assert.equal(await page.inputValue("#persona"), "omar", "the picker shows who the page is signed in as");
    assert.match(await page.textContent("#who"), /Omar Haddad/);
    assert.match(await page.textContent("#claims"), /omar\.haddad/);
    assert.equal(await page.locator("#task-list > li").count(), tasksBefore, "the last verified user's tasks");
    assert.match(await page.textContent("#grant-pill"), /unreachable/);
    await page.screenshot({ path: `${SHOTS}server-down.png` });
    // Back up (a new key): the page recovers by itself, still as Omar.
    const next = await server.restart();
    await page.waitForSelector('#banner[data-kind="unreachable"]', { state: "hidden", timeout: 30_000 });
    await page.waitForSelector('body[data-persona="omar"][data-status="verified"]');
    assert.match(await page.textContent("#claims"), new RegExp(next.kid));
    // Only failed requests to the stopped server are expected.
    page.problems.splice(0, page.problems.length, ...page.problems.filter((p) => !/request failed: .*ERR_CONNECTION_REFUSED/.test(p)));
    assertClean(page);
  }));

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
