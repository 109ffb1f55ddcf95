// What the cluster said of a user token, kept: once the cluster accepted a token (GET
// /v2/authentication/me, and from 8.10 the own-authorizations search), an issue for the same
// token within the cache period reads its answer from here, not from the cluster. So a cached
// grant set costs no round trip, and a slow or briefly unavailable cluster slows or refuses only
// the grant sets it must be asked for.
//
// - The key is the token's SHA-256, never the token: a key is 43 characters whatever the token's
//   length, and a cache dump holds no credential. Equal tokens are equal bytes, so the cluster
//   would read the same claims from them: keeping its answer is what it would answer again.
// - An entry lives `cacheTtl` from when the cluster answered, and never past the token's own
//   `exp` (read from the token, which the cluster accepted as it is): an expired token is asked
//   about again, and the cluster refuses it.
// - A refusal is never kept; `fresh` drops the entry first (the cluster is asked again);
//   at most `cacheEntries` tokens, the oldest goes first.
// What this gives up: a token the cluster would refuse from now on for another reason than its
// expiry (a BASIC password changed, a user deleted) keeps its grant set for at most the cache
// period, as the memberships and authorizations the issuer caches do.
import { toBase64url } from "../http/base64url.js";
import { TtlCache } from "./cache.js";
import type { Load } from "./cache.js";
import type { Claims } from "./claims.js";

/** A text's SHA-256, base64url (43 characters): the platform's own where it has one (node:crypto), which is synchronous. */
export type Sha256 = (text: string) => string;

/** The token's SHA-256, base64url, by Web Crypto (every runtime has it; asynchronous). */
async function digest(token: string): Promise<string> {
  return toBase64url(new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(token))));
}

/** Whether the token's claims say it has expired at `nowMs` (a token without a numeric `exp` never does). */
function expired(claims: Claims, nowMs: number): boolean {
  const exp = claims.exp;
  return typeof exp === "number" && exp * 1000 <= nowMs;
}

export class TokenAnswers<V> {
  readonly #cache: TtlCache<V>;
  readonly #now: () => number;
  readonly #sha256: Sha256 | undefined;

  constructor(ttlMs: number, now: () => number, max: number, sha256?: Sha256) {
    this.#cache = new TtlCache<V>(ttlMs, now, max);
    this.#now = now;
    this.#sha256 = sha256;
  }

  /** The cluster's answer for `token` (whose unverified `claims` are given): kept, or `load`ed (and kept once it succeeds). */
  async get(token: string, claims: Claims, load: Load<V>, options: { fresh: boolean; onMiss: () => void }): Promise<V> {
    const key = this.#sha256 === undefined ? await digest(token) : this.#sha256(token);
    if (options.fresh || expired(claims, this.#now())) this.#cache.forget(key);
    return this.#cache.get(key, load, options.onMiss);
  }

  get size(): number {
    return this.#cache.size;
  }

  clear(): void {
    this.#cache.clear();
  }
}
