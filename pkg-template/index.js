// Browsers, bundlers (Vite, webpack, esbuild, Rollup) and web workers: `await init()` once, then
// everything is synchronous. Without an argument init() fetches `wasm/camunda_authz_bg.wasm`
// through `new URL(..., import.meta.url)`, which bundlers follow and emit as an asset.
// The package ships this file minified as `browser/index.js`, next to the browser build (verify,
// decide, explain; `signGrants`, `generateSigningKey` and `filterSearchResponse` throw
// `ERR_UNSUPPORTED` there): that is what the `browser`, `worker` and `default` conditions load.
export * from "./core/index.js";
export * from "./session/index.js";
export { default } from "./core/index.js";
