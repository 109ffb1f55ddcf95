// A real browser: headless Chromium (playwright-core, /usr/bin/chromium) loads pages from a tiny
// local server that sends every file gzip -9, each run in a fresh browser context (empty cache),
// and reports `performance.now()` (milliseconds since the page's navigation started) at the first
// verified decision. Pages, interleaved run by run:
//   control    imports one trivial module (the floor: a page and one module request)
//   package    imports the browser entry, `await init()`, verifyGrants, new Authorizer, can()
//   preloaded  the same, with the advice of docs/loading.md: <link rel=modulepreload> for the
//              entry's modules and <link rel=preload as=fetch> for the .wasm in the <head>
//   node bench/browser.mjs [runs] [pkgDir]   (default: 15 runs of pkg/ as built; prints the medians)
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";
import { browserFiles } from "./browser-files.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const MIME = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
export const PAGES = ["control", "package", "preloaded"];

function page(kind, files, input) {
  const entry = `/pkg/${files[0]}`;
  const head =
    kind === "preloaded"
      ? files.map((f) => (f.endsWith(".wasm") ? `<link rel="preload" href="/pkg/${f}" as="fetch" type="application/wasm" crossorigin>` : `<link rel="modulepreload" href="/pkg/${f}">`)).join("\n")
      : "";
  const body =
    kind === "control"
      ? `import { answer } from "/trivial.js";\nwindow.__done = { t: performance.now(), allowed: answer() };`
      : `import init, { verifyGrants, Authorizer } from ${JSON.stringify(entry)};
const imported = performance.now();
const { token, jwks, now, issuer, audience, task } = JSON.parse(document.getElementById("input").textContent);
await init();
const ready = performance.now();
const grants = verifyGrants(token, jwks, { now, issuer, audience });
const verified = performance.now();
const allowed = new Authorizer(grants).can("search", task);
const t = performance.now();
window.__done = { t, allowed, phases: { imported, init: ready - imported, verify: verified - ready, decide: t - verified } };`;
  return pageHtml(kind, head, body, input);
}

/** A page: `head`, the input as JSON in `#input`, and `body` as its module script. */
export function pageHtml(title, head, body, input) {
  return `<!doctype html><meta charset="utf-8"><title>${title}</title>\n${head}\n<script type="application/json" id="input">${JSON.stringify(input).replace(/</g, "\\u003c")}</script>\n<script type="module">\n${body}\n</script>\n`;
}

