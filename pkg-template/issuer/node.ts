/// <reference types="node" />
// The issuer in Node.js: the module is read next to the package's glue and loaded before the
// first signature.
import { readFileSync } from "node:fs";
import { initSync } from "../core/index.js";
import { loaded } from "./entry.js";

export * from "./index.js";
export { toNodeListener } from "./node-http.js";
export const { createIssuer, generateSigningKey } = loaded(() => initSync(readFileSync(new URL("../wasm/camunda_authz_bg.wasm", import.meta.url))));
