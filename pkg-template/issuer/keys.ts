// Keys for the issuer: the public half of a private JWK, and a key ring for rotation (the
// current signing key plus older public keys that verifiers still need until their last grant
// set expired).
import { AuthzError } from "../core/index.js";
import type { Ed25519PrivateJwk, Ed25519PublicJwk, Jwks, PublicJwk } from "../core/index.js";

/** The public JWK of a private Ed25519 JWK (`d` dropped), marked for signatures. */
export function publicKeyOf(privateJwk: Ed25519PrivateJwk): Ed25519PublicJwk {
  const { kty, crv, x, kid } = privateJwk;
  if (kty !== "OKP" || crv !== "Ed25519" || typeof x !== "string") throw new AuthzError("ERR_KEY_INVALID", "the signing key is not an Ed25519 JWK (`kty` OKP, `crv` Ed25519, `x`)");
  return { kty, crv, x, ...(kid === undefined ? {} : { kid }), alg: "EdDSA", use: "sig" };
}

/** A key file's content: one private JWK, or `{ keys: [current private JWK, older public JWKs...] }`. */
export interface KeyRing {
  signingKey: Ed25519PrivateJwk;
  previousKeys: PublicJwk[];
}

/** Reads a key ring from JSON text or a parsed value. The first key signs; the rest are published only. */
export function keyRing(value: unknown): KeyRing {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  const keys: unknown[] = Array.isArray((parsed as Jwks | null)?.keys) ? [...(parsed as Jwks).keys] : [parsed];
  const [first, ...rest] = keys;
  const signingKey = first as Ed25519PrivateJwk | undefined;
  if (!signingKey || typeof signingKey !== "object" || typeof signingKey.d !== "string") throw new AuthzError("ERR_KEY_INVALID", "the first key of the key ring must be a private Ed25519 JWK");
  const previousKeys = rest.map((k) => {
    if (k === null || typeof k !== "object") throw new AuthzError("ERR_KEY_INVALID", "an older key of the key ring is not a JWK");
    // Only the public half of an older key is ever published.
    const { d: _secret, ...pub } = k as Ed25519PrivateJwk;
    return publicKeyOf({ ...pub, d: "" } as Ed25519PrivateJwk);
  });
  return { signingKey, previousKeys };
}
