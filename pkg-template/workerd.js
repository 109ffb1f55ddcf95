// Cloudflare Workers (workerd, Wrangler): a `.wasm` import is a compiled WebAssembly.Module, so
// the module loads on import; `await init()` is harmless.
// package.json lists this file in `sideEffects`: a bundler that tree-shakes the program keeps
// the load below (with `false` Wrangler and esbuild dropped it, and every call was ERR_INIT).
import wasm from "./wasm/camunda_authz_bg.wasm";
import { initSync } from "./core/index.js";

initSync(wasm);

export * from "./core/index.js";
export * from "./session/index.js";
export { default } from "./core/index.js";
export { createSearchProxy } from "./edge/index.js";
