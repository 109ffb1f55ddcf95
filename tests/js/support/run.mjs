// Child processes for the test harnesses: run a command to its end, or ask whether a pid lives.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { basename } from "node:path";

/**
 * Runs a command; resolves `{ code, stdout, stderr }`. Kills it (by its pid) after `timeout` ms.
 * `inheritEnv: false` gives it `env` alone (a bin's tests, where the caller's CAMUNDA_* must not leak).
 */
export function run(cmd, args, { cwd, env, timeout = 60_000, inheritEnv = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: inheritEnv ? { ...process.env, ...env } : { ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ? `killed by ${signal} (timeout ${timeout} ms?)` : code, stdout, stderr });
    });
  });
}

/** As `run`, and the command must exit 0. */
export async function runOk(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  assert.equal(r.code, 0, `${basename(cmd)} ${args.join(" ")} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Whether process `pid` still runs (EPERM: it runs, as another user). */
export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
