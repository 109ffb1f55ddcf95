// Signing a grant set, and reusing one: a principal that asks again with the same memberships
// and authorizations within the reuse window, min(cacheTtl, ttl / 10), gets the grant set it
// got (the same token, jti, iat and exp) without a new signature. Signing is much of what an
// issue costs the issuer's CPU (Ed25519 in WebAssembly about 0.5 ms here, by node:crypto in
// Node.js 0.06 ms, see node-sign.ts; bench/RESULTS.md), and a page reload or a second tab asks
// again at once. The window is a tenth of the lifetime at
// most, so a grant session, which renews after four fifths of it, always gets a new one. The
// cache holds one grant set per principal, with the text of everything it says but its `jti`:
// a grant set is reused only when that text is the same. It is bounded by `cacheEntries`. A
// grant set over what verifiers accept is refused here, before it leaves.
import { AuthzError, inspectGrants, signGrants } from "../core/index.js";
import { grantsSigningInput } from "../core/grants.js";
import type { Authorization, GrantSetPayload } from "../core/index.js";
import { TtlCache } from "./cache.js";
import type { Memberships } from "./memberships.js";
import type { Settings } from "./options.js";

/** The largest grant set verifiers take by default (`verifyGrants`' `maxTokenBytes`, 1 MiB). */
export const MAX_GRANT_SET_BYTES = 1 << 20;

export interface Signed {
  token: string;
  payload: GrantSetPayload;
  expiresAt: Date;
}

/** A grant set signed, with the text of what it says (but its `jti`). */
interface Kept extends Signed {
  content: string;
}

/** A compact JWS from its signing input and the platform's signature of it. */
function signedWith(signWith: (input: string) => string, input: string): string {
  return `${input}.${signWith(input)}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export class Signer {
  readonly #s: Settings;
  readonly #reused: TtlCache<Kept>;

  constructor(s: Settings) {
    this.#s = s;
    this.#reused = new TtlCache(Math.min(s.cacheMs, s.ttl * 100), s.now, s.cacheEntries);
  }

  /** `authorizationsEnabled`: the cluster's own answer where it gave one (8.10), else the option. */
  async sign(m: Memberships, authorizations: Authorization[], said: { authorizationsEnabled?: boolean } = {}): Promise<Signed> {
    const s = this.#s;
    const content = {
      ver: 1 as const,
      camundaVersion: s.camundaVersion,
      ...(s.physicalTenant === undefined ? {} : { physicalTenant: s.physicalTenant }),
      sub: m.id,
      authorizationsEnabled: said.authorizationsEnabled ?? s.authorizationsEnabled,
      multiTenancyEnabled: s.multiTenancyEnabled,
      // Tenants count only with multi-tenancy on; the directory is not walked for them otherwise.
      principal: { type: m.type, id: m.id, groups: m.groups, roles: m.roles, tenants: s.multiTenancyEnabled ? m.tenants : [], mappingRules: m.mappingRules },
      authorizations,
    };
    const text = JSON.stringify(content);
    // A lower bound of the token's length (base64url of the payload alone), before signing it.
    const estimate = Math.ceil((text.length * 4) / 3);
    if (estimate > MAX_GRANT_SET_BYTES) throw this.#tooLarge(m, authorizations, estimate);
    const sign = async (): Promise<Kept> => {
      const input = { ...content, jti: globalThis.crypto.randomUUID() };
      const options = { ttl: s.ttl, issuer: s.issuer, audience: s.audience, now: s.now() / 1000 };
      const token = s.signWith === undefined ? signGrants(input, s.signingKey, options) : signedWith(s.signWith, grantsSigningInput(input, String(s.signingKey.kid), options));
      if (token.length > MAX_GRANT_SET_BYTES) throw this.#tooLarge(m, authorizations, token.length);
      const payload = deepFreeze(inspectGrants(token).payload as GrantSetPayload);
      return { token, payload, expiresAt: new Date(payload.exp * 1000), content: text };
    };
    const key = `${m.type}\u0000${m.id}`;
    const kept = await this.#reused.get(key, sign);
    if (kept.content === text) return kept;
    // Another content for this principal: a new grant set, kept in place of the old one. A grant
    // set is only ever returned for its own content: should another issue of this principal
    // with yet another content have taken the place meanwhile, this one signs its own, unkept.
    this.#reused.forget(key);
    const again = await this.#reused.get(key, sign);
    return again.content === text ? again : sign();
  }

  #tooLarge(m: Memberships, authorizations: Authorization[], bytes: number): AuthzError {
    return new AuthzError(
      "ERR_GRANTS_TOO_LARGE",
      `the grant set of \`${m.id}\` would be ${bytes} bytes with ${authorizations.length} authorizations, over the ${MAX_GRANT_SET_BYTES} bytes verifiers accept (maxTokenBytes): keep only the resource types the verifiers decide on with the \`resourceTypes\` option, e.g. ["PROCESS_DEFINITION", "USER_TASK"]`,
    );
  }

  get size(): number {
    return this.#reused.size;
  }

  clear(): void {
    this.#reused.clear();
  }
}
