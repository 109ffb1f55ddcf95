// The service account's credentials: an OAuth client-credentials token (cached until shortly
// before it expires, one token request in flight at a time), a Basic header, or nothing.
import type { CamundaAuth } from "./config.js";
import { issuerError } from "./errors.js";
import { timedFetch } from "./fetch.js";
import type { Transport } from "./fetch.js";

export interface Credentials {
  /** The `Authorization` header value, or undefined for strategy NONE. */
  header(): Promise<string | undefined>;
  /** Forgets a cached token (the cluster answered 401 with it). */
  invalidate(): void;
  /** Token requests made so far (for tests and the benchmark). */
  readonly tokenRequests: number;
}

/** A token is renewed this long before it expires; one that lives less than twice this, at half its life. */
const RENEW_BEFORE_MS = 60_000;

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

export function credentials(auth: CamundaAuth, transport: Transport): Credentials {
  if (auth.strategy === "NONE") return { header: async () => undefined, invalidate() {}, tokenRequests: 0 };
  if (auth.strategy === "BASIC") {
    const value = `Basic ${base64(`${auth.username}:${auth.password}`)}`;
    return { header: async () => value, invalidate() {}, tokenRequests: 0 };
  }
  return oauth(auth, transport);
}

function oauth(auth: Extract<CamundaAuth, { strategy: "OAUTH" }>, transport: Transport): Credentials {
  let cached: { value: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  let count = 0;

  async function request(): Promise<string> {
    count += 1;
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: auth.clientId, client_secret: auth.clientSecret });
    if (auth.audience !== undefined) form.set("audience", auth.audience);
    if (auth.scope !== undefined) form.set("scope", auth.scope);
    const what = "the oauth token request";
    const res = await timedFetch(transport, auth.oauthUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form.toString() }, what);
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw issuerError("ERR_ISSUER_AUTH", `the oauth endpoint refused the service account's client credentials (${res.status})`);
    }
    if (!res.ok) throw issuerError("ERR_ISSUER_UPSTREAM", `${what} failed (${res.status})`);
    let body: unknown;
    try {
      body = await res.json();
    } catch (cause) {
      throw issuerError("ERR_ISSUER_UPSTREAM", `${what} answered with something that is not JSON`, { cause });
    }
    const token = (body as { access_token?: unknown } | null)?.access_token;
    const expiresIn = (body as { expires_in?: unknown } | null)?.expires_in;
    if (typeof token !== "string" || token === "" || (expiresIn !== undefined && (typeof expiresIn !== "number" || !(expiresIn > 0)))) {
      throw issuerError("ERR_ISSUER_UPSTREAM", `${what} answered without an \`access_token\` and a positive \`expires_in\``);
    }
    const lifeMs = (typeof expiresIn === "number" ? expiresIn : 300) * 1000;
    cached = { value: `Bearer ${token}`, renewAt: transport.now() + (lifeMs > 2 * RENEW_BEFORE_MS ? lifeMs - RENEW_BEFORE_MS : lifeMs / 2) };
    return cached.value;
  }

  return {
    async header() {
      if (cached && transport.now() < cached.renewAt) return cached.value;
      inFlight ??= request().finally(() => (inFlight = undefined));
      return inFlight;
    },
    invalidate() {
      cached = undefined;
    },
    get tokenRequests() {
      return count;
    },
  };
}
