// Where the issuer reaches the cluster and as whom: an options object, or the environment
// variables Camunda's own SDKs read (CAMUNDA_REST_ADDRESS, CAMUNDA_AUTH_STRATEGY, ...).
import { AuthzError } from "../core/index.js";

/** How the service account authenticates to the cluster. */
export type CamundaAuth =
  | { strategy: "OAUTH"; oauthUrl: string; clientId: string; clientSecret: string; audience?: string; scope?: string }
  | { strategy: "BASIC"; username: string; password: string }
  | { strategy: "NONE" };

/** The cluster's REST API and the service account. */
export interface CamundaOptions {
  /** The Orchestration Cluster's REST address, with or without the trailing `/v2`. */
  restAddress: string;
  /** Default `{ strategy: "NONE" }`. */
  auth?: CamundaAuth;
}

/** Environment variables by name (`process.env`, `Deno.env.toObject()`, a Worker's `env`). */
export type Env = Readonly<Record<string, string | undefined>>;

/** SDK defaults (Camunda's orchestration-cluster-api configuration schema). */
const DEFAULT_OAUTH_URL = "https://login.cloud.camunda.io/oauth/token";
const DEFAULT_AUDIENCE = "zeebe.camunda.io";

function invalid(message: string): AuthzError {
  return new AuthzError("ERR_ARGUMENT_INVALID", message);
}

/** The process environment where the runtime has one (Node.js, Deno with `--allow-env`), else `{}`. */
export function runtimeEnv(): Env {
  const g = globalThis as { process?: { env?: Env }; Deno?: { env: { toObject(): Env } } };
  if (g.process?.env) return g.process.env;
  try {
    if (g.Deno) return g.Deno.env.toObject();
  } catch {
    // no --allow-env: nothing to read
  }
  return {};
}

function value(env: Env, name: string): string | undefined {
  let v: string | undefined;
  try {
    v = env[name]?.trim();
  } catch {
    return undefined; // Deno without --allow-env for this name: not set
  }
  return v === undefined || v === "" ? undefined : v;
}

/** A URL as messages show it: scheme, host and path, never credentials, a query or a fragment. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username !== "" || u.password !== "" ? "***@" : ""}${u.host}${u.pathname}`;
  } catch {
    return "(not a URL)";
  }
}

/**
 * Checks an http(s) URL option (`name` as the user spells it: an option or a variable). A URL
 * with credentials is refused: they would travel in every message and error cause that names
 * the URL (the service account's credentials have their own settings). The REST address takes
 * paths after it, so it has no query or fragment.
 */
