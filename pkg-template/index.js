// Browsers, bundlers, workers: `await init()` once, then everything is synchronous.
// In workerd pass the imported module: `import wasm from "camunda-authz/camunda_authz_bg.wasm"; await init(wasm)`.
export { default, initSync, AuthzError, Authorizer, VerifiedGrants, verifyGrants, signGrants, generateSigningKey, inspectGrants, OPERATIONS, TASK_WORKER_ROLE, wasmMemoryBytes } from "./core.js";
