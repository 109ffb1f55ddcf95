// Every JavaScript code block of README.md and pkg-template/README.md (the npm README) runs,
// against the package as a user installs it (pkg/ packed and installed; `import ... from
// "camunda-authz"` resolves through its `exports`), so the documentation cannot rot.
//
// The convention (docs/snippets.md has the full text and examples):
// - Blocks whose language is js, javascript, mjs, ts, typescript, jsx or tsx run; ts/jsx/tsx are
//   first transformed by esbuild (types stripped, JSX automatic runtime; not type-checked).
//   Every other block needs a language (```sh, ```console, ...) and never runs.
// - Words after the language choose the runtimes: `node` (the default), `deno`, `workerd`,
//   `edge-light` (Vercel's edge-runtime, the block bundled as Next.js does), `browser` (headless
//   Chromium, a fresh page per block, built by Vite as an app would be, the block's own
//   `await init()` loads the .wasm), `edge` = node deno workerd edge-light, `service` (the
//   block is a server program of its own, run with node against the Camunda stand-in: CAMUNDA_*,
//   PORT and USER_TOKEN in its environment). ```js edge, ```js browser. A block
//   that exports a fetch handler must name its runtimes (edge code never defaults to Node alone).
// - Each block is its own ES module, run as written and bundled as its runtime bundles it (workerd:
//   each block a Worker that Wrangler bundles; edge-light: an Edge function per block; browser: a
//   Vite build); no entry imports the package's namespace, which would hide a module a bundler drops.
//   Names it uses without defining them come from a fixed set
//   of fixture globals: token, jwks, tasks, task, upstream, authz, render, app,
//   camundaAuthorizationsOf, env (tests/js/snippets/harness.mjs, docs/snippets.md). A page also
//   has the issuer handler's GET /grants and GET /.well-known/camunda-grants-jwks.json, and a
//   backend's own GET /api/grants -> { token, jwks } and GET /.well-known/jwks.json.
// - A block whose default export has `fetch` is served: the harness calls it with (request, env),
//   env = { JWKS (text), ISSUER, CAMUNDA (a fake Orchestration Cluster on 127.0.0.1), CAMUNDA_TOKEN }; it must
//   answer a request without credentials with a status below 500.
// - HTML comments directly before the block (invisible on GitHub and npm):
//     <!-- snippet-skip: why -->       the block does not run; a reason is required
//     <!-- snippet-prelude: code -->   hidden code run before the block's own
//     <!-- snippet-check: name -->     a named check of tests/js/snippets/checks.mjs runs after it
// A failure names the README and the line: of the block, and of the error where it maps back.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { extract, moduleOf } from "./snippets/extract.mjs";
import { installPackage } from "./support/package.mjs";
import { startRuntime, writeProject } from "./snippets/runtimes.mjs";
import { makeFixtures } from "./snippets/fixtures.mjs";
import { checks } from "./snippets/checks.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const READMES = ["README.md", "pkg-template/README.md"];

const found = READMES.map((file) => extract(file, readFileSync(join(ROOT, file), "utf8")));
const blocks = found.flatMap((f) => f.blocks);
const problems = found.flatMap((f) => f.problems);
const toRun = blocks.filter((b) => b.skip === null);

let projectPromise;
/** The installed package, the block modules and the fixtures, once for every block. */
function project() {
  projectPromise ??= (async () => {
    const { runDir } = await installPackage("snippets");
    // A React app has react and react-dom next to the package: tests/js's own copies.
    for (const name of ["react", "react-dom", "scheduler"]) symlinkSync(join(HERE, "node_modules", name), join(runDir, "node_modules", name), "dir");
    const { offsets, entries } = await writeProject(runDir, toRun);
    const fixtures = await makeFixtures();
    return { runDir, offsets, entries, ...fixtures };
  })();
  return projectPromise;
}

const started = new Map();
/** Each runtime starts once, on first use. */
function runtime(name) {
  if (!started.has(name)) started.set(name, project().then(({ runDir, data, entries }) => startRuntime(name, runDir, data, entries)));
  return started.get(name);
}

after(async () => {
  for (const r of started.values()) await (await r.catch(() => null))?.close();
  if (projectPromise) {
    const { runDir, cluster } = await projectPromise.catch(() => ({}));
    await cluster?.close();
    if (runDir) rmSync(runDir, { recursive: true, force: true });
  }
});

const byId = new Map(toRun.map((b) => [b.id, b]));
/** `text` with every `.../blocks/ID.mjs:LINE` of a block's module replaced by `README.md:LINE`. */
function mapBack(offsets, text) {
  return String(text).replace(/[^\s("]*\/blocks\/([^/\s"]+)\.mjs:(\d+)/g, (all, id, line) => {
    const block = byId.get(id);
    return block && offsets[id] !== undefined ? `${block.file}:${Number(line) - offsets[id]}` : all;
  });
}

/** `README.md:57: TypeError: ...`, with the README line of the error when its stack names the block's module. */
function describe(block, runtime, result, offset) {
  const at = new RegExp(`${block.id}\\.mjs:(\\d+)`).exec(result.stack ?? "");
  const line = at ? ` (README line ${Number(at[1]) - offset})` : "";
  const code = result.code ? ` [${result.code}]` : "";
  return `${block.file}:${block.line}: the \`\`\`${block.info} block failed in ${runtime}${line}: ${result.name ?? "Error"}${code}: ${result.error}`;
}