export function checkUrl(url: unknown, name: string, base: boolean): string {
  let u: URL | undefined;
  try {
    u = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    u = undefined;
  }
  if (u === undefined || (u.protocol !== "http:" && u.protocol !== "https:")) throw invalid(`\`${name}\` must be an http(s) URL`);
  if (u.username !== "" || u.password !== "") throw invalid(`\`${name}\` must not hold credentials (${shownUrl(url as string)}): give them to the service account's settings`);
  if (base && /[?#]/.test(url as string)) throw invalid(`\`${name}\` must not have a query or a fragment (${shownUrl(url as string)})`);
  return url as string;
}

function required(env: Env, name: string, why: string): string {
  const v = value(env, name);
  if (v === undefined) throw invalid(`\`${name}\` is not set (${why})`);
  return v;
}

const OAUTH_VARIABLES = ["CAMUNDA_CLIENT_ID", "CAMUNDA_CLIENT_SECRET", "CAMUNDA_OAUTH_URL"] as const;
const BASIC_VARIABLES = ["CAMUNDA_BASIC_AUTH_USERNAME", "CAMUNDA_BASIC_AUTH_PASSWORD"] as const;

/**
 * The cluster options from CAMUNDA_* variables. Without CAMUNDA_AUTH_STRATEGY the strategy is
 * OAUTH when any OAuth variable is set, BASIC when a basic-auth one is (both: an error), else
 * NONE; a strategy's settings are then complete or an error (a client id without its secret
 * never means "no authentication"), and NONE named with credentials set is an error too.
 */
export function camundaFromEnv(env: Env): CamundaOptions {
  const restAddress = checkUrl(required(env, "CAMUNDA_REST_ADDRESS", "needed to reach the cluster"), "CAMUNDA_REST_ADDRESS", true);
  const named = value(env, "CAMUNDA_AUTH_STRATEGY")?.toUpperCase();
  const oauthSet = OAUTH_VARIABLES.filter((n) => value(env, n) !== undefined);
  const basicSet = BASIC_VARIABLES.filter((n) => value(env, n) !== undefined);
  if (named === undefined && oauthSet.length > 0 && basicSet.length > 0) {
    throw invalid(`both OAuth (${oauthSet.join(", ")}) and Basic (${basicSet.join(", ")}) variables are set: set CAMUNDA_AUTH_STRATEGY to OAUTH or BASIC, and unset the others`);
  }
  const strategy = named ?? (oauthSet.length > 0 ? "OAUTH" : basicSet.length > 0 ? "BASIC" : "NONE");
  if (strategy !== "OAUTH" && strategy !== "BASIC" && strategy !== "NONE") throw invalid(`CAMUNDA_AUTH_STRATEGY \`${strategy}\` is not one of OAUTH, BASIC, NONE`);
  // A strategy named ignores the other strategy's variables, as Camunda's SDKs do; but NONE with
  // credentials set would be the silent "no authentication" this refuses.
  const foreign = strategy === "NONE" ? [...oauthSet, ...basicSet] : [];
  if (foreign.length > 0) throw invalid(`CAMUNDA_AUTH_STRATEGY is NONE, but ${foreign.join(" and ")} ${foreign.length === 1 ? "is" : "are"} set: unset ${foreign.length === 1 ? "it" : "them"} or name the strategy they are for`);
  // Why a variable is needed: the strategy named, or the variable that implied it.
  const why = (set: readonly string[]) => (named !== undefined ? `needed for CAMUNDA_AUTH_STRATEGY \`${strategy}\`` : `${set.join(" and ")} ${set.length === 1 ? "is" : "are"}`);
  if (strategy === "OAUTH") {
    const scope = value(env, "CAMUNDA_OAUTH_SCOPE");
    const oauthUrl = value(env, "CAMUNDA_OAUTH_URL");
    return {
      restAddress,
      auth: {
        strategy,
        oauthUrl: oauthUrl === undefined ? DEFAULT_OAUTH_URL : checkUrl(oauthUrl, "CAMUNDA_OAUTH_URL", false),
        clientId: required(env, "CAMUNDA_CLIENT_ID", why(oauthSet)),
        clientSecret: required(env, "CAMUNDA_CLIENT_SECRET", why(oauthSet)),
        audience: value(env, "CAMUNDA_TOKEN_AUDIENCE") ?? DEFAULT_AUDIENCE,
        ...(scope === undefined ? {} : { scope }),
      },
    };
  }
  if (strategy === "BASIC") {
    return { restAddress, auth: { strategy, username: required(env, "CAMUNDA_BASIC_AUTH_USERNAME", why(basicSet)), password: required(env, "CAMUNDA_BASIC_AUTH_PASSWORD", why(basicSet)) } };
  }
  return { restAddress, auth: { strategy } };
}

/** Refuses members of `value` that are not in `keys` (a misspelt option is an error, not ignored). */
export function knownKeys(value: object, name: string, keys: readonly string[]): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) throw invalid(`unknown option \`${name === "" ? "" : `${name}.`}${key}\` (the options are ${keys.join(", ")})`);
}

const AUTH_KEYS = { OAUTH: ["strategy", "oauthUrl", "clientId", "clientSecret", "audience", "scope"], BASIC: ["strategy", "username", "password"], NONE: ["strategy"] } as const;

/** Checks options given in code, so a typo fails at start-up rather than at the first issue. */
export function checkCamunda(camunda: CamundaOptions): CamundaOptions {
  if (camunda === null || typeof camunda !== "object") throw invalid("`camunda` must be an object");
  knownKeys(camunda, "camunda", ["restAddress", "auth"]);
  const restAddress = checkUrl(camunda.restAddress, "camunda.restAddress", true);
  const auth = camunda.auth ?? { strategy: "NONE" };
  if (auth === null || typeof auth !== "object") throw invalid("`camunda.auth` must be an object");
  const strategy = (auth as { strategy?: unknown }).strategy;
  if (strategy !== "OAUTH" && strategy !== "BASIC" && strategy !== "NONE") throw invalid("`camunda.auth.strategy` must be `OAUTH`, `BASIC` or `NONE`");
  knownKeys(auth, "camunda.auth", AUTH_KEYS[strategy]);
  const strings = (names: string[], optional: boolean) => {
    for (const n of names) {
      const v = (auth as Record<string, unknown>)[n];
      if (optional && v === undefined) continue;
      if (typeof v !== "string" || v === "") throw invalid(`\`camunda.auth.${n}\` must be a non-empty string for strategy \`${strategy}\``);
    }
  };
  if (auth.strategy === "OAUTH") {
    strings(["oauthUrl", "clientId", "clientSecret"], false);
    strings(["audience", "scope"], true);
    checkUrl(auth.oauthUrl, "camunda.auth.oauthUrl", false);
  } else if (auth.strategy === "BASIC") strings(["username", "password"], false);
  return { restAddress, auth };
}

/** The REST base without a trailing slash or `/v2`: paths are appended as `/v2/...`. */
export function restBase(restAddress: string): string {
  return restAddress.replace(/\/+$/, "").replace(/\/v2$/, "");
}
