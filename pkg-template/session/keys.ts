// The issuer's public keys as a grant session holds them, like jose's createRemoteJWKSet: fetched
// on first use, kept for `maxAge`, fetched again when a token names a key id the set lacks, but
// at most once per `cooldown` (so a token with a made-up `kid` cannot make the page hammer the
// server). A fetch replaces the whole set, so a key the issuer removed is gone after it.
// While the key set's URL fails, the set fetched last is used for at most another `maxAge` after it
// went stale, and fetched again at most once per `cooldown` meanwhile; after that, no keys until a
// fetch succeeds (fail closed), and a failure is answered again for `failureHold` without a fetch
// (so that an edge does not fetch once per request; a grant session, which backs off on its own,
// holds none).

import type { Jwks } from "../core/index.js";
import { sessionError } from "./errors.js";

export interface KeySetOptions {
  /** Milliseconds after a fetch during which an unknown `kid` does not fetch again (default 30000). */
  cooldown?: number;
  /** Milliseconds a fetched key set is used before it is fetched again (default 600000). */
  maxAge?: number;
  /** Milliseconds a failed fetch is answered again without a fetch when no set is left to use (default 1000). */
  failureHold?: number;
}

export interface KeySet {
  /** The key set: the cached one while fresh, else fetched (concurrent calls share one fetch); while the URL fails, the last one fetched for up to another `maxAge`. */
  get(): Promise<Jwks>;
  /** Fetches again unless the last fetch began within the cool-down; `null` when cooling down. */
  reload(): Promise<Jwks | null>;
}

function checked(jwks: unknown): Jwks {
  if (typeof jwks !== "object" || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw sessionError("ERR_JWKS_INVALID", "the key set must be a JSON object with a `keys` array");
  }
  return jwks as Jwks;
}

export function createKeySet(fetchJwks: () => Promise<Jwks>, now: () => number, { cooldown = 30_000, maxAge = 600_000, failureHold = 1000 }: KeySetOptions = {}): KeySet {
  let cached: Jwks | null = null;
  let fetchedAt = -Infinity; // when the cached set arrived
  let attemptedAt = -Infinity; // when the last fetch began, successful or not
  let failure: unknown = null; // why the last fetch failed, until one succeeds
  let inflight: Promise<Jwks> | null = null;

  /** Whether the last set fetched may still be used while its URL fails: up to `maxAge` past its own. */
  const usable = () => cached !== null && now() - fetchedAt < 2 * maxAge;
  const staleOr = (error: unknown): Jwks => {
    if (usable() && cached !== null) return cached;
    throw error;
  };

  const fetchNow = (): Promise<Jwks> => {
    inflight ??= (async () => {
      attemptedAt = now();
      try {
        const jwks = checked(await fetchJwks());
        cached = jwks;
        fetchedAt = now();
        failure = null;
        return jwks;
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  };

  return {
    get() {
      if (inflight !== null) return inflight.catch(staleOr);
      if (cached !== null && now() - fetchedAt < maxAge) return Promise.resolve(cached);
      if (failure !== null && now() - attemptedAt < (usable() ? cooldown : failureHold)) return new Promise((resolve) => resolve(staleOr(failure)));
      return fetchNow().catch(staleOr);
    },
    reload() {
      if (inflight !== null) return inflight;
      if (now() - attemptedAt < cooldown) return Promise.resolve(null);
      return fetchNow();
    },
  };
}
