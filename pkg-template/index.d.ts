// Type declarations of the package's main entry: the same for every runtime (browser, bundlers,
// Node.js ESM and CommonJS, Deno, workerd, Vercel Edge).
export * from "./core.js";
export * from "./session.js";
export { default } from "./core.js";
