// The `camunda-authz issuer` service as a child process, for the suites that run the bin.
import { spawn } from "node:child_process";

/**
 * Spawns the issuer bin (`cmd args`); `started` resolves its base URL once it prints
 * `listening on URL/`, and rejects if it exits first or prints nothing in 30 s; `exited`
 * resolves its exit code; `output()` is what it printed so far.
 */
export function startIssuerBin(cmd, args, { cwd, env, detached = false }) {
  const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (err += d));
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the issuer printed no URL:\n${out}${err}`)), 30_000);
    child.stdout.on("data", () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`the issuer exited (${code}):\n${out}${err}`), { code, out, err }));
    });
  });
  started.catch(() => {}); // a run that is meant to fail is judged by its exit code
  return { started, exited, child, output: () => out + err };
}
