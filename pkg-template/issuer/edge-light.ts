// The issuer in edge-light: the package's edge-light entry loads the WebAssembly module on import, so
// signing works at once.
import "../edge-light.js";

export * from "./index.js";
