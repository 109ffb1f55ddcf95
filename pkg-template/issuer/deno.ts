// The issuer in Deno: the package's Deno entry imports the module (a source phase import, so no
// --allow-read) and loads it on import; Deno runs every import, bundled or not.
import "../deno.js";

export * from "./index.js";
