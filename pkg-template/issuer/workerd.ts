// The issuer in workerd: the package's workerd entry loads the WebAssembly module on import, so
// signing works at once.
import "../workerd.js";

export * from "./index.js";
