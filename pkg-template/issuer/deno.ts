// The issuer in deno: the package's deno entry loads the WebAssembly module on import, so
// signing works at once.
import "../deno.js";

export * from "./index.js";
