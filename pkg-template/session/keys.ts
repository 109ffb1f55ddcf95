// The issuer's public keys as a grant session holds them, like jose's createRemoteJWKSet: fetched
// on first use, kept for `maxAge`, fetched again when a token names a key id the set lacks, but
// at most once per `cooldown` (so a token with a made-up `kid` cannot make the page hammer the
// server). A fetch replaces the whole set, so a key the issuer removed is gone after it.

import type { Jwks } from "../core/index.js";
import { sessionError } from "./errors.js";

export interface KeySetOptions {
  /** Milliseconds after a fetch during which an unknown `kid` does not fetch again (default 30000). */
  cooldown?: number;
  /** Milliseconds a fetched key set is used before it is fetched again (default 600000). */
  maxAge?: number;
}

export interface KeySet {
  /** The key set: the cached one while fresh, else fetched (concurrent calls share one fetch). */
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

export function createKeySet(fetchJwks: () => Promise<Jwks>, now: () => number, { cooldown = 30_000, maxAge = 600_000 }: KeySetOptions = {}): KeySet {
  let cached: Jwks | null = null;
  let fetchedAt = -Infinity; // when the cached set arrived
  let attemptedAt = -Infinity; // when the last fetch began, successful or not
  let inflight: Promise<Jwks> | null = null;

  const fetchNow = (): Promise<Jwks> => {
    inflight ??= (async () => {
      attemptedAt = now();
      try {
        const jwks = checked(await fetchJwks());
        cached = jwks;
        fetchedAt = now();
        return jwks;
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  };

  return {
    get() {
      if (inflight !== null) return inflight;
      if (cached !== null && now() - fetchedAt < maxAge) return Promise.resolve(cached);
      return fetchNow();
    },
    reload() {
      if (inflight !== null) return inflight;
      if (now() - attemptedAt < cooldown) return Promise.resolve(null);
      return fetchNow();
    },
  };
}
