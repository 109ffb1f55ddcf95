/// <reference types="node" />
// Ed25519 by node:crypto for the issuer in Node.js: the signature of a signing input that the
// module has prepared and checked (core/grants.ts grantsSigningInput). Ed25519 is deterministic,
// so the token is the same to the byte as the module's own; node:crypto signs in 0.06 ms where
// the module takes 0.5 ms, most of what signing costs an issue (bench/RESULTS.md).
import { createPrivateKey, sign } from "node:crypto";
import type { Ed25519PrivateJwk } from "../core/index.js";

/** A signer for the key, or undefined when node:crypto does not take it (the module signs then). */
export function nodeSigner(privateJwk: Ed25519PrivateJwk): ((signingInput: string) => string) | undefined {
  let key;
  try {
    key = createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d: privateJwk.d, x: privateJwk.x }, format: "jwk" });
  } catch {
    return undefined;
  }
  return (signingInput) => sign(null, Buffer.from(signingInput), key).toString("base64url");
}
