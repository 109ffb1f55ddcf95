// The runtimes README snippets run in, each started once and driven through the harness
// (tests/js/snippets/harness.mjs) with `call(path, init) -> Response`:
//   node     the test's own process imports the entry (the package resolves from the scratch project)
//   deno     one `deno run` with only --allow-net=127.0.0.1, serving the harness over HTTP
//   workerd  one workerd serving a Worker bundled as Wrangler does (esbuild, workerd conditions,
//            the .wasm kept as a module, one chunk per block); outbound fetch may reach 127.0.0.1
//   browser  headless Chromium, a fresh page per block; the blocks bundled as an app's build
//            would (esbuild, browser conditions, the .wasm copied next to the bundle, as the npm
//            README says for esbuild), so the block's own `await init()` fetches the .wasm
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { basename, dirname, extname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { moduleOf } from "./extract.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, "..", "node_modules", ".bin");
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
 * `{ call, problems, close }` (and `page` in the browser), shared by every block but in the browser.
 */
export async function startRuntime(runtime, runDir, fixtures) {
  const start = { node: startNode, deno: startDeno, workerd: startWorkerd, browser: startBrowser }[runtime];
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

/**
 * Spawns a server process; resolves `{ base, close }` once a JSON line on the descriptor
 * `portFrom` names its port (Deno's onListen line, workerd's control message). `close` kills it.
 */
function spawnServer(cmd, args, { cwd, env, stdio, portFrom }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio });
  let output = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (output += d));
  const port = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${basename(cmd)} did not start in 60 s:\n${output}`)), 60_000);
    let text = "";
    child.stdio[portFrom].setEncoding("utf8").on("data", (d) => {
      const lines = (text + d).split("\n");
      text = lines.pop();
      for (const line of lines) {
        let msg = null;
        try {
          msg = JSON.parse(line);
        } catch {
          // a block's own output
        }
        const found = msg?.port !== undefined && (msg.event === undefined || (msg.event === "listen" && msg.socket === "http"));
        if (found) {
          clearTimeout(timer);
          resolve(msg.port);
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`${basename(cmd)} exited (${code}):\n${output}`)));
  });
  const close = async () => {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const hard = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(hard);
    }
  };
  return port.then(
    (p) => ({ base: `http://127.0.0.1:${p}`, close }),
    async (error) => {
      await close();
      throw error;
    },
  );
}

async function startDeno(runDir) {
  const { base, close } = await spawnServer(join(BIN, "deno"), ["run", "--no-prompt", "--no-lock", "--cached-only", "--allow-net=127.0.0.1", "entry-deno.mjs"], {
    cwd: runDir,
    env: { DENO_DIR: join(runDir, "..", "deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    portFrom: 1,
  });
  return shared(over(base), close);
}

async function startWorkerd(runDir) {
  const esbuild = await import("esbuild");
  const out = join(runDir, "workerd");
  await esbuild.build({
    entryPoints: [join(runDir, "entry-workerd.mjs")],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    outdir: out,
    plugins: [wasmModuleFiles(out)],
    logLevel: "silent",
  });
  const modules = walk(out).filter((f) => f.endsWith(".js"));
  modules.sort((a, b) => (a === "entry-workerd.js" ? -1 : b === "entry-workerd.js" ? 1 : a.localeCompare(b)));
  const wasm = walk(out).filter((f) => f.endsWith(".wasm"));
  const list = [...modules.map((f) => `(name = "${f}", esModule = embed "${f}")`), ...wasm.map((f) => `(name = "${f}", wasm = embed "${f}")`)];
  writeFileSync(
    join(out, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker), (name = "internet", network = (allow = ["public", "private", "local"])) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  compatibilityDate = "2025-06-01",
  modules = [ ${list.join(", ")} ],
  globalOutbound = "internet",
);
`,
  );
  const { base, close } = await spawnServer(join(BIN, "workerd"), ["serve", "config.capnp", "--control-fd=3"], {
    cwd: out,
    stdio: ["ignore", "ignore", "pipe", "pipe"],
    portFrom: 3,
  });
  return shared(over(base), close);
}

/** esbuild plugin: `.wasm` imports stay imports of a module file next to the bundle (Wrangler's CompiledWasm rule). */
function wasmModuleFiles(outdir) {
  return {
    name: "wasm-module-files",
    setup(build) {
      build.onResolve({ filter: /\.wasm$/ }, (args) => {
        mkdirSync(outdir, { recursive: true });
        copyFileSync(join(args.resolveDir, args.path), join(outdir, basename(args.path)));
        return { path: `./${basename(args.path)}`, external: true };
      });
    },
  };
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
  copyFileSync(join(runDir, "node_modules", "camunda-authz", "wasm", "camunda_authz_bg.wasm"), join(dist, "camunda_authz_bg.wasm"));
}

/**
 * A static server for the bundle, plus what a page's own backend would answer:
 * GET /api/grants -> { token, jwks }, GET /.well-known/jwks.json -> jwks.
 */
function serveProject(dist, fixtures) {
  const page = `<!doctype html><meta charset="utf-8"><title>README snippet</title>
<div id="root"></div>
<script type="module" src="/entry-browser.js"></script>\n`;
  const api = { "/api/grants": { token: fixtures.token, jwks: fixtures.jwks }, "/.well-known/jwks.json": fixtures.jwks };
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
  const { chromium } = await import("playwright-core");
  const browser = await chromium
    .launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    })
    .catch(async (error) => {
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
