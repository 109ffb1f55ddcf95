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

/** The longest key ring text `keyRing` reads, as `signGrants` bounds a private JWK (1 Mi characters). */
export const MAX_KEY_RING_CHARS = 1 << 20;

/**
 * Reads a key ring from JSON text or a parsed value. The first key signs; the rest are published
 * only. No message repeats the text: a parse error of a key file would otherwise show the
 * private key's `d` (V8's messages quote the text around the error); only its position is said.
 */
export function keyRing(value: unknown): KeyRing {
  let parsed: unknown = value;
  if (typeof value === "string") {
    if (value.length > MAX_KEY_RING_CHARS) throw new AuthzError("ERR_KEY_INVALID", `the key ring is ${value.length} characters, over the bound of ${MAX_KEY_RING_CHARS}`);
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      const at = /position (\d+)/.exec((error as Error).message)?.[1];
      throw new AuthzError("ERR_KEY_INVALID", `the key ring is not JSON${at === undefined ? "" : ` (at character ${at})`}`);
    }
  }
  if (parsed === null || typeof parsed !== "object") throw new AuthzError("ERR_KEY_INVALID", "the key ring must be a private Ed25519 JWK or { \"keys\": [...] }");
  const keys: unknown[] = Array.isArray((parsed as Jwks).keys) ? [...(parsed as Jwks).keys] : [parsed];
  const [first, ...rest] = keys;
  const signingKey = first as Ed25519PrivateJwk | undefined;
  if (!signingKey || typeof signingKey !== "object" || typeof signingKey.d !== "string") throw new AuthzError("ERR_KEY_INVALID", "the first key of the key ring must be a private Ed25519 JWK");
  return { signingKey, previousKeys: rest.map((k) => publicHalf(k, "an older key of the key ring")) };
}

/** The public half of an older key, whatever it holds: only that is ever published. */
export function publicHalf(key: unknown, what: string): Ed25519PublicJwk {
  if (key === null || typeof key !== "object") throw new AuthzError("ERR_KEY_INVALID", `${what} is not a JWK`);
  const { d: _secret, ...pub } = key as Ed25519PrivateJwk;
  return publicKeyOf({ ...pub, d: "" } as Ed25519PrivateJwk);
}
