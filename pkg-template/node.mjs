// Node.js and Bun: the module loads synchronously on import; `await init()` is harmless.
import { readFileSync } from "node:fs";
import { initSync } from "./core.js";

initSync(readFileSync(new URL("./wasm/camunda_authz_bg.wasm", import.meta.url)));

export * from "./core.js";
export * from "./session.js";
export { default } from "./core.js";
