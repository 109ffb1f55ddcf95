// The npm package exactly as a user installs it, in every JavaScript runtime it promises.
//
// `npm pack` turns pkg/ (from `./x build`) into a tarball, which is installed (offline: it has no
// dependencies) into a scratch project under .cache/runtimes/, cached by the tarball's hash
// (tests/js/support/package.mjs).
// Every runtime then imports `camunda-authz` by its bare name, so the package's own `exports`
// conditions choose the entry, and runs the same conformance suite (tests/js/conformance.mjs,
// copied unchanged) through tests/js/runtimes/harness.mjs:
//   Node 20 ESM and CommonJS, Deno (no permission flags), workerd (a Worker bundled as Wrangler
//   does, answering HTTP requests), Vercel's edge-runtime (bundled as Next.js does), headless
//   Chromium (a plain <script type="module"> page, a Vite build, an esbuild bundle),
//   then `tsc --strict` on consumer files and publint on the tarball.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, copyFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync, brotliCompressSync, constants as zlib } from "node:zlib";
import { conformance, runAll } from "./conformance.mjs";
import { loadCorpus } from "./corpus.mjs";
import { CACHE, installPackage } from "./support/package.mjs";
import { run, runOk } from "./support/run.mjs";
import { BIN, bundleWorker, denoEnv, inputsOf, launchChromium, serveDir, startEdge, startWorkerd, workerdConfig, workerdModules } from "./support/runtimes.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, "runtimes");
const corpus = loadCorpus();
const EXPECTED_CHECKS = conformance({}, corpus).length;

