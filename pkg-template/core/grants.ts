// Grant sets and keys: verifying a signed grant set (`verifyGrants`, `VerifiedGrants`), signing one
// (`signGrants`), making keys (`generateSigningKey`), decoding without verifying (`inspectGrants`),
// and the cache of parsed key sets.
import * as glue from "../wasm/camunda_authz.js";
import { audienceText, jsonText, optionalString, seconds } from "./arguments.js";
import { AuthzError } from "./errors.js";
import { call, ready } from "./module.js";
import type { Ed25519PrivateJwk, GrantSetHeader, GrantSetInput, GrantSetPayload, InspectedGrants, Jwks, PublicJwk, SignOptions, SigningKey, VerifyOptions } from "./types.js";

const HANDLE = Symbol("handle");
let readHandle: (grants: VerifiedGrants) => glue.Grants; // set by VerifiedGrants' static block: reads the private handle
let verifiedGrants: (handle: glue.Grants) => VerifiedGrants; // set there too: calls the private constructor

/** A grant set whose signature and claims verified. Only `verifyGrants` makes one. */
export class VerifiedGrants {
  #grants: glue.Grants;
  #payload: Readonly<GrantSetPayload> | undefined;
  // Private in the types; at run time the HANDLE token keeps everyone but `verifyGrants` out.
  private constructor(handle: glue.Grants, token: typeof HANDLE) {
    if (token !== HANDLE) throw new AuthzError("ERR_GRANTS_UNVERIFIED", "VerifiedGrants come only from verifyGrants()");
    this.#grants = handle;
  }
  /** The verified payload (frozen). */
  // A fresh copy on first read, then the same frozen object.
  get payload(): Readonly<GrantSetPayload> {
    this.#payload ??= deepFreeze(JSON.parse(call(() => this.#grants.payload())));
    return this.#payload!;
  }
  /** The protected header: `{ alg, typ, kid }`. */
  get header(): GrantSetHeader {
    return JSON.parse(call(() => this.#grants.header()));
  }
  /** When the grant set expires, as a Date. */
  get expiresAt(): Date {
    return new Date(this.payload.exp * 1000);
  }
  static {
    readHandle = (grants) => grants.#grants;
    verifiedGrants = (handle) => new VerifiedGrants(handle, HANDLE);
  }
}

/** @internal The core's handle of a verified grant set, for the Authorizer (not exported by the package). */
export function grantsHandle(grants: VerifiedGrants): glue.Grants {
  return readHandle(grants);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The default `maxLifetime`: a grant set may live a day (`exp - iat`). */
const DEFAULT_MAX_LIFETIME = 86_400;

/** The default `maxTokenBytes`: 1 MiB. */
const DEFAULT_MAX_TOKEN_BYTES = 1 << 20;

/** At most this many characters in a JWKS (as given, or as `JSON.stringify` writes it). */
const MAX_JWKS_CHARS = 1 << 20;
/** The largest `maxTokenBytes` a caller may set. */
const MAX_TOKEN_BYTES_LIMIT = 1 << 26;
/** The largest `clockTolerance`, in seconds (an hour). */
const MAX_CLOCK_TOLERANCE = 3600;

// Key sets are cached by their JSON text, never by object identity: a JWKS object changed in
// place (a key revoked, a key added) is read again. The few most recent texts are kept.
const KEY_SET_CACHE = 4;
const keySets = new Map<string, glue.Keys>();

function keySet(jwks: unknown): glue.Keys {
  if (typeof jwks !== "string" && (jwks === null || typeof jwks !== "object")) throw new AuthzError("ERR_JWKS_INVALID", "a JWKS must be an object with a `keys` array");
  const text = jsonText(jwks, "ERR_JWKS_INVALID", "the JWKS", MAX_JWKS_CHARS);
  let keys = keySets.get(text);
  if (keys !== undefined) {
    keySets.delete(text); // most recent last
  } else {
    keys = call(() => new glue.Keys(text), "ERR_JWKS_INVALID");
    if (keySets.size >= KEY_SET_CACHE) {
      const [oldest, old] = keySets.entries().next().value!;
      keySets.delete(oldest);
      old.free();
    }
  }
  keySets.set(text, keys);
  return keys;
}

/** `issuer` or `audience`: required, with `null` as the explicit way to skip the check. */
function expected(options: VerifyOptions, name: "issuer" | "audience", example: string): string | readonly string[] | null {
  const value = options[name];
  if (value === undefined) {
    throw new AuthzError(
      "ERR_ARGUMENT_INVALID",
      `verifyGrants needs the \`${name}\` option: the expected ${name} (${example}), or \`${name}: null\` to skip that check on purpose`,
    );
  }
  return value;
}

/**
 * Verifies a signed grant set (a compact JWS) against the issuer's public keys and returns it.
 * Throws `AuthzError` with the first failing check's code.
 */
// Options: `issuer` and `audience` (string or array) are required, `null` skips that check;
// `now` (seconds or a Date; default the current time), `clockTolerance` (seconds, 0 to 3600,
// default 0), `maxTokenBytes` (default 1 MiB, at most 64 MiB; checked before the token is
// copied anywhere), `maxLifetime` (seconds, default a day; `null` lifts it), `physicalTenant`
// (required to equal the grant set's, when given).
export function verifyGrants(token: string, jwks: Jwks | PublicJwk | string, options: VerifyOptions): VerifiedGrants {
  ready();
  if (typeof token !== "string") throw new AuthzError("ERR_GRANTS_MALFORMED", `a grant set is a compact JWS string, not ${token === null ? "null" : typeof token}`);
  if (options === null || typeof options !== "object") {
    throw new AuthzError("ERR_ARGUMENT_INVALID", "verifyGrants(token, jwks, { issuer, audience }) needs its options: the expected `issuer` and `audience` (`null` skips a check on purpose)");
  }
  const issuer = expected(options, "issuer", 'e.g. "https://tasklist.example.com"');
  const audience = expected(options, "audience", 'e.g. "tasklist"');
  const { now, clockTolerance, maxTokenBytes, maxLifetime, physicalTenant } = options;
  const at = seconds(now, "now", Date.now() / 1000);
  const tolerance = seconds(clockTolerance, "clockTolerance", 0);
  if (!(tolerance >= 0 && tolerance <= MAX_CLOCK_TOLERANCE)) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", `\`clockTolerance\` must be between 0 and ${MAX_CLOCK_TOLERANCE} seconds, not ${tolerance}`);
  }
  const max = seconds(maxTokenBytes, "maxTokenBytes", DEFAULT_MAX_TOKEN_BYTES);
  if (!(max >= 0 && max <= MAX_TOKEN_BYTES_LIMIT)) throw new AuthzError("ERR_ARGUMENT_INVALID", `\`maxTokenBytes\` must be between 0 and ${MAX_TOKEN_BYTES_LIMIT}`);
  const bound = Math.floor(max);
  // Each UTF-16 code unit is at least one UTF-8 byte: a longer string is over the bound, and is
  // refused here, before it is copied into wasm memory.
  if (token.length > bound) throw new AuthzError("ERR_GRANTS_TOO_LARGE", `the grant set is at least ${token.length} bytes, over the bound of ${bound}`);
  // `null` lifts the bound on purpose; the core checks the range (a positive number of seconds).
  const lifetime = maxLifetime === null ? undefined : seconds(maxLifetime, "maxLifetime", DEFAULT_MAX_LIFETIME);
  const iss = optionalString(issuer, "issuer");
  const aud = audienceText(audience);
  const tenant = optionalString(physicalTenant, "physicalTenant");
  const keys = keySet(jwks);
  const handle = call(() => glue.verify(token, keys, at, tolerance, iss, aud, bound, lifetime, tenant), "ERR_GRANTS_MALFORMED");
  return verifiedGrants(handle);
}

/**
 * Signs a grant-set payload with a private Ed25519 JWK; returns the compact JWS. With `ttl`
 * (seconds) it sets `iat` = now and `exp` = now + ttl; without, it keeps the payload's `exp` or
 * gives 900 s. Fills `ver` when missing, and `iss` / `aud` from `issuer` / `audience`.
 */
export function signGrants(payload: GrantSetInput | string, privateJwk: Ed25519PrivateJwk | string, options: SignOptions = {}): string {
  ready();
  const { ttl, issuer, audience, now } = options ?? {};
  const at = seconds(now, "now", Date.now() / 1000);
  const life = seconds(ttl, "ttl", undefined);
  const payloadText = jsonText(payload, "ERR_GRANTS_MALFORMED", "the payload");
  const keyText = jsonText(privateJwk, "ERR_KEY_INVALID", "the private key", MAX_JWKS_CHARS);
  const iss = optionalString(issuer, "issuer");
  const aud = audienceText(audience);
  return call(() => glue.sign(payloadText, keyText, at, life, iss, aud), "ERR_GRANTS_MALFORMED");
}

/**
 * What `signGrants` would sign, `<header>.<payload>`, after every check it makes: for a signer of
 * the platform's (Ed25519 is deterministic, so the token is the same to the byte).
 * @internal
 */
export function grantsSigningInput(payload: GrantSetInput | string, kid: string, options: SignOptions = {}): string {
  ready();
  const { ttl, issuer, audience, now } = options ?? {};
  const at = seconds(now, "now", Date.now() / 1000);
  const life = seconds(ttl, "ttl", undefined);
  const payloadText = jsonText(payload, "ERR_GRANTS_MALFORMED", "the payload");
  const iss = optionalString(issuer, "issuer");
  const aud = audienceText(audience);
  return call(() => glue.signingInput(payloadText, kid, at, life, iss, aud), "ERR_GRANTS_MALFORMED");
}

/** The longest key id `generateSigningKey` takes. */
const MAX_KID_CHARS = 1024;

/** A new Ed25519 signing key: `{ kid, privateJwk, publicJwk, jwks }`. Keep `privateJwk` on the server; publish `jwks`. */
export function generateSigningKey(kid: string): SigningKey {
  if (typeof kid !== "string" || kid === "") throw new AuthzError("ERR_ARGUMENT_INVALID", "generateSigningKey(kid) needs a non-empty key id");
  if (kid.length > MAX_KID_CHARS) throw new AuthzError("ERR_ARGUMENT_INVALID", `a key id is at most ${MAX_KID_CHARS} characters, not ${kid.length}`);
  return call(() => glue.generateSigningKey(kid));
}

/** Decodes a grant set WITHOUT verifying it (for debugging): `{ header, payload, verified: false }`. */
export function inspectGrants(token: string): InspectedGrants {
  if (typeof token !== "string") throw new AuthzError("ERR_GRANTS_MALFORMED", "a grant set is a compact JWS string");
  if (token.length > DEFAULT_MAX_TOKEN_BYTES) throw new AuthzError("ERR_GRANTS_TOO_LARGE", `the grant set is at least ${token.length} bytes, over the bound of ${DEFAULT_MAX_TOKEN_BYTES}`);
  return JSON.parse(call(() => glue.inspectGrants(token)));
}
