// The runtimes README snippets run in, each started once and driven through the harness
// (tests/js/snippets/harness.mjs) with `call(path, init) -> Response`:
//   node     the test's own process imports the entry (the package resolves from the scratch project)
//   deno     one `deno run` with only --allow-net=127.0.0.1, serving the harness over HTTP
//   workerd  one workerd serving a Worker bundled as Wrangler does (esbuild, workerd conditions,
//            the .wasm kept as a module, one chunk per block); outbound fetch may reach 127.0.0.1
//   browser  headless Chromium, a fresh page per block; the blocks bundled as an app's build
//            would (esbuild, browser conditions, the .wasm copied next to the bundle, as the npm
//            README says for esbuild), so the block's own `await init()` fetches the .wasm
//   service  not a harness: each block is its own Node.js program (a server), run against the
//            Camunda stand-in; see startService
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BIN, bundleWorker, denoEnv, launchChromium, spawnServer, startWorkerd as serveWorker, workerdConfig, workerdModules } from "../support/runtimes.mjs";
import { moduleOf } from "./extract.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const LOADERS = { js: null, ts: "ts", jsx: "jsx", tsx: "tsx" };

/** Writes the harness, one module per block and one entry per runtime into `runDir`. */
export async function writeProject(runDir, blocks) {
  copyFileSync(join(HERE, "harness.mjs"), join(runDir, "harness.mjs"));
  mkdirSync(join(runDir, "blocks"), { recursive: true });
  const esbuild = await import("esbuild");
  const offsets = {};
  const files = { workerd: {} };
  for (const block of blocks) {
    for (const deferred of [false, true]) {
      const { text, offset, deferred: wrapped } = moduleOf(block, { deferred });
      if (deferred && (!wrapped || !block.runtimes.includes("workerd"))) continue;
      const name = `${block.id}${wrapped ? ".deferred" : ""}.mjs`;
      if (wrapped) files.workerd[block.id] = name;
      else offsets[block.id] = offset;
      const loader = LOADERS[block.lang];
      const code = loader ? (await esbuild.transform(text, { loader, format: "esm", jsx: "automatic", sourcefile: `${block.id}.${block.lang}` })).code : text;
      writeFileSync(join(runDir, "blocks", name), code);
    }
  }
  const tails = {
    node: "",
    deno: 'Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) }, handle);\n',
    workerd: "export default { fetch: handle };\n",
    browser: "globalThis.__handle = handle;\n",
  };
  for (const [runtime, tail] of Object.entries(tails)) {
    const file = (b) => files[runtime]?.[b.id] ?? `${b.id}.mjs`;
    const loaders = blocks.filter((b) => b.runtimes.includes(runtime)).map((b) => `  ${JSON.stringify(b.id)}: () => import(${JSON.stringify(`./blocks/${file(b)}`)}),\n`);
    writeFileSync(
      join(runDir, `entry-${runtime}.mjs`),
      `import * as lib from "camunda-authz";\nimport { makeHarness } from "./harness.mjs";\nexport const handle = makeHarness(lib, {\n${loaders.join("")}});\n${tail}`,
    );
  }
  return offsets;
}

/**
 * Starts `runtime` for the project in `runDir`; resolves `{ session(), close() }`. A session is
 * `{ call, problems, close }` (and `page` in the browser, `service` for a service block), shared
 * by every block but in the browser and for services.
 */
export async function startRuntime(runtime, runDir, fixtures) {
  const start = { node: startNode, deno: startDeno, workerd: startWorkerd, browser: startBrowser, service: startService }[runtime];
  return start(runDir, fixtures);
}

const shared = (call, close) => ({ session: () => ({ call, problems: () => [], close: async () => {} }), close });
const over = (base) => (path, init) => fetch(base + path, init);

async function startNode(runDir) {
  const { handle } = await import(pathToFileURL(join(runDir, "entry-node.mjs")).href);
  // As a server would: an exception of a handler is a 500.
  const call = (path, init) =>
    handle(new Request(`http://snippets.test${path}`, init)).catch((error) => new Response(`${error?.stack ?? error}`, { status: 500 }));
  return shared(call, async () => {});
}

async function startDeno(runDir) {
  const { base, close } = await spawnServer(join(BIN, "deno"), ["run", "--no-prompt", "--no-lock", "--cached-only", "--allow-net=127.0.0.1", "entry-deno.mjs"], {
    cwd: runDir,
    env: denoEnv(join(runDir, "..", "deno")),
    stdio: ["ignore", "pipe", "pipe"],
    portFrom: 1,
  });
  return shared(over(base), close);
}

async function startWorkerd(runDir) {
  const out = join(runDir, "workerd");
  await bundleWorker(join(runDir, "entry-workerd.mjs"), out, { splitting: true, outdir: out, metafile: false });
  const modules = walk(out).filter((f) => f.endsWith(".js"));
  modules.sort((a, b) => (a === "entry-workerd.js" ? -1 : b === "entry-workerd.js" ? 1 : a.localeCompare(b)));
  const wasm = walk(out).filter((f) => f.endsWith(".wasm"));
  writeFileSync(join(out, "config.capnp"), workerdConfig({ modules: workerdModules(modules, wasm), outbound: true }));
  const { base, close } = await serveWorker(out);
  return shared(over(base), close);
}

function walk(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name)).split(sep).join("/")],
  );
}

// --- the browser ---------------------------------------------------------------------------------

const MIME = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

/**
 * Bundles the browser entry as an app's build would (esbuild, browser conditions, one chunk per
 * block) into `dist`, with the `.wasm` next to it, where `init()` looks for it.
 */
