// Type declarations of the browser build, which the `browser` and `worker` conditions load
// (TypeScript reads them with `"customConditions": ["browser"]`, as for a Vite app). The main
// entry's (index.d.ts), but signing and key generation are not there: they throw `ERR_UNSUPPORTED`
// in the browser build, so calling them does not type-check. `Authorizer.filterSearchResponse`
// (the edge scanner) also throws `ERR_UNSUPPORTED` there, and `createSearchProxy` (the edge search
// proxy) is not in the browser build at all.
export * from "./index.js";
export { default } from "./index.js";

/** Not in the browser build: sign on a server, with the Node.js, Deno, workerd or Vercel Edge entry. */
export declare const signGrants: never;
/** Not in the browser build: make keys on a server, with the Node.js, Deno, workerd or Vercel Edge entry. */
export declare const generateSigningKey: never;
/** Not in the browser build: the search proxy runs at the edge, with the workerd, Vercel Edge, Deno or Node.js entry. */
export declare const createSearchProxy: never;
