// The issuer in Vercel Edge (Next.js edge routes): `.wasm?module` is the platform's import of a
// compiled WebAssembly.Module, loaded before the first signature.
import wasm from "../wasm/camunda_authz_bg.wasm?module";
import { initSync } from "../core/index.js";
import { loaded } from "./entry.js";

export * from "./index.js";
export const { createIssuer, generateSigningKey } = loaded(() => initSync(wasm));
