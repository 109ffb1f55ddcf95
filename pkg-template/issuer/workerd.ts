// The issuer in Cloudflare Workers (workerd, Wrangler): the `.wasm` import is a compiled
// WebAssembly.Module, loaded before the first signature.
import wasm from "../wasm/camunda_authz_bg.wasm";
import { initSync } from "../core/index.js";
import { loaded } from "./entry.js";

export * from "./index.js";
export const { createIssuer, generateSigningKey } = loaded(() => initSync(wasm));
