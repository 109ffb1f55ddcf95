// Cloudflare Workers (workerd, Wrangler): a `.wasm` import is a compiled WebAssembly.Module, so
// the module loads on import; `await init()` is harmless.
import wasm from "./wasm/camunda_authz_bg.wasm";
import { initSync } from "./core.js";

initSync(wasm);

export * from "./core.js";
export * from "./session.js";
export { default } from "./core.js";
