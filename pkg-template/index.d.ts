// Type declarations of the package's main entry: the same for every runtime (browser, bundlers,
// Node.js ESM and CommonJS, Deno, workerd, Vercel Edge).
export * from "./core/index.js";
export * from "./session/index.js";
export { default } from "./core/index.js";
// The search proxy (not in the browser build: browser.d.ts types it `never`).
export { createSearchProxy } from "./edge/index.js";
export type { SearchProxy, SearchProxyCode, SearchProxyError, SearchProxyOptions, UpstreamHeaders } from "./edge/index.js";