// The files a user gets, and nothing else: the full build's .wasm and the browser build's.
const PACKED_FILES = [
  "LICENSE",
  "README.md",
  "browser.d.ts",
  "browser/camunda_authz_bg.wasm",
  "browser/index.js",
  "browser/react.js",
  "core/arguments.d.ts",
  "core/arguments.js",
  "core/authorizer.d.ts",
  "core/authorizer.js",
  "core/errors.d.ts",
  "core/errors.js",
  "core/grants.d.ts",
  "core/grants.js",
  "core/index.d.ts",
  "core/index.js",
  "core/module.d.ts",
  "core/module.js",
  "core/task-reader.d.ts",
  "core/task-reader.js",
  "core/task-worker-role.d.ts",
  "core/task-worker-role.js",
  "core/types.d.ts",
  "core/types.js",
  "core/wasm-inputs.d.ts",
  "core/wasm-inputs.js",
  "deno.js",
  "edge-light.js",
  "edge/index.d.ts",
  "edge/index.js",
  "edge/keys.d.ts",
  "edge/keys.js",
  "edge/options.d.ts",
  "edge/options.js",
  "edge/pages.d.ts",
  "edge/pages.js",
  "edge/problem.d.ts",
  "edge/problem.js",
  "edge/types.d.ts",
  "edge/types.js",
  "edge/upstream.d.ts",
  "edge/upstream.js",
  "http/answer.d.ts",
  "http/answer.js",
  "http/base64url.d.ts",
  "http/base64url.js",
  "http/body.d.ts",
  "http/body.js",
  "http/problem.d.ts",
  "http/problem.js",
  "index.d.cts",
  "index.d.ts",
  "index.js",
  "issuer/audit-command.d.ts",
  "issuer/audit-command.js",
  "issuer/audit-reads.d.ts",
  "issuer/audit-reads.js",
  "issuer/audit-text.d.ts",
  "issuer/audit-text.js",
  "issuer/audit.d.ts",
  "issuer/audit.js",
  "issuer/auth.d.ts",
  "issuer/auth.js",
  "issuer/authorizations.d.ts",
  "issuer/authorizations.js",
  "issuer/bin-args.d.ts",
  "issuer/bin-args.js",
  "issuer/bin-files.d.ts",
  "issuer/bin-files.js",
  "issuer/bin-keygen.d.ts",
  "issuer/bin-keygen.js",
  "issuer/bin-serve.d.ts",
  "issuer/bin-serve.js",
  "issuer/bin.d.ts",
  "issuer/bin.js",
  "issuer/breaker.d.ts",
  "issuer/breaker.js",
  "issuer/browser.d.ts",
  "issuer/browser.js",
  "issuer/cache.d.ts",
  "issuer/cache.js",
  "issuer/claims.d.ts",
  "issuer/claims.js",
  "issuer/client.d.ts",
  "issuer/client.js",
  "issuer/config.d.ts",
  "issuer/config.js",
  "issuer/context.d.ts",
  "issuer/context.js",
  "issuer/deno.d.ts",
  "issuer/deno.js",
  "issuer/directory.d.ts",
  "issuer/directory.js",
  "issuer/edge-light.d.ts",
  "issuer/edge-light.js",
  "issuer/entry.d.ts",
  "issuer/entry.js",
  "issuer/errors.d.ts",
  "issuer/errors.js",
  "issuer/events.d.ts",
  "issuer/events.js",
  "issuer/fetch.d.ts",
  "issuer/fetch.js",
  "issuer/handler.d.ts",
  "issuer/handler.js",
  "issuer/index.d.ts",
  "issuer/index.js",
  "issuer/issuer.d.ts",
  "issuer/issuer.js",
  "issuer/jsonpath.d.ts",
  "issuer/jsonpath.js",
  "issuer/keys.d.ts",
  "issuer/keys.js",
  "issuer/memberships.d.ts",
  "issuer/memberships.js",
  "issuer/metrics.d.ts",
  "issuer/metrics.js",
  "issuer/node-fetch.d.ts",
  "issuer/node-fetch.js",
  "issuer/node-http.d.ts",
  "issuer/node-http.js",
  "issuer/node-sign.d.ts",
  "issuer/node-sign.js",
  "issuer/node.d.ts",
  "issuer/node.js",
  "issuer/options.d.ts",
  "issuer/options.js",
  "issuer/own.d.ts",
  "issuer/own.js",
  "issuer/owners.d.ts",
  "issuer/owners.js",
  "issuer/readiness.d.ts",
  "issuer/readiness.js",
  "issuer/shapes.d.ts",
  "issuer/shapes.js",
  "issuer/signer.d.ts",
  "issuer/signer.js",
  "issuer/tokens.d.ts",
  "issuer/tokens.js",
  "issuer/usernames.d.ts",
  "issuer/usernames.js",
  "issuer/workerd.d.ts",
  "issuer/workerd.js",
  "node-wasm.d.ts",
  "node-wasm.js",
  "node.cjs",
  "node.mjs",
  "package.json",
  "react.d.ts",
  "react.js",
  "session/backoff.d.ts",
  "session/backoff.js",
  "session/denied.d.ts",
  "session/denied.js",
  "session/drift.d.ts",
  "session/drift.js",
  "session/errors.d.ts",
  "session/errors.js",
  "session/events.d.ts",
  "session/events.js",
  "session/fetch.d.ts",
  "session/fetch.js",
  "session/index.d.ts",
  "session/index.js",
  "session/keys.d.ts",
  "session/keys.js",
  "session/options.d.ts",
  "session/options.js",
  "session/session.d.ts",
  "session/session.js",
  "session/timers.d.ts",
  "session/timers.js",
  "session/types.d.ts",
  "session/types.js",
  "session/wake.d.ts",
  "session/wake.js",
  "session/wrap-fetch.d.ts",
  "session/wrap-fetch.js",
  "wasm/camunda_authz.js",
  "wasm/camunda_authz_bg.wasm",
  "workerd.js",
];
// What a page without a bundler downloads: the browser entry (one module: the wrapper, the grant
// session and the glue) and the module it loads.
const BROWSER_FILES = ["browser/index.js", "browser/camunda_authz_bg.wasm"];
// What those two files may weigh together, gzip -9 (docs/size.md): a change that makes the browser
// download larger than this fails here, not only in the benchmark's figures.
const BROWSER_GZIP_BOUND = 68 * 1024;

