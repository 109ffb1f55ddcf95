// The service account's credentials: an OAuth client-credentials token (cached until shortly
// before it expires, one token request in flight at a time), a Basic header, or nothing.
//
// OAuth failures are backed off: after a token request fails, or after the cluster refuses a
// token just obtained, every issue fails at once with that error (no token request) for a pause
// of 1 s, doubling to 30 s while it keeps failing; a token obtained ends it. So a wrong secret or a
// cluster that refuses the service account costs one token request per pause, not one per issue.
import type { CamundaAuth } from "./config.js";
import { shownUrl } from "./config.js";
import type { RequestContext } from "./context.js";
import { issuerError, statusOf } from "./errors.js";
import { timedFetch } from "./fetch.js";
import type { Transport } from "./fetch.js";

export interface Credentials {
  /** The `Authorization` header value, or undefined for strategy NONE. */
  header(call?: RequestContext): Promise<string | undefined>;
  /**
   * The cluster answered 401 to `header`: the token is dropped. The first time (`retried`
   * false) a retry with a new token may help (the token may have been revoked or expired early),
   * unless the backoff holds; the second time, the cluster refuses even a new token, and the
   * backoff starts.
   */
  refused(header: string, where: string, retried: boolean): boolean;
  /** Token requests made so far (for tests and the benchmark). */
  readonly tokenRequests: number;
}

/** A token is renewed this long before it expires; one that lives less than twice this, at half its life. */
const RENEW_BEFORE_MS = 60_000;
const FIRST_PAUSE_MS = 1000;
const MAX_PAUSE_MS = 30_000;
/** An OAuth error code as RFC 6749 section 5.2 spells them; anything else in the body is not shown. */
const OAUTH_ERROR = /^[a-z_]{1,40}$/;

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

export function credentials(auth: CamundaAuth, transport: Transport): Credentials {
  if (auth.strategy === "NONE") return { header: async () => undefined, refused: () => false, tokenRequests: 0 };
  if (auth.strategy === "BASIC") {
    const value = `Basic ${base64(`${auth.username}:${auth.password}`)}`;
    return { header: async () => value, refused: () => false, tokenRequests: 0 };
  }
  return oauth(auth, transport);
}

function oauthError(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: unknown } | null)?.error;
    return typeof error === "string" && OAUTH_ERROR.test(error) ? ` ${error}` : "";
  } catch {
    return "";
  }
}

function oauth(auth: Extract<CamundaAuth, { strategy: "OAUTH" }>, transport: Transport): Credentials {
  let cached: { value: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  let pause: { error: Error; until: number; ms: number } | undefined;
  let count = 0;
  const endpoint = shownUrl(auth.oauthUrl);

  /** Starts or lengthens the pause; failures within a pause (concurrent callers) do not lengthen it. */
  function backOff(error: Error): Error {
    const now = transport.now();
    if (pause && now < pause.until) return error;
    const ms = pause === undefined ? FIRST_PAUSE_MS : Math.min(MAX_PAUSE_MS, pause.ms * 2);
    pause = { error, until: now + ms, ms };
    return error;
  }

  async function request(call: RequestContext | undefined): Promise<string> {
    count += 1;
    if (call) call.tokenRequests += 1;
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: auth.clientId, client_secret: auth.clientSecret });
    if (auth.audience !== undefined) form.set("audience", auth.audience);
    if (auth.scope !== undefined) form.set("scope", auth.scope);
    const res = await timedFetch(transport, auth.oauthUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form.toString() }, `the OAuth token request to ${endpoint}`, call);
    const status = `${res.status}${oauthError(res.text)}`;
    // RFC 6749 section 5.2: 401 (or a 400 saying invalid_client) is the client's credentials;
    // another 400 is the request (a scope or audience the endpoint does not grant).
    if (res.status === 401 || res.status === 403 || / (invalid_client|unauthorized_client)$/.test(status)) {
      throw issuerError("ERR_ISSUER_AUTH", `the OAuth token endpoint ${endpoint} refused the client credentials of \`${auth.clientId}\` (${status})`);
    }
    if (res.status === 400) throw issuerError("ERR_ISSUER_AUTH", `the OAuth token endpoint ${endpoint} refused the token request (${status}): check the scope and audience (CAMUNDA_OAUTH_SCOPE, CAMUNDA_TOKEN_AUDIENCE)`);
    if (res.status === 404 || res.status === 405) throw issuerError("ERR_ISSUER_AUTH", `the OAuth token endpoint ${endpoint} answered ${res.status}: is CAMUNDA_OAUTH_URL (oauthUrl) the token endpoint?`);
    if (!res.ok) throw issuerError("ERR_ISSUER_UPSTREAM", `the OAuth token request to ${endpoint} failed (${res.status})`);
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      throw issuerError("ERR_ISSUER_UPSTREAM", `the OAuth token endpoint ${endpoint} answered with something that is not JSON`);
    }
    const token = (body as { access_token?: unknown } | null)?.access_token;
    const expiresIn = (body as { expires_in?: unknown } | null)?.expires_in;
    if (typeof token !== "string" || token === "" || (expiresIn !== undefined && (typeof expiresIn !== "number" || !(expiresIn > 0)))) {
      throw issuerError("ERR_ISSUER_UPSTREAM", `the OAuth token endpoint ${endpoint} answered without an \`access_token\` and a positive \`expires_in\``);
    }
    const lifeMs = (typeof expiresIn === "number" ? expiresIn : 300) * 1000;
    pause = undefined;
    cached = { value: `Bearer ${token}`, renewAt: transport.now() + (lifeMs > 2 * RENEW_BEFORE_MS ? lifeMs - RENEW_BEFORE_MS : lifeMs / 2) };
    return cached.value;
  }

  return {
    async header(call) {
      const now = transport.now();
      if (cached && now < cached.renewAt) return cached.value;
      if (pause && now < pause.until) {
        const seconds = Math.ceil((pause.until - now) / 1000);
        const code = (pause.error as { code?: string }).code === "ERR_ISSUER_AUTH" ? "ERR_ISSUER_AUTH" : "ERR_ISSUER_UPSTREAM";
        throw issuerError(code, `${pause.error.message}; the next token request in ${seconds} s`, { status: statusOf(pause.error), retryAfter: seconds });
      }
      inFlight ??= request(call).then(
        (value) => {
          inFlight = undefined;
          return value;
        },
        (error: Error) => {
          inFlight = undefined;
          throw backOff(error);
        },
      );
      return inFlight;
    },
    refused(header, where, retried) {
      if (cached?.value === header) cached = undefined;
      if (!retried) return !(pause && transport.now() < pause.until);
      backOff(issuerError("ERR_ISSUER_AUTH", `the cluster refused the service account's new token on ${where} (401): does the cluster accept tokens of ${endpoint} for \`${auth.clientId}\` (their audience, CAMUNDA_TOKEN_AUDIENCE)?`));
      return false;
    },
    get tokenRequests() {
      return count;
    },
  };
}