/** Serves the pages and pkg/ gzip -9 on 127.0.0.1 (an ephemeral port); counts requests by path. */
export function serve(pkgDir, pages) {
  const gz = new Map();
  const counts = new Map();
  const body = (p) => {
    if (!gz.has(p)) {
      let raw = null;
      if (p === "/trivial.js") raw = Buffer.from("export const answer = () => true;\n");
      else if (pages.has(p)) raw = Buffer.from(pages.get(p));
      else if (p.startsWith("/pkg/") && !p.includes("..")) {
        try {
          raw = readFileSync(path.join(pkgDir, p.slice(5)));
        } catch {
          raw = null;
        }
      }
      gz.set(p, raw && zlib.gzipSync(raw, { level: 9 }));
    }
    return gz.get(p);
  };
  const server = createServer((req, res) => {
    const p = new URL(req.url, "http://x").pathname;
    counts.set(p, (counts.get(p) ?? 0) + 1);
    const data = body(p);
    if (!data) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": MIME[path.extname(p)] ?? "application/octet-stream", "content-encoding": "gzip", "cache-control": "no-cache" });
    res.end(data);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}`, counts, close: () => new Promise((r) => server.close(r)) })),
  );
}

/** Headless Chromium with a fresh user data directory; runs use `browser.newContext()` (empty cache). */
export async function launch(extraArgs = []) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), "camunda-authz-bench-chromium-"));
  const { chromium } = await import(pathToFileURL(path.join(ROOT, "tests/js/node_modules/playwright-core/index.mjs")).href);
  const context0 = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", ...extraArgs],
  });
  return { context0, browser: context0.browser(), userDataDir };
}

/** The median of `xs` (numbers). */
export function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Each numeric field's median over `values` (objects with the same fields). */
export function medians(values) {
  return Object.fromEntries(
    Object.keys(values[0])
      .filter((f) => typeof values[0][f] === "number")
      .map((f) => [f, median(values.map((v) => v[f]))]),
  );
}

/**
 * Loads each page of `kinds` (`/KIND.html` from `pages`, and `pkgDir` under `/pkg/`) `runs` times,
 * each load in a fresh context (an empty cache, as on a first visit), the kinds interleaved in
 * alternating order after one warm-up round; returns each kind's `window.__done` values, which
 * must say `allowed: true`. With `counted` (a path), each value gets `fetches`: how often that
 * path was requested during its load.
 */
export async function loadPages({ pkgDir, pages, kinds, runs, extraArgs = [], counted }) {
  const server = await serve(pkgDir, pages);
  const { context0, browser, userDataDir } = await launch(extraArgs);
  const samples = Object.fromEntries(kinds.map((k) => [k, []]));
  try {
    for (let i = 0; i < runs + 1; i++) {
      for (const kind of i % 2 ? [...kinds].reverse() : kinds) {
        // A fresh context: an empty cache, as on a first visit. (The persistent context above only
        // keeps the user data directory fresh; runs use new incognito-like contexts.)
        const context = browser ? await browser.newContext() : context0;
        const tab = await context.newPage();
        const before = server.counts.get(counted) ?? 0;
        await tab.goto(`${server.url}/${kind}.html`);
        const done = await tab.waitForFunction(() => window.__done, null, { timeout: 30_000 }).then((h) => h.jsonValue());
        if (done.allowed !== true) throw new Error(`browser bench: ${kind} decided ${done.allowed}, expected true`);
        if (counted !== undefined) done.fetches = (server.counts.get(counted) ?? 0) - before;
        await tab.close();
        if (browser) await context.close();
        if (i > 0) samples[kind].push(done); // the first round warms the server and the browser
      }
    }
  } finally {
    await context0.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return samples;
}

/**
 * The page input for the command line: a grant set of the workload signed with a fresh key, its
 * JWKS, and a task it allows to search. Needs the full build (signing) in `pkgDir`.
 */
export async function benchInput(pkgDir) {
  const lib = await import(pathToFileURL(path.join(pkgDir, "node.mjs")).href);
  const W = await import("./workload.mjs");
  const key = lib.generateSigningKey("bench-browser");
  const token = lib.signGrants(W.grantPayload(), key.privateJwk, { now: W.IAT });
  const { PlainAuthorizer } = await import("./impl-plain.mjs");
  const plain = new PlainAuthorizer(W.grantPayload());
  const task = W.generateTasks(2000).find((t) => plain.can("search", t));
  return { token, jwks: key.jwks, now: W.NOW, issuer: W.ISSUER, audience: W.AUDIENCE, task };
}

/**
 * Medians (ms) from page start to the first verified decision, per page kind, over `runs`
 * fresh contexts each. `input` is `{ token, jwks, now, issuer, audience, task }` with a task the
 * grant set allows to search. Also: how often the .wasm was fetched per preloaded page (1 when the
 * preload is reused).
 */
export async function browserStart({ pkgDir = path.join(ROOT, "pkg"), input, runs = 15 }) {
  const files = browserFiles(pkgDir);
  const pages = new Map(PAGES.map((k) => [`/${k}.html`, page(k, files, input)]));
  const counted = `/pkg/${files.find((f) => f.endsWith(".wasm"))}`;
  const samples = await loadPages({ pkgDir, pages, kinds: PAGES, runs, counted });
  // Where the time goes (medians of each phase): the modules imported, `await init()` (fetch,
  // compile, instantiate), the first verifyGrants, new Authorizer + can.
  const split = Object.fromEntries(PAGES.filter((k) => samples[k][0].phases).map((k) => [k, medians(samples[k].map((s) => s.phases))]));
  const wasmFetches = Math.max(0, ...samples.preloaded.map((s) => s.fetches));
  return { ...Object.fromEntries(PAGES.map((k) => [k, median(samples[k].map((s) => s.t))])), phases: split, wasmFetches, runs, files };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pkgDir = path.resolve(process.argv[3] ?? path.join(ROOT, "pkg"));
  const runs = Number(process.argv[2] ?? 15);
  console.log(JSON.stringify(await browserStart({ input: await benchInput(pkgDir), runs, pkgDir })));
}
