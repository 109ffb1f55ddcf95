// The npm package as a user installs it: `npm pack pkg/`, then `npm install` of the tarball
// (offline: it has no dependencies) into a project under .cache/runtimes/, once per tarball
// (the same `install-HASH` folders as tests/js/runtimes.test.mjs, so the two share the install).
// Each run gets its own copy, `snippets-PID/`, removed at the next run once this process is gone.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/**
 * Packs and installs `pkgDir`; resolves `{ runDir, info, tarball }`: a fresh project whose
 * node_modules holds the package, npm pack's report and the tarball's bytes.
 */
export async function installPackage(root, pkgDir) {
  assert.ok(existsSync(join(pkgDir, "package.json")), "pkg/ is missing: run ./x build first");
  const cache = join(root, ".cache", "runtimes");
  mkdirSync(cache, { recursive: true });
  for (const name of readdirSync(cache)) {
    const m = /^snippets(?:-pack)?-(\d+)$/.exec(name);
    if (m && (Number(m[1]) === process.pid || !alive(Number(m[1])))) rmSync(join(cache, name), { recursive: true, force: true });
  }
  const npmCache = join(cache, "npm-cache");
  const packDir = join(cache, `snippets-pack-${process.pid}`);
  mkdirSync(packDir);
  const { stdout } = await exec("npm", ["pack", pkgDir, "--json", "--pack-destination", packDir, "--cache", npmCache], { cwd: root });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf("[")));
  const tarballPath = join(packDir, info.filename);
  const tarball = readFileSync(tarballPath);
  const installDir = join(cache, `install-${createHash("sha256").update(tarball).digest("hex").slice(0, 16)}`);
  if (!existsSync(join(installDir, ".ready"))) {
    const tmp = join(cache, `install-tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    copyFileSync(tarballPath, join(tmp, "camunda-authz.tgz"));
    writeFileSync(join(tmp, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }, null, 2));
    await exec("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", "--cache", npmCache, "./camunda-authz.tgz"], { cwd: tmp });
    writeFileSync(join(tmp, ".ready"), "");
    try {
      renameSync(tmp, installDir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // a concurrent run installed it first
    }
  }
  rmSync(packDir, { recursive: true, force: true });
  const runDir = join(cache, `snippets-${process.pid}`);
  mkdirSync(runDir);
  cpSync(join(installDir, "node_modules"), join(runDir, "node_modules"), { recursive: true });
  copyFileSync(join(installDir, "package.json"), join(runDir, "package.json"));
  return { runDir, info, tarball };
}
