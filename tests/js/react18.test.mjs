// camunda-authz/react with React 18 (its peer range is ^18 || ^19; react-example.test.mjs runs
// React 19): server rendering in Node, the React example type-checked against React 18's types,
// and a client render in headless Chromium (createRoot, the browser build) that follows a grant
// session from loading to verified and through a renewal. React 18 comes from tests/js/react18/.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT, describeServerRendering, loadBindings, signFor, useReactFrom } from "./support/react-bindings.mjs";
import { CLAIM_BY_GROUP } from "./support/react-probe.mjs";
import { launchChromium, serveDir } from "./support/runtimes.mjs";

const REACT18 = join(ROOT, "tests", "js", "react18");
useReactFrom(REACT18);
const loaded = await loadBindings();

test("React 18 is what this file runs", () => {
  assert.match(loaded.React.version, /^18\./);
});

describeServerRendering("React 18, react-dom/server", loaded);

test("the example type-checks against the built declarations and React 18's types (tsc --strict, no skipLibCheck)", () => {
  const tsc = join(ROOT, "tests", "js", "node_modules", ".bin", "tsc");
  const r = spawnSync(tsc, ["-p", join(REACT18, "tsconfig.example.json")], { encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, `tsc:\n${r.stdout}${r.stderr}`);
});

// The client: an app bundled by esbuild as a user's would be (the browser build of the package,
// React 18 from tests/js/react18), its .wasm next to the bundle.
const APP = `
import { createElement as h, useState } from "react";
import { createRoot } from "react-dom/client";
import { createGrantSession } from "camunda-authz";
import * as bindings from "camunda-authz/react";
import { ISSUED, TASK, probeOf } from "PROBE";
const { GrantSessionProvider, useGrantSession } = bindings;
const { tokens, jwks } = window.__fixtures;
let issued = 0;
const session = createGrantSession({
  fetchGrants: async () => tokens[Math.min(issued++, tokens.length - 1)],
  fetchJwks: async () => jwks,
  ...ISSUED,
  wake: null,
});
const seen = (window.__seen = []);
const Probe = probeOf(h, bindings);
function Recorder() {
  const { status } = useGrantSession();
  const [, setTick] = useState(0);
  window.__rerender = () => setTick((t) => t + 1); // a render with the same session and task object
  if (seen.length < 1000) seen.push(status); // every render's status, in order (bounded, should it loop)
  return h(Probe);
}
window.__task = TASK;
createRoot(document.getElementById("root")).render(h(GrantSessionProvider, { session }, h(Recorder)));
window.__session = session;
`;

let browser;
after(async () => browser?.close());

test("Chromium, React 18 createRoot: loading, then verified with the granted buttons; a renewal to other grants re-renders them", async () => {
  const dir = join(ROOT, ".cache", "react18-app");
  mkdirSync(dir, { recursive: true });
  // The component is the one the server-rendering tests render (support/react-probe.mjs).
  writeFileSync(join(dir, "main.mjs"), APP.replace('"PROBE"', JSON.stringify(join(ROOT, "tests", "js", "support", "react-probe.mjs"))));
  const esbuild = await import("esbuild");
  const fromReact18 = {
    name: "react-18",
    setup(build) {
      const require18 = createRequire(join(REACT18, "package.json"));
      build.onResolve({ filter: /^react(-dom)?(\/.*)?$/ }, (args) => ({ path: require18.resolve(args.path) }));
      build.onResolve({ filter: /^camunda-authz(\/react)?$/ }, (args) => ({ path: join(ROOT, "pkg", "browser", args.path.endsWith("/react") ? "react.js" : "index.js") }));
    },
  };
  await esbuild.build({ entryPoints: [join(dir, "main.mjs")], bundle: true, format: "esm", platform: "browser", outfile: join(dir, "dist", "app.js"), plugins: [fromReact18], define: { "process.env.NODE_ENV": '"production"' }, logLevel: "silent" });
  copyFileSync(join(ROOT, "pkg", "browser", "camunda_authz_bg.wasm"), join(dir, "dist", "camunda_authz_bg.wasm"));

  const { lib } = loaded;
  const key = lib.generateSigningKey("react18");
  const fixtures = { tokens: [signFor(lib, key, CLAIM_BY_GROUP), signFor(lib, key, [])], jwks: key.jwks };
  writeFileSync(
    join(dir, "dist", "index.html"),
    `<!doctype html><meta charset="utf-8"><div id="root"></div>\n<script>window.__fixtures = ${JSON.stringify(fixtures)};</script>\n<script type="module" src="/app.js"></script>\n`,
  );
  const server = await serveDir(join(dir, "dist"));
  browser ??= await launchChromium();
  const page = await browser.newPage();
  const errors = [];
  const note = (text) => errors.length < 10 && errors.push(text); // bounded, should a render loop log without end
  page.on("pageerror", (e) => note(e.message));
  page.on("console", (m) => m.type() === "error" && !m.location().url.endsWith("/favicon.ico") && note(`${m.text()} (${m.location().url})`));
  try {
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => document.getElementById("state")?.textContent === "verified:ana:-", null, { timeout: 30_000 }).catch((e) => {
      throw new Error(`${e.message}\npage errors: ${errors.join("\n")}`);
    });
    assert.equal(await page.textContent("#actions"), "get,search,getForm,claim");
    assert.deepEqual(await page.$$eval("button", (bs) => bs.map((b) => b.textContent)), ["Assign to me", "Assign to me (Tasklist)"]);
    assert.equal(await page.textContent("#buttons"), "assignToMe");
    assert.equal(await page.textContent("i"), "hidden:not-assignee:screen");
    assert.equal(await page.textContent("em"), "denied:no-grant");
    assert.equal((await page.evaluate(() => window.__seen))[0], "loading", "the first render comes before the grant set is verified");
    // The task changed in place (the same object, someone else now holds it) and a render with
    // the same grant set: every hook decides it again, as <Can> in the same render does.
    await page.evaluate(() => {
      window.__task.assignee = "marek";
      window.__rerender();
    });
    await page.waitForFunction(() => document.getElementById("claim")?.textContent === "false", null, { timeout: 10_000 });
    assert.equal(await page.textContent("#actions"), "get,search,getForm", "useActions follows the task's content");
    assert.equal(await page.textContent("#buttons"), "", "useButtons follows the task's content");
    assert.deepEqual(await page.$$eval("button", (bs) => bs.map((b) => b.textContent)), [], "<Can> agrees");
    await page.evaluate(() => {
      delete window.__task.assignee;
      window.__rerender();
    });
    await page.waitForFunction(() => document.getElementById("claim")?.textContent === "true", null, { timeout: 10_000 });
    assert.equal(await page.textContent("#buttons"), "assignToMe");
    // A renewal that brings a grant set without the claim grant: the buttons follow, and the
    // state never goes back to loading.
    await page.evaluate(() => window.__session.refresh());
    await page.waitForFunction(() => document.getElementById("actions")?.textContent === "", null, { timeout: 30_000 });
    assert.equal(await page.textContent("#state"), "verified:ana:-");
    assert.equal(await page.$$eval("button", (bs) => bs.length), 0);
    const seen = await page.evaluate(() => window.__seen);
    assert.deepEqual(seen.slice(seen.indexOf("verified")).filter((s) => s !== "verified"), [], `no render left "verified" after the first: ${seen.join(", ")}`);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
    await server.close();
  }
});
