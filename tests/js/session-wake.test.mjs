// The grant session's wake-up in a real browser: headless Chromium fires a real `visibilitychange`
// when its tab goes to the background and comes back, and a real `online` when its network
// returns. The session's retry backoff is set to at least 300 s, so a renewal within a second of
// the event can only come from the wake-up listener. The page loads the package's browser entry.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startChromium } from "./support/cdp.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { generateSigningKey, signGrants } = await import(pathToFileURL(join(ROOT, "pkg", "node.mjs")).href);

const ISSUER = "https://tasklist.example.com";
const AUDIENCE = "tasklist";
/** Seconds a grant set lives: the session renews it 0.8 s before it expires. */
const TTL = 4;
const key = generateSigningKey("wake");
const PAYLOAD = {
  ver: 1, camundaVersion: "8.9", sub: "demo", authorizationsEnabled: true, multiTenancyEnabled: false,
  principal: { type: "USER", id: "demo", groups: ["sales"] },
  authorizations: [{ ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM"] }],
};

const PAGE = `<!doctype html><meta charset="utf-8"><title>wake</title>
<script type="module">
  import { createGrantSession } from "/pkg/browser/index.js";
  const session = createGrantSession({
    grantsUrl: "/grants", jwksUrl: "/jwks", issuer: ${JSON.stringify(ISSUER)}, audience: ${JSON.stringify(AUDIENCE)},
    retry: { initialDelay: 600, maxDelay: 600 },   // a failed renewal waits at least 300 s
  });
  window.session = session;
  window.statuses = [];
  session.subscribe((s) => window.statuses.push(s.status + (s.lastError ? ":" + s.lastError.code : "")));
</script>`;

const server = { grants: 0, down: false };
let http;
let base;
let browser;

before(async () => {
  http = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/") return res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    if (path === "/grants") {
      server.grants += 1;
      if (server.down) return res.writeHead(503).end();
      return res.writeHead(200, { "content-type": "application/jwt" }).end(signGrants(PAYLOAD, key.privateJwk, { ttl: TTL, issuer: ISSUER, audience: AUDIENCE }));
    }
    if (path === "/jwks") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(key.jwks));
    const file = path.match(/^\/pkg\/browser\/(index\.js|camunda_authz_bg\.wasm)$/)?.[1];
    if (file) return res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "application/wasm" }).end(readFileSync(join(ROOT, "pkg", "browser", file)));
    res.writeHead(404).end();
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${http.address().port}/`;
  browser = await startChromium();
});

after(async () => {
  await browser?.close();
  http?.close();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const status = () => browser.evaluate("window.session.state.status");

/** Polls `condition` (an expression in the page) until it holds, at most `ms`. */
async function waitFor(condition, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await browser.evaluate(condition)) return;
    await sleep(50);
  }
  assert.fail(`${what}: not within ${ms} ms (statuses ${JSON.stringify(await browser.evaluate("window.statuses"))})`);
}

/** Loads the page fresh, waits for its first grant set, then lets the renewal fail and the grant set expire. */
async function expiredWhileUnreachable(makeUnreachable) {
  await browser.goto(base);
  await waitFor("window.session?.state.status === 'verified'", 10_000, "the first grant set");
  await makeUnreachable();
  await waitFor("window.statuses.some((s) => s.includes(':ERR_GRANTS_UNAVAILABLE'))", 10_000, "the failed renewal");
  await waitFor("window.session.state.status === 'error'", 10_000, "expiry");
  assert.equal(await browser.evaluate("window.session.state.code"), "ERR_GRANTS_EXPIRED");
}

test("visibilitychange: a tab that comes back to the front renews at once, not after the backoff", async () => {
  await expiredWhileUnreachable(() => {
    server.down = true;
  });
  server.down = false;
  const fetched = server.grants;
  await sleep(1000);
  assert.equal(server.grants, fetched, "nothing renews on its own: the next retry is minutes away");

  const other = await browser.newTab();
  await waitFor("document.visibilityState === 'hidden'", 5_000, "the page going to the background");
  await sleep(300);
  assert.equal(server.grants, fetched, "a page going hidden does not renew");

  await browser.activateFirst();
  await waitFor("document.visibilityState === 'visible'", 5_000, "the page coming back");
  await waitFor("window.session.state.status === 'verified'", 2_000, "the renewal on wake-up");
  assert.equal(server.grants, fetched + 1, "one renewal, from the listener");
  await browser.closeTab(other);
});

test("online: the network coming back renews at once, not after the backoff", async () => {
  await expiredWhileUnreachable(() => browser.setOffline(true));
  const fetched = server.grants;
  await sleep(1000);
  assert.equal(server.grants, fetched, "nothing renews on its own while offline: the next retry is minutes away");
  assert.equal(await status(), "error");

  await browser.setOffline(false);
  await waitFor("window.session.state.status === 'verified'", 2_000, "the renewal when the network returns");
  assert.equal(server.grants, fetched + 1, "one renewal, from the listener");
});

test("no errors in the page", () => {
  assert.deepEqual(browser.pageErrors, []);
});
