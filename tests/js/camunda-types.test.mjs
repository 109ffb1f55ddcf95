// The package's `Task` type against Camunda's own published types: `tsc --strict` over
// tests/js/types/camunda-user-task.ts, which passes the `UserTask` and the user-task search
// response of @camunda/camunda-api-zod-schemas 8.8, 8.9 and 8.10 unchanged to every task-taking
// method. It runs in a scratch project under .cache/ whose node_modules links the built package
// (pkg/, so its `exports` choose the declarations), Camunda's schemas and zod. The schemas'
// declarations import extensionless paths, so they only resolve as a bundler does
// (`moduleResolution: bundler`, what Camunda's own frontends use); the DOM lib is there because
// zod's declarations name `URL`.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const MODULES = join(HERE, "node_modules");
const TSC = join(MODULES, ".bin", "tsc");
const PROJECTS = ["tsconfig.camunda.json", "tsconfig.camunda-exact.json"];

const scratch = join(ROOT, ".cache", `camunda-types-${process.pid}`);
after(() => rmSync(scratch, { recursive: true, force: true }));

function layOut() {
  assert.ok(existsSync(join(ROOT, "pkg", "package.json")), "pkg/ is missing: run ./x build first");
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(join(scratch, "node_modules", "@camunda"), { recursive: true });
  symlinkSync(join(ROOT, "pkg"), join(scratch, "node_modules", "camunda-authz"), "dir");
  symlinkSync(join(MODULES, "@camunda", "camunda-api-zod-schemas"), join(scratch, "node_modules", "@camunda", "camunda-api-zod-schemas"), "dir");
  symlinkSync(join(MODULES, "zod"), join(scratch, "node_modules", "zod"), "dir");
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "camunda-types", private: true, type: "module" }));
  mkdirSync(join(scratch, "types"));
  for (const file of ["camunda-user-task.ts", ...PROJECTS]) cpSync(join(HERE, "types", file), join(scratch, "types", file));
}

test("Camunda's UserTask and search response (8.8, 8.9, 8.10) fit the Task type: tsc --strict, with and without exactOptionalPropertyTypes", () => {
  layOut();
  for (const project of PROJECTS) {
    const r = spawnSync(TSC, ["--noEmit", "-p", project], { cwd: join(scratch, "types"), encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, `tsc -p ${project}:\n${r.stdout}${r.stderr}${r.error ?? ""}`);
  }
});