// --- helpers --------------------------------------------------------------------------------

function walk(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split(sep).join("/")],
  );
}

/** The harness report of one runtime must show the whole suite passing. */
function judge(report, { loadedOnImport }) {
  assert.ok(report && typeof report === "object", `no report: ${JSON.stringify(report)}`);
  assert.equal(report.error, undefined, `the runtime threw: ${report.error}`);
  assert.deepEqual(report.problems, [], "package shape and start-up");
  assert.deepEqual(report.failures, [], "conformance failures");
  assert.equal(report.passed, EXPECTED_CHECKS, "every conformance check ran and passed");
  assert.equal(report.loadedOnImport, loadedOnImport, loadedOnImport ? "the module must load on import (no init needed)" : "the module must wait for init()");
}

function lastJsonLine(text, what) {
  const line = text.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${what} printed no report:\n${text}`);
  }
}

// --- the scratch project ----------------------------------------------------------------------

let scratchPromise;
/** Packs pkg/, installs the tarball (cached by its hash) and lays out this run's scratch project. */
function scratch() {
  scratchPromise ??= prepare();
  return scratchPromise;
}

async function prepare() {
  const installation = await installPackage("run");
  const { runDir } = installation;
  // This run's project: the installed tree plus the fixtures, the suite and the corpus.
  cpSync(FIXTURES, runDir, { recursive: true });
  cpSync(join(HERE, "types"), join(runDir, "types"), { recursive: true });
  const shared = { "conformance.mjs": readFileSync(join(HERE, "conformance.mjs")), "corpus.js": `export default ${JSON.stringify(corpus)};\n` };
  for (const dir of [runDir, join(runDir, "app")]) {
    for (const [name, text] of Object.entries(shared)) writeFileSync(join(dir, name), text);
    if (dir !== runDir) for (const name of ["harness.mjs", "signing.mjs"]) copyFileSync(join(runDir, name), join(dir, name));
  }
  // The full build's signing answers, replayed in Chromium to the browser build (signing.mjs).
  const full = await import(pathToFileURL(join(runDir, "node_modules", "camunda-authz", "node.mjs")).href);
  const { recording } = await import(pathToFileURL(join(runDir, "signing.mjs")).href);
  const recorder = recording(full);
  runAll({ ...full, ...recorder.functions }, corpus);
  for (const dir of [runDir, join(runDir, "app")]) writeFileSync(join(dir, "signing.js"), `export default ${JSON.stringify(recorder.log)};\n`);
  return installation;
}

// --- grant sets for the Worker and Edge endpoints ---------------------------------------------

let endpointPromise;
/** A signing key (made with jose, independently of the package), a token and the expected lists. */
function endpointCase() {
  endpointPromise ??= (async () => {
    const jose = await import("jose");
    const { publicKey, privateKey } = await jose.generateKeyPair("Ed25519", { extractable: true });
    const jwks = { keys: [{ ...(await jose.exportJWK(publicKey)), kid: "edge-1", alg: "EdDSA", use: "sig" }] };
    // A corpus suite whose tasks are partly visible and partly claimable.
    const suite = Object.values(corpus)
      .flatMap((doc) => doc.suites)
      .find((s) => {
        const valid = (s.cases ?? []).filter((c) => !c.expectError);
        const some = (op, v) => valid.some((c) => c.expect[op] === v);
        return some("search", true) && some("search", false) && some("claim", true) && valid.some((c) => c.expect.search && !c.expect.claim);
      });
    assert.ok(suite, "the corpus has a suite with mixed decisions");
    const valid = suite.cases.filter((c) => !c.expectError);
    const now = Math.floor(Date.now() / 1000);
    const { nbf, ...grants } = suite.grants;
    const payload = { ...grants, iss: "https://tasklist.example.com", aud: "tasklist", iat: now, exp: now + 600 };
    const token = await new jose.SignJWT(payload).setProtectedHeader({ alg: "EdDSA", typ: "camunda-grants+jwt", kid: "edge-1" }).sign(privateKey);
    return {
      jwksText: JSON.stringify(jwks),
      token,
      tasks: valid.map((c) => c.task),
      expected: { search: valid.filter((c) => c.expect.search).map((c) => c.task), claim: valid.filter((c) => c.expect.claim).map((c) => c.task) },
    };
  })();
  return endpointPromise;
}

/** The endpoint answers with the filtered task list, and refuses bad grant sets with their code. */
async function checkEndpoint(fetchFn) {
  const c = await endpointCase();
  const post = async (path, token) => {
    const res = await fetchFn(path, { method: "POST", headers: { "content-type": "application/json", "x-camunda-grants": token }, body: JSON.stringify(c.tasks) });
    return { status: res.status, body: await res.json() };
  };
  assert.deepEqual(await post("/tasks", c.token), { status: 200, body: c.expected.search }, "POST /tasks: the visible tasks");
  assert.deepEqual(await post("/tasks?operation=claim", c.token), { status: 200, body: c.expected.claim }, "POST /tasks?operation=claim: the claimable tasks");
  const page = { totalItems: 1234, startCursor: "a", endCursor: "b" };
  const search = await fetchFn("/search?operation=claim", { method: "POST", headers: { "x-camunda-grants": c.token }, body: JSON.stringify({ items: c.tasks, page }) });
  assert.deepEqual({ status: search.status, body: await search.json() }, { status: 200, body: { items: c.expected.claim, page } }, "POST /search: the response with the claimable items, the rest unchanged");
  const parts = c.token.split(".");
  const forged = [parts[0], parts[1], (parts[2][0] === "A" ? "B" : "A") + parts[2].slice(1)].join(".");
  const refused = await post("/tasks", forged);
  assert.equal(refused.status, 401, "a forged grant set is refused");
  assert.equal(refused.body.code, "ERR_GRANTS_SIGNATURE");
  const unknown = await post("/tasks?operation=teleport", c.token);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.code, "ERR_OPERATION_UNKNOWN");
}

// --- browsers -------------------------------------------------------------------------------

let browserPromise;
function chromium() {
  browserPromise ??= launchChromium();
  return browserPromise;
}
after(async () => {
  if (browserPromise) await (await browserPromise).close();
});

/**
 * Opens `url`, waits for `window.__result` and returns it; page errors and failed loads fail the
 * test. `requests`, when given, collects the path of every request the page makes.
 */
async function resultOf(url, { expectMissing = [], block, requests } = {}) {
  const browser = await chromium();
  const page = await browser.newPage();
  if (block) await page.route(`**${block}`, (route) => route.abort());
  if (requests) page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  const trouble = [];
  const expected = (u) => new URL(u).pathname === "/favicon.ico" || expectMissing.includes(new URL(u).pathname);
  page.on("pageerror", (e) => trouble.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && !expected(m.location().url || url) && trouble.push(`console: ${m.text()} (${m.location().url})`));
  page.on("requestfailed", (r) => !expected(r.url()) && trouble.push(`request failed: ${r.url()}`));
  page.on("response", (r) => r.status() >= 400 && !expected(r.url()) && trouble.push(`HTTP ${r.status()}: ${r.url()}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60_000 });
    const result = await page.evaluate(() => window.__result);
    assert.deepEqual(trouble, [], `${url}: the page had trouble`);
    return result;
  } finally {
    await page.close();
  }
}

