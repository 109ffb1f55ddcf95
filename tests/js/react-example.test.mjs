// camunda-authz/react, first under server rendering in Node (react-dom/server), then the React
// example (examples/react/) built with Vite and served by its own issuer, in headless Chromium:
// the buttons per persona, a claim, renewals without flicker, the issuer rotating its key
// mid-session, the fail-closed state when the issuer is down past expiry, and recovery.
// Screenshots at laptop (1280x800) and phone (390x844) width go to artifacts/screenshots/.

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

// --- The example in Chromium ----------------------------------------------------------------

const TTL = 12; // seconds: renewal every 9.6 s (a fifth of the lifetime before exp)
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

const EXPECTED = {
  ana: { "Approve invoice 4711": ["Assign to me"], "Check credit limit": ["Unassign", "Complete task"] },
  marco: { "Approve invoice 4711": ["Assign to me"], "Review supplier contract": ["Assign to me"], "Book payment 4708": ["Unassign"] },
  vera: { "Approve invoice 4711": [], "Check credit limit": [], "Review supplier contract": [], "Book payment 4708": [] },
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

  /** For each task in the list: its name and the action buttons its detail shows. */
  async function buttonsPerTask(page) {
    const out = {};
    for (const item of await page.locator(".list li button").all()) {
      const name = await item.locator(".name").innerText();
      await item.click();
      await page.waitForFunction((n) => document.querySelector("#detail-title")?.textContent === n, name);
      out[name] = await page.locator("[data-testid=actions] button").allInnerTexts();
    }
    return out;
  }

  test("each persona sees its tasks with the buttons its grant set allows", async () => {
    for (const [persona, expected] of Object.entries(EXPECTED)) {
      const { page, context } = await open(persona);
      assert.equal(await page.locator("[data-testid=session]").getAttribute("data-status"), "verified");
      await page.waitForFunction((n) => document.querySelectorAll(".list li").length === n, Object.keys(expected).length);
      assert.deepEqual(await buttonsPerTask(page), expected, persona);
      if (persona === "ana") {
        await page.screenshot({ path: join(SHOTS, "react-example-laptop.png") });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: join(SHOTS, "react-example-phone.png"), fullPage: true });
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

  test("the server enforces what the page hides: Vera's claim is refused with the reason", async () => {
    const res = await fetch(new URL("v2/user-tasks/2251799813685301/assignment", server.url), {
      method: "POST",
      headers: { cookie: "persona=vera", "content-type": "application/json" },
      body: JSON.stringify({ assignee: "vera" }),
    });
    assert.equal(res.status, 403);
    assert.match((await res.json()).detail, /no authorization of the principal grants/);
  });

  test("no uncaught errors in the page", () => {
    assert.deepEqual(pageErrors, []);
  });
});
