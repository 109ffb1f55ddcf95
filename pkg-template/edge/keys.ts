// The issuer's public keys as the proxy holds them: a static JWKS, checked when the proxy is
// made, or a JWKS URL cached as the grant session caches it (session/keys.ts createKeySet: kept
// `jwksMaxAge`, fetched again for a token whose `kid` the set lacks, at most once per
// `jwksCooldown`), so the issuer rotates its keys without the edge being redeployed.
import { AuthzError, verifyGrants } from "../core/index.js";
import type { Jwks, VerifiedGrants, VerifyOptions } from "../core/index.js";
import { secondsOption } from "../session/options.js";
import { createKeySet } from "../session/keys.js";
import { readText, TooLarge } from "./body.js";
import type { SearchProxyOptions } from "./types.js";

/** A JWKS is small; the core refuses one over 1 MiB anyway. */
const MAX_JWKS_BYTES = 1 << 20;

export interface GrantKeys {
  /** The verified grant set, or the AuthzError of the first check that failed. */
  verify(token: string): Promise<VerifiedGrants>;
}

/** The key set at `url`, fetched within `timeoutMs` and read with a byte cap. */
async function fetchJwks(fetcher: typeof fetch, url: string, timeoutMs: number): Promise<Jwks> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let text: string;
  try {
    const res = await fetcher(url, { headers: { accept: "application/jwk-set+json, application/json;q=0.9" }, signal: controller.signal });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new AuthzError("ERR_JWKS_UNAVAILABLE", `cannot fetch the key set from \`${url}\`: HTTP ${res.status}`);
    }
    text = await readText(res, MAX_JWKS_BYTES);
  } catch (error) {
    if (error instanceof AuthzError) throw error;
    if (error instanceof TooLarge) throw new AuthzError("ERR_JWKS_INVALID", `the key set from \`${url}\`: ${error.message}`);
    const why = controller.signal.aborted ? `no answer within ${timeoutMs} ms` : "the server could not be reached";
    throw new AuthzError("ERR_JWKS_UNAVAILABLE", `cannot fetch the key set from \`${url}\`: ${why}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  try {
    return JSON.parse(text) as Jwks;
  } catch (error) {
    throw new AuthzError("ERR_JWKS_INVALID", `the key set from \`${url}\` is not JSON`, { cause: error });
  }
}

export function grantKeys(options: SearchProxyOptions, verifyOptions: VerifyOptions, fetcher: typeof fetch, timeoutMs: number): GrantKeys {
  const { jwks, jwksUrl } = options;
  if ((jwks === undefined) === (jwksUrl === undefined)) throw new AuthzError("ERR_ARGUMENT_INVALID", "createSearchProxy: pass exactly one of `jwks` and `jwksUrl`");
  if (jwks !== undefined) {
    // Parsed now, so a broken key binding fails here rather than on every request.
    try {
      verifyGrants("", jwks, { issuer: null, audience: null });
    } catch (error) {
      if (!(error instanceof AuthzError) || error.code !== "ERR_GRANTS_MALFORMED") throw error;
    }
    return { verify: async (token) => verifyGrants(token, jwks, verifyOptions) };
  }
  if (typeof jwksUrl !== "string" || !/^https?:\/\//.test(jwksUrl)) throw new AuthzError("ERR_ARGUMENT_INVALID", "createSearchProxy: `jwksUrl` must be an http or https URL");
  const keys = createKeySet(() => fetchJwks(fetcher, jwksUrl, timeoutMs), Date.now, {
    cooldown: secondsOption(options.jwksCooldown, "jwksCooldown", 30) * 1000,
    maxAge: secondsOption(options.jwksMaxAge, "jwksMaxAge", 600) * 1000,
  });
  return {
    async verify(token) {
      try {
        return verifyGrants(token, await keys.get(), verifyOptions);
      } catch (error) {
        if (!(error instanceof AuthzError) || error.code !== "ERR_GRANTS_KEY_NOT_FOUND") throw error;
        // A key the set lacks: the issuer may have rotated. Fetch again, unless that was just done.
        const fresh = await keys.reload();
        if (fresh === null) throw error;
        return verifyGrants(token, fresh, verifyOptions);
      }
    },
  };
}
