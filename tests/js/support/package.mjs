// The npm package as a user installs it: `npm pack pkg/`, then `npm install` of the tarball
// (offline: it has no dependencies) into a project under .cache/runtimes/, once per tarball
// (`install-HASH`, shared by every suite and run). Each suite's run gets its own copy,
// `NAME-PID/` (NAME one of run, snippets, issuer), removed by the next run once this process is gone.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pidAlive, runOk } from "./run.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const PKG = join(ROOT, "pkg");
export const CACHE = join(ROOT, ".cache", "runtimes");
const NPM_CACHE = join(CACHE, "npm-cache");
// The per-process folders: the suites' projects, the pack folder, an unfinished install.
const LEFTOVER = /^(?:run|snippets|issuer|pack|install-tmp)-(\d+)$/;

/** Removes the `NAME-PID` folders of runs that are over (their process is gone), and this process's. */
function removeLeftovers() {
  for (const name of readdirSync(CACHE)) {
    const m = LEFTOVER.exec(name);
    if (m && (Number(m[1]) === process.pid || !pidAlive(Number(m[1])))) rmSync(join(CACHE, name), { recursive: true, force: true });
  }
}

/** Installs the tarball into `CACHE/install-KEY` unless a run did already; drops installs unused for an hour. */
async function install(tarballPath, key) {
  const installDir = join(CACHE, `install-${key}`);
  if (existsSync(join(installDir, ".ready"))) return installDir;
  const tmp = join(CACHE, `install-tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  copyFileSync(tarballPath, join(tmp, "camunda-authz.tgz"));
  writeFileSync(join(tmp, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }, null, 2));
  await runOk("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", "--cache", NPM_CACHE, "./camunda-authz.tgz"], { cwd: tmp });
  writeFileSync(join(tmp, ".ready"), key);
  try {
    renameSync(tmp, installDir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // a concurrent run installed it first
  }
  for (const name of readdirSync(CACHE)) {
    const dir = join(CACHE, name);
    if (name.startsWith("install-") && dir !== installDir && !name.startsWith("install-tmp-") && Date.now() - statSync(dir).mtimeMs > 3600_000) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return installDir;
}

/**
 * Packs pkg/ and installs it; resolves `{ runDir, info, tarball, installed }`: a fresh project
 * `CACHE/NAME-PID` whose node_modules holds the package, npm pack's report, the tarball's bytes
 * and the installed package's folder.
 */
export async function installPackage(name) {
  assert.ok(existsSync(join(PKG, "package.json")), "pkg/ is missing: run ./x build first");
  mkdirSync(CACHE, { recursive: true });
  removeLeftovers();
  const packDir = join(CACHE, `pack-${process.pid}`);
  mkdirSync(packDir);
  const packed = await runOk("npm", ["pack", PKG, "--json", "--pack-destination", packDir, "--cache", NPM_CACHE], { cwd: ROOT });
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")));
  const tarballPath = join(packDir, info.filename);
  const tarball = readFileSync(tarballPath);
  const installDir = await install(tarballPath, createHash("sha256").update(tarball).digest("hex").slice(0, 16));
  rmSync(packDir, { recursive: true, force: true });
  const runDir = join(CACHE, `${name}-${process.pid}`);
  mkdirSync(runDir);
  cpSync(join(installDir, "node_modules"), join(runDir, "node_modules"), { recursive: true, verbatimSymlinks: true });
  copyFileSync(join(installDir, "package.json"), join(runDir, "package.json"));
  return { runDir, info, tarball, installed: join(runDir, "node_modules", "camunda-authz") };
}
