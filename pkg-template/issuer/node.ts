/// <reference types="node" />
// The issuer in Node.js: the module is read next to the package's glue (or, bundled, from the
// installed package: node-wasm.ts) and loaded before the first signature. Its requests go over
// node:http and node:https (node-fetch.ts) unless the options bring a `fetch`, and its signatures
// are node:crypto's (node-sign.ts), as is the SHA-256 that keys what the cluster said of a token.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { initSync } from "../core/index.js";
import { wasmPath } from "../node-wasm.js";
import { loaded } from "./entry.js";
import { nodeFetch } from "./node-fetch.js";
import { nodeSigner } from "./node-sign.js";

export * from "./index.js";
export { toNodeListener } from "./node-http.js";
export const { createIssuer, generateSigningKey } = loaded(() => initSync(readFileSync(wasmPath())), { fetch: nodeFetch, signer: nodeSigner, sha256: (text) => createHash("sha256").update(text).digest("base64url") });
