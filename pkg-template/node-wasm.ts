/// <reference types="node" />
// Where the Node.js entries (node.mjs, camunda-authz/issuer's node.js) find the WebAssembly module:
// next to the package's glue, or, once a bundler has moved their code into its own output (Vite's
// SSR build with `ssr.noExternal`, esbuild for Node.js: `import.meta.url` is then the bundle's),
// in the installed package, found by its name from there.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { AuthzError } from "./core/index.js";

/** The path of the full build's `.wasm`; ERR_INIT, saying where it looked, when there is none. */
export function wasmPath(): URL | string {
  const here = new URL("./wasm/camunda_authz_bg.wasm", import.meta.url);
  if (existsSync(here)) return here;
  try {
    return createRequire(import.meta.url).resolve("camunda-authz/camunda_authz_bg.wasm");
  } catch (error) {
    throw new AuthzError(
      "ERR_INIT",
      `cannot find camunda-authz's WebAssembly module: not at ${here.pathname}, and the package \`camunda-authz\` does not resolve from ${import.meta.url} (a bundled server needs the package installed next to it, or that file)`,
      { cause: error },
    );
  }
}
