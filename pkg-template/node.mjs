// Node.js and Bun: the module loads synchronously on import; `await init()` is harmless.
// package.json lists this file in `sideEffects`, so a bundler that tree-shakes the program (Vite's
// SSR build with `ssr.noExternal`, esbuild, webpack) keeps the load below.
import { readFileSync } from "node:fs";
import { initSync } from "./core/index.js";
import { wasmPath } from "./node-wasm.js";

initSync(readFileSync(wasmPath()));

export * from "./core/index.js";
export * from "./session/index.js";
export { default } from "./core/index.js";
export { createSearchProxy } from "./edge/index.js";