// --- the tests ------------------------------------------------------------------------------

test("package: npm pack holds the entries, the two builds' .wasm, and an exports map for every runtime", async (t) => {
  const { info, tarball, installed } = await scratch();
  assert.deepEqual(info.files.map((f) => f.path).sort(), PACKED_FILES, "packed files");
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  // Only the entries that load the module on import have side effects (tests/js/edge-bundlers.test.mjs
  // bundles them): every other module may be dropped by a bundler when nothing of it is used.
  assert.deepEqual(pkg.sideEffects, ["./workerd.js", "./edge-light.js", "./deno.js", "./node.mjs", "./node.cjs", "./issuer/deno.js"]);
  for (const file of pkg.sideEffects) assert.ok(existsSync(join(installed, file)), `sideEffects names ${file}, a file of the package`);
  assert.equal(pkg.type, "module");
  const root = pkg.exports["."];
  assert.equal(Object.keys(root)[0], "types", "`types` comes first");
  for (const condition of ["workerd", "edge-light", "deno", "node", "browser", "worker", "default"]) assert.ok(condition in root, `exports["."] has "${condition}"`);
  assert.deepEqual(Object.keys(root.node), ["import", "require"]);
  const targets = [];
  const collect = (value) => (typeof value === "string" ? targets.push(value) : Object.values(value).forEach(collect));
  collect(pkg.exports);
  for (const file of targets) assert.ok(existsSync(join(installed, file)), `exports target ${file} is in the package`);

  const gz = (file) => gzipSync(readFileSync(join(installed, file)), { level: 9 }).length;
  const br = (file) => brotliCompressSync(readFileSync(join(installed, file)), { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const sum = (f) => BROWSER_FILES.reduce((n, file) => n + f(file), 0);
  const raw = sum((file) => statSync(join(installed, file)).size);
  t.diagnostic(`tarball ${tarball.length} bytes (unpacked ${info.unpackedSize}); a browser downloads ${raw} bytes: ${sum(gz)} gzip, ${sum(br)} brotli (wasm ${gz("browser/camunda_authz_bg.wasm")} gzip)`);
  assert.ok(sum(gz) <= BROWSER_GZIP_BOUND, `the browser download is ${sum(gz)} bytes gzip, over the bound of ${BROWSER_GZIP_BOUND}`);
});

test("Node 20, ES module (import)", async () => {
  const { runDir } = await scratch();
  const r = await runOk(process.execPath, ["node-esm.mjs"], { cwd: runDir });
  judge(lastJsonLine(r.stdout, "node"), { loadedOnImport: true });
  assert.equal(r.stderr, "", "no warnings");
});

test("Node 20, CommonJS (require)", async () => {
  const { runDir } = await scratch();
  const r = await runOk(process.execPath, ["node-cjs.cjs"], { cwd: runDir });
  judge(lastJsonLine(r.stdout, "node"), { loadedOnImport: true });
  assert.equal(r.stderr, "", "no warnings (require of the ES module is not experimental from node_modules)");
});

test("Deno, with no permission flags", async () => {
  const { runDir } = await scratch();
  const r = await runOk(join(BIN, "deno"), ["run", "--no-prompt", "--no-lock", "--cached-only", "deno.mjs"], {
    cwd: runDir,
    env: denoEnv(join(CACHE, "deno")),
  });
  judge(lastJsonLine(r.stdout, "deno"), { loadedOnImport: true });
});

test("workerd: a Worker that filters a task list by a signed grant set", async () => {
  const { runDir } = await scratch();
  const out = join(runDir, "workerd");
  const built = await bundleWorker(join(runDir, "worker.mjs"), out, { outfile: join(out, "worker.js") });
  assert.ok(inputsOf(built.metafile).includes("camunda-authz/workerd.js"), "Wrangler's conditions pick the workerd entry");
  const { jwksText } = await endpointCase();
  writeFileSync(join(out, "jwks.json"), jwksText);
  const modules = workerdModules(["worker.js"], ["camunda_authz_bg.wasm"]);
  writeFileSync(join(out, "config.capnp"), workerdConfig({ modules, bindings: ['(name = "JWKS", text = embed "jwks.json")'] }));
  const workerd = await startWorkerd(out);
  try {
    const { base } = workerd;
    judge(await (await fetch(`${base}/conformance`)).json(), { loadedOnImport: true });
    await checkEndpoint((path, init) => fetch(base + path, init));
  } finally {
    await workerd.close();
  }
});

test("Vercel edge-runtime: an Edge function that filters a task list by a signed grant set", async () => {
  const { runDir } = await scratch();
  const { jwksText } = await endpointCase();
  const { built, globals, runtime } = await startEdge(join(runDir, "edge.mjs"), { "process.env.JWKS": JSON.stringify(jwksText) });
  assert.ok(inputsOf(built.metafile).includes("camunda-authz/edge-light.js"), "Next.js's conditions pick the edge-light entry");
  assert.equal(globals.size, 1, "one .wasm?module import");
  const dispatch = (path, init) => runtime.dispatchFetch(`https://edge.example${path}`, init);
  judge(await (await dispatch("/conformance")).json(), { loadedOnImport: true });
  await checkEndpoint(dispatch);
});

test("Chromium: a plain <script type=module> page, init() from every kind of input, initSync()", async () => {
  const { runDir, installed } = await scratch();
  mkdirSync(join(runDir, "explicit"), { recursive: true });
  copyFileSync(join(installed, "browser", "camunda_authz_bg.wasm"), join(runDir, "explicit", "camunda_authz_bg.wasm"));
  const server = await serveDir(runDir);
  try {
    for (const mode of ["default", "url", "string", "bytes", "arraybuffer", "response", "promise", "module", "sync"]) {
      const result = await resultOf(
        `${server.url}/browser.html?mode=${mode}`,
        mode === "default" ? { expectMissing: ["/missing.wasm"] } : { block: "/node_modules/camunda-authz/browser/camunda_authz_bg.wasm" },
      );
      try {
        judge(result, { loadedOnImport: false });
      } catch (error) {
        error.message = `init mode ${mode}: ${error.message}`;
        throw error;
      }
    }
  } finally {
    await server.close();
  }
});

test("Chromium: the npm README's <head> tags for loading early: each of the two files is fetched once, and the page decides", async () => {
  const { runDir, installed } = await scratch();
  // The README's own block, as a user pastes it: the tags that name the browser entry's files.
  const readme = readFileSync(join(installed, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => b.includes("modulepreload"));
  assert.equal(blocks.length, 1, "the npm README has one html block with the loading tags");
  // browser.html with the tags in its head (after the import map, which must come first).
  const plain = readFileSync(join(runDir, "browser.html"), "utf8");
  const importMap = plain.match(/<script type="importmap">.*<\/script>\n/)[0];
  writeFileSync(join(runDir, "early.html"), plain.replace(importMap, `${importMap}${blocks[0]}`));
  const server = await serveDir(runDir);
  try {
    const requests = [];
    judge(await resultOf(`${server.url}/early.html?mode=early`, { requests }), { loadedOnImport: false });
    const count = (file) => requests.filter((p) => p === `/node_modules/camunda-authz/browser/${file}`).length;
    assert.equal(count("index.js"), 1, `the entry is fetched once: ${requests.join(", ")}`);
    assert.equal(count("camunda_authz_bg.wasm"), 1, `init() takes the preloaded .wasm instead of fetching it again: ${requests.join(", ")}`);
  } finally {
    await server.close();
  }
});

test("Chromium: a Vite production build of an app importing the package", async () => {
  const { runDir } = await scratch();
  const { build } = await import("vite");
  const dist = join(runDir, "vite-dist");
  await build({ root: join(runDir, "app"), configFile: false, logLevel: "silent", build: { outDir: dist, emptyOutDir: true } });
  const wasm = walk(dist).filter((f) => f.endsWith(".wasm"));
  assert.equal(wasm.length, 1, `one .wasm emitted: ${walk(dist).join(", ")}`);
  const server = await serveDir(dist);
  try {
    judge(await resultOf(`${server.url}/index.html`), { loadedOnImport: false });
  } finally {
    await server.close();
  }
});

test("Chromium: an esbuild bundle of the same app (the .wasm copied next to it)", async () => {
  const { runDir } = await scratch();
  const esbuild = await import("esbuild");
  const dist = join(runDir, "esbuild-dist");
  const built = await esbuild.build({
    entryPoints: [join(runDir, "app", "main.js")],
    bundle: true,
    format: "esm",
    platform: "browser",
    minify: true,
    outdir: dist,
    metafile: true,
    logLevel: "silent",
  });
  assert.ok(inputsOf(built.metafile).includes("camunda-authz/browser/index.js"), "the browser entry (the browser build)");
  copyFileSync(join(runDir, "app", "index.html"), join(dist, "index.html"));
  // esbuild leaves `new URL("camunda_authz_bg.wasm", import.meta.url)` alone: the app ships the file.
  copyFileSync(join(runDir, "node_modules", "camunda-authz", "browser", "camunda_authz_bg.wasm"), join(dist, "camunda_authz_bg.wasm"));
  const server = await serveDir(dist);
  try {
    judge(await resultOf(`${server.url}/index.html`), { loadedOnImport: false });
  } finally {
    await server.close();
  }
});

test("TypeScript: tsc --noEmit --strict on consumers of every API (ESM, CommonJS, no DOM lib)", async () => {
  const { runDir, installed } = await scratch();
  const tsc = join(BIN, "tsc");
  for (const project of ["tsconfig.json", "tsconfig.nodom.json"]) {
    const r = await run(tsc, ["--noEmit", "--strict", "-p", join(runDir, "types", project)], { cwd: join(runDir, "types") });
    assert.equal(r.code, 0, `tsc -p ${project}:\n${r.stdout}${r.stderr}`);
  }
  // The declarations name exactly what the module exports: the values each declaration file
  // declares or re-exports (`export { a, b } from`, `export *`; type-only exports are not values).
  const declared = new Set();
  const collect = (file, only = null) => {
    const dts = readFileSync(join(installed, file), "utf8");
    const add = (name) => (only === null || only.has(name)) && declared.add(name);
    for (const m of dts.matchAll(/^export declare (?:class|function|const) (\w+)/gm)) add(m[1]);
    if (/^export default \w+;/m.test(dts) || /^export \{ default \} from /m.test(dts)) add("default");
    for (const m of dts.matchAll(/^export \{ (\w+(?:, \w+)*) \};/gm)) for (const n of m[1].split(", ")) add(n);
    const near = (target) => join(dirname(file), target).replace(/\.js$/, ".d.ts");
    for (const m of dts.matchAll(/^export \{ ([\w, ]+) \} from "(\.{1,2}\/[\w/-]+\.js)";/gm)) {
      const names = new Set(m[1].split(", "));
      if (names.has("default")) add("default");
      collect(near(m[2]), names);
    }
    for (const m of dts.matchAll(/^export \* from "(\.{1,2}\/[\w/-]+\.js)";/gm)) collect(near(m[1]), only);
  };
  collect("index.d.ts");
  const lib = await import(pathToFileURL(join(installed, "node.mjs")).href);
  assert.deepEqual([...declared].sort(), Object.keys(lib).sort(), "index.d.ts declares every export and nothing else");
});

test("TypeScript: with the `browser` condition the types are the browser build's (no signGrants, no generateSigningKey, no createSearchProxy)", async () => {
  const { runDir } = await scratch();
  const tsc = join(BIN, "tsc");
  // As a Vite app's tsconfig sets it: verifying type-checks, signing and key generation do not.
  const browserTypes = join(runDir, "types-browser");
  mkdirSync(browserTypes, { recursive: true });
  writeFileSync(join(browserTypes, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: "es2022", module: "esnext", moduleResolution: "bundler", customConditions: ["browser"], lib: ["es2022", "dom"], types: [] }, files: ["app.ts"] }));
  const app = (call) => `import init, { verifyGrants, Authorizer, signGrants, generateSigningKey, createSearchProxy } from "camunda-authz";\nawait init();\nconst grants = verifyGrants("t", { keys: [] }, { issuer: "https://tasklist.example.com", audience: "tasklist" });\nnew Authorizer(grants).can("claim", { userTaskKey: "1" });\nvoid signGrants; void generateSigningKey; void createSearchProxy;\n${call}\nexport {};\n`;
  const tscOn = async (source) => {
    writeFileSync(join(browserTypes, "app.ts"), source);
    return run(tsc, ["-p", join(browserTypes, "tsconfig.json")], { cwd: runDir });
  };
  const verifying = await tscOn(app(""));
  assert.equal(verifying.code, 0, `the browser build's types: verify and decide:\n${verifying.stdout}${verifying.stderr}`);
  for (const call of ['signGrants({}, "{}");', 'generateSigningKey("k");', 'createSearchProxy({ upstream: "https://c.example", jwks: { keys: [] }, issuer: null, audience: null });']) {
    const refused = await tscOn(app(call));
    assert.notEqual(refused.code, 0, `the browser build's types must refuse ${call}`);
    assert.match(refused.stdout, /not callable/, `${call}: ${refused.stdout}`);
  }
});

test("TypeScript: createSearchProxy's options and handler, strict with exactOptionalPropertyTypes; misuse does not compile", async () => {
  const { runDir } = await scratch();
  const dir = join(runDir, "types-edge");
  mkdirSync(dir, { recursive: true });
  const options = { strict: true, exactOptionalPropertyTypes: true, noEmit: true, target: "es2022", module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"], types: [] };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["worker.ts"] }));
  const worker = (extra) => `import { createSearchProxy, type SearchProxy, type SearchProxyOptions, type SearchProxyError } from "camunda-authz";
interface Env { CAMUNDA: string; JWKS: string; TOKEN: string }
let proxy: SearchProxy | undefined;
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const options: SearchProxyOptions = {
      upstream: env.CAMUNDA, jwks: env.JWKS, issuer: "https://tasklist.example.com", audience: ["tasklist"],
      credentials: async () => ({ authorization: \`Bearer \${env.TOKEN}\` }),
      expectSubject: (r) => r.headers.get("x-user") ?? "", maxUpstreamPages: 5,
      onError: (e: SearchProxyError) => console.log(e.status, e.code, e.detail),
    };
    proxy ??= createSearchProxy(options);
    return proxy(request);
  },
};
${extra}
`;
  const tsc = (source) => {
    writeFileSync(join(dir, "worker.ts"), source);
    return run(join(BIN, "tsc"), ["-p", join(dir, "tsconfig.json")], { cwd: runDir });
  };
  const ok = await tsc(worker(""));
  assert.equal(ok.code, 0, `${ok.stdout}${ok.stderr}`);
  for (const misuse of [
    'createSearchProxy({ jwks: "{}", issuer: null, audience: null });', // no upstream
    'createSearchProxy({ upstream: "u", jwks: "{}", audience: null });', // no issuer
    'createSearchProxy({ upstream: "u", jwks: "{}", issuer: null, audience: null, credentials: () => ({ authorization: 1 }) });',
    'createSearchProxy({ upstream: "u", jwks: "{}", issuer: null, audience: null, fillPages: "yes" });',
    'const n: number = createSearchProxy({ upstream: "u", jwks: "{}", issuer: null, audience: null });',
  ]) {
    const refused = await tsc(worker(misuse));
    assert.notEqual(refused.code, 0, `must not compile: ${misuse}`);
  }
});

test("publint on the packed tarball (strict)", async () => {
  const { tarball } = await scratch();
  const { publint } = await import("publint");
  const { formatMessage } = await import("publint/utils");
  const buffer = tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength);
  const { messages, pkg } = await publint({ pack: { tarball: buffer }, level: "suggestion", strict: true });
  assert.deepEqual(
    messages.map((m) => `${m.type}: ${formatMessage(m, pkg)?.replace(/\x1b\[[0-9;]*m/g, "")}`),
    [],
  );
});
