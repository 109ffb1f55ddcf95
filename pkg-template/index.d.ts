// Type declarations of the package's main entry in Node.js (ESM and CommonJS), Deno, workerd and
// Vercel Edge, and the default for bundlers; the browser build's are browser.d.ts.
export * from "./core/index.js";
export * from "./session/index.js";
export { default } from "./core/index.js";
// The search proxy (not in the browser build: browser.d.ts types it `never`).
export { createSearchProxy } from "./edge/index.js";
export type { SearchProxy, SearchProxyCode, SearchProxyError, SearchProxyOptions, UpstreamHeaders } from "./edge/index.js";
