// Vercel Edge (Next.js middleware and edge routes): `.wasm?module` is the platform's import of a
// compiled WebAssembly.Module (dynamic compilation is not allowed there). The module loads on
// import; `await init()` is harmless.
// package.json lists this file in `sideEffects`: a bundler that tree-shakes the program keeps
// the load below (with `false` Wrangler and esbuild dropped it, and every call was ERR_INIT).
import wasm from "./wasm/camunda_authz_bg.wasm?module";
import { initSync } from "./core/index.js";

initSync(wasm);

export * from "./core/index.js";
export * from "./session/index.js";
export { default } from "./core/index.js";
export { createSearchProxy } from "./edge/index.js";
