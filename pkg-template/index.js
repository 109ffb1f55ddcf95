// Browsers, bundlers (Vite, webpack, esbuild, Rollup) and web workers: `await init()` once, then
// everything is synchronous. Without an argument init() fetches `wasm/camunda_authz_bg.wasm`
// through `new URL(..., import.meta.url)`, which bundlers follow and emit as an asset.
export * from "./core.js";
export * from "./session.js";
export { default } from "./core.js";
