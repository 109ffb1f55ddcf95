// The files a browser fetches through the package's browser entry: the entry's static import
// graph (relative imports only) and the .wasm the glue loads through `new URL(..., import.meta.url)`.
// The size rows and the browser bench count exactly these, so a module added to the entry is
// counted without editing a list.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

const IMPORT = /(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g;
const WASM_URL = /new URL\(\s*["']([^"']+\.wasm)["']\s*,\s*import\.meta\.url\s*\)/g;

/** Paths relative to `pkgDir`, the entry first, from the `browser` condition of exports["."]. */
export function browserFiles(pkgDir) {
  const manifest = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  const entry = manifest.exports["."].browser;
  const seen = new Set();
  const visit = (file) => {
    const rel = path.relative(pkgDir, file);
    if (seen.has(rel) || !existsSync(file)) return;
    seen.add(rel);
    if (!file.endsWith(".js")) return;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(IMPORT)) visit(path.resolve(path.dirname(file), m[1]));
    for (const m of text.matchAll(WASM_URL)) visit(path.resolve(path.dirname(file), m[1]));
  };
  visit(path.resolve(pkgDir, entry));
  return [...seen];
}
