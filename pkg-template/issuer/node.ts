// The issuer in node: the package's node entry loads the WebAssembly module on import, so
// signing works at once.
import "../node.mjs";

export * from "./index.js";
export { toNodeListener } from "./node-http.js";
