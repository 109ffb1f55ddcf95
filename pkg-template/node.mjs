// Node.js and Deno: the module loads synchronously on import; `await init()` is harmless.
import { readFileSync } from "node:fs";
import { initSync } from "./core.js";

initSync(readFileSync(new URL("./wasm/camunda_authz_bg.wasm", import.meta.url)));

export { default, initSync, AuthzError, Authorizer, VerifiedGrants, verifyGrants, signGrants, generateSigningKey, inspectGrants, OPERATIONS, TASK_WORKER_ROLE, wasmMemoryBytes } from "./core.js";
