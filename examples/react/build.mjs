// Builds the React example with Vite into examples/react/dist/ (or `outDir`), against the
// package as `./x build` left it in pkg/ and React from tests/js/node_modules. No Vite plugin:
// Vite's own transform compiles the TSX (automatic JSX runtime).
//
//   node examples/react/build.mjs

import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(HERE, "..", "..");
const MODULES = join(ROOT, "tests", "js", "node_modules");

/** Builds the page; resolves the output directory. */
export async function buildExample({ outDir = join(HERE, "dist") } = {}) {
  const { build } = await import(pathToFileURL(join(MODULES, "vite", "dist", "node", "index.js")).href);
  await build({
    root: HERE,
    configFile: false,
    logLevel: "warn",
    resolve: {
      alias: {
        // A real app installs these; here they come from the repository.
        "camunda-authz/react": join(ROOT, "pkg", "react.js"),
        "camunda-authz": join(ROOT, "pkg", "index.js"),
        "react-dom": join(MODULES, "react-dom"),
        react: join(MODULES, "react"),
      },
    },
    oxc: { jsx: { runtime: "automatic", importSource: "react" } },
    build: { outDir, emptyOutDir: true, target: "es2022", reportCompressedSize: false },
  });
  return outDir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(`built ${await buildExample()}`);
}
