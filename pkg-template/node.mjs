// Node.js and Bun: the module loads synchronously on import; `await init()` is harmless.
import { readFileSync } from "node:fs";
import { initSync } from "./core/index.js";

initSync(readFileSync(new URL("./wasm/camunda_authz_bg.wasm", import.meta.url)));

export * from "./core/index.js";
export * from "./session/index.js";
export { default } from "./core/index.js";
