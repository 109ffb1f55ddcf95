// Deno: the module is imported as a compiled WebAssembly.Module (source phase import), so it
// loads on import with no `--allow-read`; `await init()` is harmless.
import source wasm from "./wasm/camunda_authz_bg.wasm";
import { initSync } from "./core.js";

initSync(wasm);

export * from "./core.js";
export * from "./session.js";
export { default } from "./core.js";
