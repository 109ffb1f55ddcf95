// Starting the runtimes the package promises, as the test harnesses drive them: a server process
// that names its port (Deno's onListen line, workerd's control message), workerd's config, the
// esbuild plugin that bundles a Worker as Wrangler does, headless Chromium, and a static server.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { basename, dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

export const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", ".bin");

/** The environment of a Deno with its cache in `denoDir`, no update check and no colours. */
export const denoEnv = (denoDir) => ({ DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" });

/**
 * Spawns a server process; resolves `{ base, close, output }` once a JSON line on the descriptor
 * `portFrom` names its port. `output()` is its stderr so far; `close` kills it.
 */
export function spawnServer(cmd, args, { cwd, env, stdio, portFrom }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio });
  let output = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (output += d));
  if (portFrom !== 1) child.stdout?.resume();
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
          // the program's own output
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
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const hard = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(hard);
    }
  };
  return port.then(
    (p) => ({ base: `http://127.0.0.1:${p}`, close, output: () => output }),
    async (error) => {
      await close();
      throw error;
    },
  );
}

/**
 * workerd's config for one Worker on 127.0.0.1 (an ephemeral port): `modules` and `bindings` are
 * capnp entries; with `outbound`, its fetch may reach any address (127.0.0.1 included).
 */
export function workerdConfig({ modules, bindings = [], outbound = false }) {
  const network = outbound ? `, (name = "internet", network = (allow = ["public", "private", "local"]))` : "";
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker)${network} ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  compatibilityDate = "2025-06-01",
  modules = [ ${modules.join(", ")} ],${bindings.length ? `\n  bindings = [ ${bindings.join(", ")} ],` : ""}${outbound ? '\n  globalOutbound = "internet",' : ""}
);
`;
}

/** workerd's module entries: the ES modules (the main one first), then the WebAssembly modules. */
export function workerdModules(esModules, wasmModules) {
  return [...esModules.map((f) => `(name = "${f}", esModule = embed "${f}")`), ...wasmModules.map((f) => `(name = "${f}", wasm = embed "${f}")`)];
}

/** Serves the `config.capnp` in `dir` with workerd; resolves `{ base, close, output }`. */
export function startWorkerd(dir) {
  return spawnServer(join(BIN, "workerd"), ["serve", "config.capnp", "--control-fd=3"], { cwd: dir, stdio: ["ignore", "ignore", "pipe", "pipe"], portFrom: 3 });
}

/** esbuild plugin: `.wasm` imports stay imports of a module file next to the bundle (Wrangler's CompiledWasm rule). */
export function wasmModuleFiles(outdir) {
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

/** Bundles `entry` into `out` as Wrangler does (workerd conditions, the .wasm a module file); resolves esbuild's result. */
export async function bundleWorker(entry, out, options) {
  const esbuild = await import("esbuild");
  return esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    plugins: [wasmModuleFiles(out)],
    metafile: true,
    logLevel: "silent",
    ...options,
  });
}

/** esbuild plugin: `.wasm?module` imports become the compiled module Next.js injects as a global. */
function wasmModuleGlobals(globals) {
  return {
    name: "wasm-module-globals",
    setup(build) {
      build.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({ path: join(args.resolveDir, args.path.slice(0, -"?module".length)), namespace: "wasm-global" }));
      build.onLoad({ filter: /.*/, namespace: "wasm-global" }, (args) => {
        const name = `wasm_${createHash("sha256").update(args.path).digest("hex").slice(0, 12)}`;
        globals.set(name, args.path);
        return { contents: `export default globalThis[${JSON.stringify(name)}];`, loader: "js" };
      });
    },
  };
}

/**
 * Bundles the Edge function `entry` as Next.js does (edge-light conditions, `define`) and starts it
 * in Vercel's edge-runtime, its `.wasm?module` imports compiled outside the sandbox (another realm)
 * and injected; resolves `{ built, globals, runtime }` (`globals`: name -> .wasm file).
 */
export async function startEdge(entry, define) {
  const esbuild = await import("esbuild");
  const globals = new Map();
  const built = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    globalName: "__edge",
    platform: "browser",
    conditions: ["edge-light", "worker", "browser"],
    define,
    plugins: [wasmModuleGlobals(globals)],
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const modules = {};
  for (const [name, file] of globals) modules[name] = await WebAssembly.compile(readFileSync(file));
  const { EdgeRuntime } = await import("edge-runtime");
  const runtime = new EdgeRuntime({
    // The default export is the handler (as an Edge route's) or an object with `fetch` (a Worker's).
    initialCode: `${built.outputFiles[0].text}\nconst __handler = typeof __edge.default === "function" ? __edge.default : (r) => __edge.default.fetch(r);\naddEventListener("fetch", (event) => event.respondWith(__handler(event.request)));`,
    extend: (context) => Object.assign(context, modules),
  });
  return { built, globals, runtime };
}

/** The input files of an esbuild metafile, as package paths (`camunda-authz/index.js`). */
export function inputsOf(metafile) {
  return Object.keys(metafile.inputs).map((p) => p.replace(/^.*node_modules\//, ""));
}

/** Launches headless Chromium (/usr/bin/chromium) through playwright-core. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

const MIME = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".css": "text/css" };

/** Serves `dir` on 127.0.0.1 (an ephemeral port), uncached; resolves `{ url, close }`. */
export function serveDir(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = join(dir, path.endsWith("/") ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) })),
  );
}

/**
 * Bundles the Worker `entry` with Wrangler itself (`wrangler deploy --dry-run --outdir`, no
 * config file, no account) into `out`; resolves the workerd module entries of what it wrote:
 * the main module first, then the other ES modules and the `.wasm` modules (CompiledWasm).
 */
export async function wranglerBuild(entry, out, { home }) {
  const { runOk } = await import("./run.mjs");
  await runOk(join(BIN, "wrangler"), ["deploy", "--dry-run", "--outdir", out, "--name", "snippet", "--compatibility-date", "2025-06-01", entry], {
    cwd: dirname(entry),
    // No telemetry, no prompts, its logs and config in the test's cache folder.
    env: { WRANGLER_SEND_METRICS: "false", CI: "1", XDG_CONFIG_HOME: home, WRANGLER_LOG_PATH: join(home, "logs") },
    timeout: 120_000,
  });
  const main = `${basename(entry).replace(/\.[cm]?[jt]s$/, "")}.js`;
  const files = readdirSync(out);
  const es = files.filter((f) => /\.m?js$/.test(f) && f !== main);
  return workerdModules([main, ...es], files.filter((f) => f.endsWith(".wasm")));
}