async function bundleForBrowser(runDir, dist) {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [join(runDir, "entry-browser.mjs")],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    entryNames: "[name]",
    outdir: dist,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  // What the npm README tells esbuild users: the module `camunda-authz/camunda_authz_bg.wasm`
  // names under the browser condition (the browser build's), next to the bundle.
  const pkg = join(runDir, "node_modules", "camunda-authz");
  const target = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).exports["./camunda_authz_bg.wasm"];
  copyFileSync(join(pkg, typeof target === "string" ? target : target.browser), join(dist, "camunda_authz_bg.wasm"));
}

/**
 * A static server for the bundle, plus what a page's own backend would answer: the issuer's
 * handler at its default paths, GET /grants -> { token, expiresAt } and
 * GET /.well-known/camunda-grants-jwks.json -> jwks; and a backend of its own,
 * GET /api/grants -> { token, jwks }, GET /.well-known/jwks.json -> jwks.
 */
function serveProject(dist, fixtures) {
  const page = `<!doctype html><meta charset="utf-8"><title>README snippet</title>
<div id="root"></div>
<script type="module" src="/entry-browser.js"></script>\n`;
  const expiresAt = new Date(JSON.parse(Buffer.from(fixtures.token.split(".")[1], "base64url")).exp * 1000).toISOString();
  const api = {
    "/grants": { token: fixtures.token, expiresAt },
    "/.well-known/camunda-grants-jwks.json": fixtures.jwks,
    "/api/grants": { token: fixtures.token, jwks: fixtures.jwks },
    "/.well-known/jwks.json": fixtures.jwks,
  };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (path === "/") return res.writeHead(200, { "content-type": "text/html" }).end(page);
    if (api[path]) return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(api[path]));
    const file = join(dist, path);
    if (!file.startsWith(dist + sep) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) })));
}

async function startBrowser(runDir, fixtures) {
  const dist = join(runDir, "browser");
  await bundleForBrowser(runDir, dist);
  const server = await serveProject(dist, fixtures);
  const browser = await launchChromium().catch(async (error) => {
    await server.close();
    throw error;
  });
  return {
    async session() {
      const page = await browser.newPage();
      const problems = [];
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      page.on("console", (m) => m.type() === "error" && !m.location().url?.endsWith("/favicon.ico") && problems.push(`console error: ${m.text()}`));
      try {
        await page.goto(`${server.url}/`);
        await page.waitForFunction(() => typeof globalThis.__handle === "function", null, { timeout: 30_000 });
      } catch (error) {
        await page.close();
        throw new Error(`the page did not load: ${error.message}\n${problems.join("\n")}`);
      }
      const call = async (path, init = {}) => {
        const r = await page.evaluate(
          async ([p, i]) => {
            const res = await globalThis.__handle(new Request(new URL(p, location.href), i));
            return { status: res.status, headers: [...res.headers], body: await res.text() };
          },
          [path, { ...init, headers: Object.fromEntries(new Headers(init.headers)) }],
        );
        return new Response(r.body, { status: r.status, headers: r.headers });
      };
      return { call, page, problems: () => problems, close: () => page.close() };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * A `service` block is a program of its own (an issuer, say): each one runs as a Node.js process
 * in the project, with the Camunda stand-in (tests/camunda-standin, the issuer suites'
 * population) behind `CAMUNDA_*` as Camunda's SDKs read them, `PORT` to listen on and
 * `USER_TOKEN`, a bearer token the stand-in knows for user alice. `/run/ID` starts the block and
 * waits until it answers HTTP; `/serve/ID/PATH` is PATH on it. Its checks get
 * `service = { userToken, user }`.
 */
async function startService(runDir) {
  const { startStandin } = await import("../../camunda-standin/index.mjs");
  const { binEnv, salesPopulation } = await import("../support/issuer-population.mjs");
  const standin = await startStandin(salesPopulation());
  const userToken = standin.userToken("alice");
  // One session per block: its program runs until the block's checks are done.
  const session = () => {
    const running = new Map(); // block id -> { base, close }
    const call = async (path, init) => {
      const [, kind, id, ...rest] = path.split("/");
      if (kind === "run") {
        const port = await freePort();
        const env = { ...binEnv(standin), PORT: String(port), USER_TOKEN: userToken };
        try {
          running.set(id, await startProgram(join(runDir, "blocks", `${id}.mjs`), { cwd: runDir, env, port }));
        } catch (error) {
          return Response.json({ ok: false, error: error.message });
        }
        return Response.json({ ok: true, fetchHandler: false, routes: [] });
      }
      const program = running.get(id);
      if (!program) return Response.json({ error: `nothing at ${path}` }, { status: 404 });
      return fetch(`${program.base}/${rest.join("/")}`, init);
    };
    const close = async () => {
      for (const program of running.values()) program.close();
    };
    return { call, problems: () => [], service: { userToken, user: "alice" }, close };
  };
  return { session, close: () => standin.close() };
}

/** A port nothing listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

/** Runs `node file`; resolves `{ base, close }` once 127.0.0.1:`port` answers HTTP, rejects with its output if it exits first or stays silent for 30 s. */
function startProgram(file, { cwd, env, port }) {
  const child = spawn(process.execPath, [file], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream.setEncoding("utf8").on("data", (d) => (output += d));
  let exited = false;
  child.on("exit", () => (exited = true));
  const base = `http://127.0.0.1:${port}`;
  const close = () => child.kill();
  return (async () => {
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      if (exited) throw new Error(`the program exited before it listened:\n${output}`);
      try {
        await fetch(`${base}/`);
        return { base, close };
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    close();
    throw new Error(`the program did not listen on ${port} within 30 s:\n${output}`);
  })();
}
