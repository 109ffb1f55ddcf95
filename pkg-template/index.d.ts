// Type declarations of the package's main entry: the same for every runtime (browser, bundlers,
// Node.js ESM and CommonJS, Deno, workerd, Vercel Edge).
export * from "./core/index.js";
export * from "./session/index.js";
export { default } from "./core/index.js";
