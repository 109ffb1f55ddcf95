// The core's JavaScript face: every public name of the wrapper around the WebAssembly module, which
// the package's entries re-export.
export type * from "./types.js";
export type { ErrorCode } from "./errors.js";
export { AuthzError } from "./errors.js";
export type { InitInput, WasmBytes } from "./module.js";
export { default, init, initSync, wasmMemoryBytes } from "./module.js";
export { BUTTONS, OPERATIONS } from "./arguments.js";
export { Authorizer } from "./authorizer.js";
export { VerifiedGrants, generateSigningKey, inspectGrants, signGrants, verifyGrants } from "./grants.js";
export { TASK_WORKER_ROLE } from "./task-worker-role.js";
