// The issuer in Deno: the package's Deno entry imports the module (a source phase import, so no
// --allow-read) and loads it on import; package.json lists both files in `sideEffects`, so a
// bundler keeps that import too.
import "../deno.js";

export * from "./index.js";