async function runBlock(block, name) {
  const { data, cluster, offsets } = await project();
  const started = await runtime(name).catch((error) => {
    throw new Error(`${block.file}:${block.line}: ${name} did not start: ${mapBack(offsets, error.message)}`);
  });
  const { call, page, service, problems: pageProblems, close } = await started.session();
  try {
    const res = await call(`/run/${block.id}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(data) });
    const result = await res.json();
    assert.ok(result.ok, describe(block, name, result, offsets[block.id]));
    const where = `${block.file}:${block.line} (${name})`;
    const fetch = (path, init) => call(`/serve/${block.id}${path}`, init);
    if (result.fetchHandler) {
      const bare = await fetch("/", { method: "POST", body: "{}" });
      assert.ok(bare.status < 500, mapBack(offsets, `${where}: the fetch handler answered a request without credentials with ${bare.status}: ${await bare.text()}`));
    }
    for (const check of block.checks) {
      try {
        await checks[check]({ fetch, data, cluster, page, service });
      } catch (error) {
        const message = mapBack(offsets, `${where}, snippet-check ${check}: ${error.message}`);
        if (typeof error.stack === "string") error.stack = error.stack.replace(error.message, message);
        error.message = message;
        throw error;
      }
    }
    assert.deepEqual(pageProblems(), [], `${where}: the page reported errors`);
  } finally {
    await close();
  }
}

test("the READMEs' code blocks follow the snippet convention", () => {
  assert.deepEqual(problems, []);
  const unknown = blocks.flatMap((b) => b.checks.filter((c) => !(c in checks)).map((c) => `${b.file}:${b.line}: unknown snippet-check \`${c}\``));
  assert.deepEqual(unknown, [], `known checks: ${Object.keys(checks).join(", ")}`);
  for (const file of READMES) assert.ok(toRun.some((b) => b.file === file), `${file} has JavaScript blocks that run`);
});

// Blocks that never run (the <link> tags of the loading advice, shell lines) still name the
// package's files: each /node_modules/camunda-authz/... path in the docs a user reads must be a
// file of the installed package.
const PATH_DOCS = [...READMES, "docs/loading.md"];

test("every /node_modules/camunda-authz/ path in the READMEs and docs/loading.md is a file of the package", async () => {
  const { runDir } = await project();
  const missing = PATH_DOCS.flatMap((file) =>
    readFileSync(join(ROOT, file), "utf8")
      .split("\n")
      .flatMap((text, i) => [...text.matchAll(/\/node_modules\/camunda-authz\/([\w./-]+)/g)].map((m) => ({ at: `${file}:${i + 1}`, path: m[1] })))
      .filter(({ path }) => !existsSync(join(runDir, "node_modules", "camunda-authz", path)))
      .map(({ at, path }) => `${at}: ${path}`),
  );
  assert.deepEqual(missing, []);
});

for (const block of blocks) {
  const title = `${block.file}:${block.line} \`\`\`${block.info}`;
  if (block.skip !== null) {
    test(title, { skip: `snippet-skip: ${block.skip}` }, () => {});
    continue;
  }
  test(title, { timeout: 180_000 }, async (t) => {
    for (const name of block.runtimes) await t.test(name, () => runBlock(block, name));
  });
}

test("extract: the markers, and the mistakes it refuses", () => {
  const md = [
    "<!-- snippet-skip: shell output -->",
    "```js",
    "x()",
    "```",
    "<!-- snippet-prelude: const a = 1; -->",
    "<!-- snippet-check: search-proxy -->",
    "",
    "```ts edge",
    "a;",
    "```",
    "<!-- snippet-skip: -->",
    "```js",
    "```",
    "<!-- snippet-skip: stray -->",
    "text",
    "```",
    "no language",
    "```",
    "```js nodejs",
    "```",
    "<!-- snippet: skip -->",
    "```sh",
    "ls",
    "```",
    "```js",
    "export default { async fetch() {} };",
    "```",
  ].join("\n");
  const { blocks: b, problems: p } = extract("T.md", md);
  assert.deepEqual(
    b.map((x) => [x.line, x.lang, x.runtimes, x.skip, x.prelude, x.checks, x.code]),
    [
      [2, "js", ["node"], "shell output", "", [], "x()"],
      [8, "ts", ["node", "deno", "workerd", "edge-light"], null, "const a = 1;", ["search-proxy"], "a;"],
      [12, "js", ["node"], "(no reason given)", "", [], ""],
      [19, "js", ["node"], null, "", [], ""],
      [25, "js", ["node"], null, "", [], "export default { async fetch() {} };"],
    ],
  );
  // workerd's form: the imports on the first line, the code in __run(), every line where it was.
  const deferred = moduleOf({ ...b[1], code: 'import {\n  x,\n} from "camunda-authz";\nx(a);', line: 8 }, { deferred: true });
  assert.deepEqual(deferred.text.split("\n"), ['import { x, } from "camunda-authz"; export async function __run() {', "const a = 1;", "", "", "", "x(a);", "}", ""]);
  assert.equal(6 - deferred.offset, 12, "module line 6 is README line 12");
  assert.deepEqual(
    p.map((m) => m.split(":").slice(0, 2).join(":")),
    ["T.md:11", "T.md:14", "T.md:16", "T.md:19", "T.md:21", "T.md:25"],
    p.join("\n"),
  );
});
