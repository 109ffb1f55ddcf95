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

function required(env: Env, name: string, why: string): string {
  const v = value(env, name);
  if (v === undefined) throw invalid(`\`${name}\` is not set (needed ${why})`);
  return v;
}

/**
 * The cluster options from CAMUNDA_* variables. Without CAMUNDA_AUTH_STRATEGY the strategy is
 * OAUTH when a client id and secret are set, BASIC when a basic-auth username is, else NONE.
 */
export function camundaFromEnv(env: Env): CamundaOptions {
  const restAddress = required(env, "CAMUNDA_REST_ADDRESS", "to reach the cluster");
  const named = value(env, "CAMUNDA_AUTH_STRATEGY")?.toUpperCase();
  const strategy =
    named ?? (value(env, "CAMUNDA_CLIENT_ID") && value(env, "CAMUNDA_CLIENT_SECRET") ? "OAUTH" : value(env, "CAMUNDA_BASIC_AUTH_USERNAME") ? "BASIC" : "NONE");
  if (strategy === "OAUTH") {
    const why = "for CAMUNDA_AUTH_STRATEGY `OAUTH`";
    const scope = value(env, "CAMUNDA_OAUTH_SCOPE");
    return {
      restAddress,
      auth: {
        strategy,
        oauthUrl: value(env, "CAMUNDA_OAUTH_URL") ?? DEFAULT_OAUTH_URL,
        clientId: required(env, "CAMUNDA_CLIENT_ID", why),
        clientSecret: required(env, "CAMUNDA_CLIENT_SECRET", why),
        audience: value(env, "CAMUNDA_TOKEN_AUDIENCE") ?? DEFAULT_AUDIENCE,
        ...(scope === undefined ? {} : { scope }),
      },
    };
  }
  if (strategy === "BASIC") {
    const why = "for CAMUNDA_AUTH_STRATEGY `BASIC`";
    return { restAddress, auth: { strategy, username: required(env, "CAMUNDA_BASIC_AUTH_USERNAME", why), password: required(env, "CAMUNDA_BASIC_AUTH_PASSWORD", why) } };
  }
  if (strategy === "NONE") return { restAddress, auth: { strategy } };
  throw invalid(`CAMUNDA_AUTH_STRATEGY \`${strategy}\` is not one of OAUTH, BASIC, NONE`);
}

/** Checks options given in code, so a typo fails at start-up rather than at the first issue. */
export function checkCamunda(camunda: CamundaOptions): CamundaOptions {
  if (camunda === null || typeof camunda !== "object") throw invalid("`camunda` must be an object");
  if (typeof camunda.restAddress !== "string" || !/^https?:\/\//.test(camunda.restAddress)) throw invalid("`camunda.restAddress` must be an http(s) URL");
  const auth = camunda.auth ?? { strategy: "NONE" };
  const strings = (names: string[]) => {
    for (const n of names) if (typeof (auth as Record<string, unknown>)[n] !== "string" || (auth as Record<string, unknown>)[n] === "") throw invalid(`\`camunda.auth.${n}\` must be a non-empty string for strategy \`${auth.strategy}\``);
  };
  if (auth.strategy === "OAUTH") strings(["oauthUrl", "clientId", "clientSecret"]);
  else if (auth.strategy === "BASIC") strings(["username", "password"]);
  else if (auth.strategy !== "NONE") throw invalid("`camunda.auth.strategy` must be `OAUTH`, `BASIC` or `NONE`");
  return { restAddress: camunda.restAddress, auth };
}

/** The REST base without a trailing slash or `/v2`: paths are appended as `/v2/...`. */
export function restBase(restAddress: string): string {
  return restAddress.replace(/\/+$/, "").replace(/\/v2$/, "");
}
