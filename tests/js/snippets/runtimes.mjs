// The runtimes README snippets run in, each started once and driven through the harness
// (tests/js/snippets/harness.mjs) with `call(path, init) -> Response`. Each block runs as written,
// bundled as its runtime bundles it: no entry imports the package's namespace (`import * as`),
// which would keep every module a tree-shaking bundler drops from the block's own imports.
//   node        the test's own process imports the entry (the package resolves from the scratch project)
//   deno        one `deno run` with only --allow-net=127.0.0.1, serving the harness over HTTP
//   workerd     each block its own Worker, bundled by Wrangler (`wrangler deploy --dry-run`) and
//               served by its own workerd; outbound fetch may reach 127.0.0.1
//   edge-light  each block its own Edge function, bundled as Next.js does (esbuild, edge-light
//               conditions, `.wasm?module` compiled outside the sandbox) in Vercel's edge-runtime
//   browser     headless Chromium, a fresh page per block; the blocks built by Vite as an app's
//               production build (the .wasm emitted as an asset), so the block's own `await init()`
//               fetches it
//   service     not a harness: each block is its own Node.js program (a server), run against the
//               Camunda stand-in; see startService
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BIN, denoEnv, launchChromium, spawnServer, startEdge, startWorkerd as serveWorker, workerdConfig, wranglerBuild } from "../support/runtimes.mjs";
import { moduleOf } from "./extract.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const LOADERS = { js: null, ts: "ts", jsx: "jsx", tsx: "tsx" };

/** Where each runtime's entries import the `authz` fixture's two functions from: named, as a program would. */
const API = 'import { Authorizer, verifyGrants } from "camunda-authz";\nimport { makeHarness } from "./harness.mjs";\n';
/** Runtimes that bundle each block as a program of its own (one entry per block). */
const PER_BLOCK = ["workerd", "edge-light"];
/** Runtimes whose blocks run without `export` inside a request (no I/O at a Worker's top level). */
const DEFERRED = ["workerd", "edge-light"];

/** Writes the harness, one module per block and the entries of each runtime into `runDir`. */
export async function writeProject(runDir, blocks) {
  copyFileSync(join(HERE, "harness.mjs"), join(runDir, "harness.mjs"));
  mkdirSync(join(runDir, "blocks"), { recursive: true });
  const esbuild = await import("esbuild");
  const offsets = {};
  const deferredFile = {};
  for (const block of blocks) {
    for (const deferred of [false, true]) {
      const { text, offset, deferred: wrapped } = moduleOf(block, { deferred });
      if (deferred && (!wrapped || !block.runtimes.some((r) => DEFERRED.includes(r)))) continue;
      const name = `${block.id}${wrapped ? ".deferred" : ""}.mjs`;
      if (wrapped) deferredFile[block.id] = name;
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
    "edge-light": "export default handle;\n",
    browser: "globalThis.__handle = handle;\n",
  };
  const loaderOf = (runtime, b) => `  ${JSON.stringify(b.id)}: () => import(${JSON.stringify(`./blocks/${(DEFERRED.includes(runtime) && deferredFile[b.id]) || `${b.id}.mjs`}`)}),\n`;
  const entries = {};
  for (const [runtime, tail] of Object.entries(tails)) {
    const mine = blocks.filter((b) => b.runtimes.includes(runtime));
    // One program per block where the runtime deploys one (a Worker, an Edge function); else one for all.
    const groups = PER_BLOCK.includes(runtime) ? mine.map((b) => [`entry-${runtime}-${b.id}.mjs`, [b]]) : [[`entry-${runtime}.mjs`, mine]];
    entries[runtime] = {};
    for (const [file, group] of groups) {
      writeFileSync(join(runDir, file), `${API}export const handle = makeHarness({ Authorizer, verifyGrants }, {\n${group.map((b) => loaderOf(runtime, b)).join("")}});\n${tail}`);
      for (const b of group) entries[runtime][b.id] = file;
    }
  }
  return { offsets, entries };
}

/**
 * Starts `runtime` for the project in `runDir`; resolves `{ session(), close() }`. A session is
 * `{ call, problems, close }` (and `page` in the browser, `service` for a service block), shared
 * by every block but in the browser and for services.
 */
export async function startRuntime(runtime, runDir, fixtures, entries) {
  const start = { node: startNode, deno: startDeno, workerd: startWorkerd, "edge-light": startEdgeLight, browser: startBrowser, service: startService }[runtime];
  return start(runDir, fixtures, entries[runtime] ?? {});
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

/** `call` of runtimes with a program per block: `/run/ID` and `/serve/ID/...` go to block ID's. */
function perBlock(programs) {
  return async (path, init) => {
    const id = path.split("/")[2];
    const program = programs.get(id);
    if (!program) return Response.json({ error: `no program for block ${id}` }, { status: 404 });
    return program(path, init);
  };
}

/** Each workerd block: its entry bundled by Wrangler into its own folder, served by its own workerd. */
async function startWorkerd(runDir, _fixtures, entries) {
  const programs = new Map();
  const closers = [];
  const close = async () => {
    for (const c of closers) await c();
  };
  try {
    for (const [id, entry] of Object.entries(entries)) {
      const out = join(runDir, "workerd", id);
      const modules = await wranglerBuild(join(runDir, entry), out, { home: join(runDir, ".wrangler-home") });
      writeFileSync(join(out, "config.capnp"), workerdConfig({ modules, outbound: true }));
      const { base, close: stop } = await serveWorker(out);
      closers.push(stop);
      programs.set(id, over(base));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return shared(perBlock(programs), close);
}

/** Each edge-light block: an Edge function of its own, bundled as Next.js does, in edge-runtime. */
async function startEdgeLight(runDir, _fixtures, entries) {
  const programs = new Map();
  for (const [id, entry] of Object.entries(entries)) {
    const { runtime } = await startEdge(join(runDir, entry), { "process.env.NODE_ENV": '"production"' });
    programs.set(id, (path, init) => runtime.dispatchFetch(`http://snippets.test${path}`, init));
  }
  return shared(perBlock(programs), async () => {});
}

// --- the browser ---------------------------------------------------------------------------------

const MIME = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

/**
 * Builds the browser entry as an app's production build would (Vite: browser conditions, a chunk
 * per block, the `.wasm` that `init()` loads through `new URL(..., import.meta.url)` emitted as an
 * asset) into `dist`.
 */
async function bundleForBrowser(runDir, dist) {
  const { build } = await import("vite");
  await build({
    root: runDir,
    configFile: false,
    logLevel: "silent",
    build: { outDir: dist, emptyOutDir: true, modulePreload: false, rollupOptions: { input: join(runDir, "entry-browser.mjs"), output: { entryFileNames: "[name].js" } } },
  });
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
