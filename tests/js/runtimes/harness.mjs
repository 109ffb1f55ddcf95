// Runs inside every runtime under test, from the scratch project (next to a copy of
// conformance.mjs and corpus.js). It checks the package's shape and start-up, then runs the
// conformance suite unchanged, and returns a JSON-able report for the test to judge.
import { runAll } from "./conformance.mjs";
import corpus from "./corpus.js";
import { replaying, unsupported } from "./signing.mjs";

const FUNCTIONS = ["default", "init", "initSync", "wasmMemoryBytes", "verifyGrants", "signGrants", "generateSigningKey", "inspectGrants", "AuthzError", "Authorizer", "VerifiedGrants"];

/**
 * @param lib the package's module namespace (or CommonJS exports)
 * @param options.initInput an async function giving `[input]`, what to pass to `init()` (default: nothing)
 * @param options.syncInput an async function giving what to pass to `initSync()` first (default: nothing)
 * @param options.failFirst a URL that does not hold the module: init() must reject with ERR_INIT and a later init() still work
 * @param options.signingLog for the browser build (which cannot sign): the full build's recorded signing answers (signing.mjs)
 */
export async function exercise(lib, { initInput, syncInput, failFirst, signingLog } = {}) {
  const problems = [];
  const report = { loadedOnImport: lib.wasmMemoryBytes?.() > 0, problems };
  for (const name of FUNCTIONS) if (typeof lib[name] !== "function") problems.push(`export ${name} is ${typeof lib[name]}, not a function`);
  if (!Array.isArray(lib.OPERATIONS) || lib.OPERATIONS.length !== 8) problems.push("OPERATIONS is not the 8 operations");
  if (!Array.isArray(lib.TASK_WORKER_ROLE) || lib.TASK_WORKER_ROLE.length !== 3) problems.push("TASK_WORKER_ROLE is not 3 authorizations");
  if (lib.init !== lib.default) problems.push("`init` and the default export differ");
  if (problems.length) return report;

  const payload = Object.values(corpus)[0].suites[0].grants;
  if (!report.loadedOnImport) {
    try {
      lib.Authorizer.fromUnverifiedPayload(payload);
      problems.push("before init, the API answered instead of throwing ERR_INIT");
    } catch (error) {
      if (!(error instanceof lib.AuthzError) || error.code !== "ERR_INIT") problems.push(`before init: ${error?.code ?? error}`);
    }
  }
  if (failFirst !== undefined) {
    try {
      await lib.default(failFirst);
      problems.push("init() from a URL without the module resolved");
    } catch (error) {
      if (!(error instanceof lib.AuthzError) || error.code !== "ERR_INIT") problems.push(`init() from a bad URL: ${error?.code ?? error}`);
    }
  }
  if (syncInput !== undefined) lib.initSync(await syncInput());
  const [input] = initInput === undefined ? [] : await initInput();
  // Concurrent calls share one load; later calls (even with junk) are harmless.
  await Promise.all([lib.default(input), lib.default(input)]);
  await lib.init();
  lib.initSync(new Uint8Array(8));
  report.memoryBytes = lib.wasmMemoryBytes();
  if (!(report.memoryBytes > 0)) problems.push("wasmMemoryBytes() is 0 after init");

  if (signingLog !== undefined) {
    problems.push(...unsupported(lib, payload));
    lib = { ...lib, ...replaying(lib, signingLog) };
  }
  Object.assign(report, runAll(lib, corpus));
  return report;
}
