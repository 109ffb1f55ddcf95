// createIssuer's options, checked when the issuer is made: everything that would fail later (a
// version the signer refuses, a page size the API refuses, a key that cannot sign, a misspelt
// option) fails here with ERR_ARGUMENT_INVALID or ERR_KEY_INVALID, so a service that starts
// can issue.
import { AuthzError, signGrants, verifyGrants } from "../core/index.js";
import type { Ed25519PrivateJwk, PublicJwk } from "../core/index.js";
import { camundaFromEnv, checkCamunda, knownKeys, restBase, runtimeEnv } from "./config.js";
import type { CamundaOptions, Env } from "./config.js";
import type { IssueErrorEvent, IssueEvent } from "./events.js";
import { publicHalf, publicKeyOf } from "./keys.js";
import { groupsClaimPath } from "./claims.js";
import type { JsonPath } from "./jsonpath.js";
import type { FetchLike } from "./fetch.js";

/** What the cluster is configured with: no endpoint exposes it, so the issuer is told. */
export interface ClusterFlags {
  /** `camunda.security.authorizations.enabled` (default true). */
  authorizationsEnabled?: boolean;
  /** `camunda.security.multiTenancy.checksEnabled` (default false). */
  multiTenancyEnabled?: boolean;
  /** The cluster's minor version, `8.<minor>`: `8.8`, `8.9` (default), `8.10`. */
  camundaVersion?: string;
  /**
   * `camunda.security.authentication.oidc.groupsClaim`: when the cluster reads groups from the
   * token, the issuer does too instead of the cluster's groups: as Camunda, a name without a
   * leading `$` is one claim (`realm_access.groups`, `https://acme.com/groups`), with it JSONPath.
   */
  groupsClaim?: string;
  /**
   * `camunda.security.authentication.method`: `BASIC` clusters never match mapping rules. Default:
   * `BASIC` when the service account authenticates with BASIC, else `OIDC`.
   */
  authenticationMethod?: "BASIC" | "OIDC";
  /**
   * The 8.10 physical tenant the grant sets are read from, written into them as `physicalTenant`
   * (verifiers may require it). Default: the `<id>` of a REST address ending in
   * `/physical-tenants/<id>` (or `/physical-tenants/<id>/v2`), else none.
   */
  physicalTenant?: string;
}

export interface IssuerOptions {
  /** The cluster and the service account; omitted: read from the CAMUNDA_* variables of `env`. */
  camunda?: CamundaOptions;
  /** Where CAMUNDA_* variables come from when `camunda` is omitted (default: the process environment). */
  env?: Env;
  /** The private Ed25519 JWK that signs (from `generateSigningKey`), with its `kid`. */
  signingKey: Ed25519PrivateJwk;
  /** Older keys still published in `jwks`, only their public half (key rotation: keep one until its last token expired). */
  previousKeys?: readonly PublicJwk[];
  /** The grant sets' `iss`. */
  issuer: string;
  /** The grant sets' `aud`. */
  audience: string | readonly string[];
  /** Seconds a grant set lives (default 900, at most 86,400: the lifetime verifiers accept by default). */
  ttl?: number;
  cluster?: ClusterFlags;
  /** Keep only authorizations of these resource types (default: all). */
  resourceTypes?: readonly string[];
  /** Seconds an owner's authorizations and the directory are reused (default 30; 0 turns caching off). */
  cacheTtl?: number;
  /** The most entries each cache holds (default 10000); beyond it the oldest go first. */
  cacheEntries?: number;
  /** Milliseconds each request to the cluster may take (default 10000). */
  timeoutMs?: number;
  /** Milliseconds one issue may take, all its requests together (default 10000). */
  deadlineMs?: number;
  /** Items per search page, 1 to the API's maximum of 10000 (default 1000). */
  pageSize?: number;
  /** The most items one search may return, all pages together (default 100000). */
  maxSearchItems?: number;
  /** The most bytes one answer of the cluster or the OAuth endpoint may hold (default 16 MiB). */
  maxResponseBytes?: number;
  /** The most issues in flight at once; beyond it an issue fails at once with 503 (default 256). */
  maxConcurrentIssues?: number;
  /**
   * `{ username }` issues only for a user the cluster knows (`GET /v2/users/{username}`), default
   * true. Clusters whose users live in an OIDC provider have no user entities: set false there.
   */
  checkUserExists?: boolean;
  /** The fetch to use (default: in Node.js node:http and node:https with keep-alive, elsewhere `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** The clock in milliseconds (default `Date.now`), for tests. */
  now?: () => number;
  /** Called after each grant set is issued (for metrics; it must not throw). */
  onIssue?: (event: IssueEvent) => void;
  /** Called after each failed issue, with the full message for the operator (never a secret). */
  onError?: (event: IssueErrorEvent) => void;
}

const OPTION_KEYS = [
  "camunda",
  "env",
  "signingKey",
  "previousKeys",
  "issuer",
  "audience",
  "ttl",
  "cluster",
  "resourceTypes",
  "cacheTtl",
  "cacheEntries",
  "timeoutMs",
  "deadlineMs",
  "pageSize",
  "maxSearchItems",
  "maxResponseBytes",
  "maxConcurrentIssues",
  "checkUserExists",
  "fetch",
  "now",
  "onIssue",
  "onError",
] as const;

/** The REST API's largest page (`page.limit`). */
export const MAX_PAGE_SIZE = 10_000;

/** The options, checked, with their defaults. */
export interface Settings {
  camunda: CamundaOptions;
  signingKey: Ed25519PrivateJwk;
  /** The platform's Ed25519 signature of a signing input with `signingKey` (node.ts), else the module's. */
  signWith: ((signingInput: string) => string) | undefined;
  sha256: ((text: string) => string) | undefined;
  previousKeys: PublicJwk[];
  issuer: string;
  audience: string | readonly string[];
  ttl: number;
  authorizationsEnabled: boolean;
  multiTenancyEnabled: boolean;
  camundaVersion: string;
  groupsClaim: string | undefined;
  /** The groups claim as Camunda compiles it. */
  groupsClaimPath: JsonPath | undefined;
  authenticationMethod: "BASIC" | "OIDC";
  physicalTenant: string | undefined;
  resourceTypes: readonly string[] | undefined;
  cacheMs: number;
  cacheEntries: number;
  timeoutMs: number;
  deadlineMs: number;
  pageSize: number;
  maxSearchItems: number;
  maxResponseBytes: number;
  maxConcurrentIssues: number;
  checkUserExists: boolean;
  fetch: FetchLike;
  now: () => number;
  onIssue: ((event: IssueEvent) => void) | undefined;
  onError: ((event: IssueErrorEvent) => void) | undefined;
}

function invalid(message: string): AuthzError {
  return new AuthzError("ERR_ARGUMENT_INVALID", message);
}

/** A whole number from `min` to `max`, or the default. */
function whole(value: unknown, name: string, unit: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`\`${name}\` must be a whole number${unit === "" ? "" : ` of ${unit}`} from ${min} to ${max}, not ${typeof value === "number" ? value : typeof value}`);
  }
  return value;
}

/** The verifiers' default `maxLifetime` (`verifyGrants`, the grant session): a day. */
const MAX_TTL = 86_400;

/** `ttl`: a grant set longer-lived than verifiers accept by default would be refused by all of them. */
function lifetime(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value > MAX_TTL) {
    throw invalid(`\`ttl\` must be a whole number of seconds from 1 to ${MAX_TTL}, not ${value}: verifiers refuse a longer lifetime by default (maxLifetime)`);
  }
  return whole(value, "ttl", "seconds", 1, MAX_TTL, 900);
}

function bool(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw invalid(`\`${name}\` must be true or false`);
  return value;
}

function fn<F>(value: unknown, name: string): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") throw invalid(`\`${name}\` must be a function`);
  return value as F;
}

/** `8.<minor>` as the signer takes it (src/model.rs CamundaVersion::of_payload). */
const VERSION = /^8\.(0|[1-9][0-9]*)$/;

/** The minor version of `8.<minor>`. */
export function minorOf(camundaVersion: string): number {
  return Number(camundaVersion.split(".")[1]);
}

function groupsPath(groupsClaim: string | undefined): JsonPath | undefined {
  if (groupsClaim === undefined) return undefined;
  try {
    return groupsClaimPath(groupsClaim);
  } catch (error) {
    throw invalid(`\`cluster.groupsClaim\` cannot be read as Camunda reads it: ${(error as Error).message}`);
  }
}

/** The physical tenant named by the option, or by the REST address's `/physical-tenants/<id>`; both must agree. */
function physicalTenantOf(option: unknown, restAddress: string): string | undefined {
  if (option !== undefined && (typeof option !== "string" || !/^[A-Za-z0-9_@.-]+$/.test(option) || option === "." || option === "..")) {
    throw invalid("`cluster.physicalTenant` must be a physical tenant id (letters, digits, `_@.-`)");
  }
  const m = /\/physical-tenants\/([^/]+)$/.exec(new URL(restBase(restAddress)).pathname);
  const fromUrl = m?.[1] === undefined ? undefined : decodeURIComponent(m[1]);
  if (option !== undefined && fromUrl !== undefined && option !== fromUrl) throw invalid(`\`cluster.physicalTenant\` is \`${option}\`, but the REST address names physical tenant \`${fromUrl}\``);
  return (option as string | undefined) ?? fromUrl;
}

function flags(value: unknown, camunda: CamundaOptions): Pick<Settings, "authorizationsEnabled" | "multiTenancyEnabled" | "camundaVersion" | "groupsClaim" | "groupsClaimPath" | "authenticationMethod" | "physicalTenant"> {
  const serviceAuth = camunda.auth?.strategy ?? "NONE";
  if (value === undefined) value = {};
  if (value === null || typeof value !== "object") throw invalid("`cluster` must be an object");
  knownKeys(value, "cluster", ["authorizationsEnabled", "multiTenancyEnabled", "camundaVersion", "groupsClaim", "authenticationMethod", "physicalTenant"]);
  const f = value as ClusterFlags;
  const camundaVersion = f.camundaVersion ?? "8.9";
  if (typeof camundaVersion !== "string" || !VERSION.test(camundaVersion)) {
    throw invalid(`\`cluster.camundaVersion\` must be \`8.<minor>\` such as \`8.9\` (the minor release, no patch), not ${JSON.stringify(camundaVersion)}`);
  }
  if (f.groupsClaim !== undefined && typeof f.groupsClaim !== "string") throw invalid("`cluster.groupsClaim` must be a string");
  const method = f.authenticationMethod ?? (serviceAuth === "BASIC" ? "BASIC" : "OIDC");
  if (method !== "BASIC" && method !== "OIDC") throw invalid("`cluster.authenticationMethod` must be `BASIC` or `OIDC`");
  const groupsClaim = f.groupsClaim === undefined || f.groupsClaim === "" ? undefined : f.groupsClaim;
  return {
    authorizationsEnabled: bool(f.authorizationsEnabled, "cluster.authorizationsEnabled", true),
    multiTenancyEnabled: bool(f.multiTenancyEnabled, "cluster.multiTenancyEnabled", false),
    camundaVersion,
    groupsClaim,
    groupsClaimPath: groupsPath(groupsClaim),
    authenticationMethod: method,
    physicalTenant: physicalTenantOf(f.physicalTenant, camunda.restAddress),
  };
}

function previousKeys(value: unknown): PublicJwk[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid("`previousKeys` must be an array of JWKs");
  return value.map((k: unknown, i) => publicHalf(k, `\`previousKeys[${i}]\``));
}

/**
 * The key signs, and verifies with the public half the JWKS publishes: a probe grant set is
 * signed and verified once, so a broken `d` or an `x` of another key fails here (about a
 * millisecond), not at every issue.
 */
function checkSigningKey(key: Ed25519PrivateJwk, settings: Pick<Settings, "issuer" | "audience" | "camundaVersion">): void {
  if (key === null || typeof key !== "object" || typeof key.d !== "string") throw invalid("`signingKey` must be a private Ed25519 JWK");
  if (typeof key.kid !== "string" || key.kid === "") throw invalid("`signingKey` needs a `kid`, so verifiers can pick it from the JWKS");
  const publicKey = publicKeyOf(key);
  const probe = {
    ver: 1 as const,
    camundaVersion: settings.camundaVersion,
    sub: "createIssuer-probe",
    authorizationsEnabled: true,
    multiTenancyEnabled: false,
    principal: { type: "USER" as const, id: "createIssuer-probe", groups: [], roles: [], tenants: [], mappingRules: [] },
    authorizations: [],
  };
  const token = signGrants(probe, key, { ttl: 60, issuer: settings.issuer, audience: settings.audience });
  try {
    verifyGrants(token, { keys: [publicKey] }, { issuer: settings.issuer, audience: [settings.audience].flat()[0] as string });
  } catch (error) {
    if (error instanceof AuthzError && error.code === "ERR_GRANTS_SIGNATURE") throw new AuthzError("ERR_KEY_INVALID", "`signingKey`'s `x` is not the public half of its `d`: verifiers would refuse every grant set");
    throw error;
  }
}

/** What a runtime entry brings: the Node.js entry its node:http fetch (node-fetch.ts). */
export interface Platform {
  fetch?: FetchLike;
  /** A signer of the platform's for a private key (undefined: the module signs). */
  signer?: (privateJwk: Ed25519PrivateJwk) => ((signingInput: string) => string) | undefined;
  /** A synchronous SHA-256 of the platform's, base64url (undefined: Web Crypto's). */
  sha256?: (text: string) => string;
}

export function settings(options: IssuerOptions, platform: Platform = {}): Settings {
  if (options === null || typeof options !== "object") throw invalid("createIssuer() needs an options object");
  knownKeys(options, "", OPTION_KEYS);
  if (options.env !== undefined && (options.env === null || typeof options.env !== "object")) throw invalid("`env` must be an object of variables");
  const camunda = checkCamunda(options.camunda ?? camundaFromEnv(options.env ?? runtimeEnv()));
  if (typeof options.issuer !== "string" || options.issuer === "") throw invalid("`issuer` must be a non-empty string");
  const audience = options.audience;
  if (!(typeof audience === "string" && audience !== "") && !(Array.isArray(audience) && audience.length > 0 && audience.every((a) => typeof a === "string" && a !== ""))) {
    throw invalid("`audience` must be a non-empty string or array of strings");
  }
  const cluster = flags(options.cluster, camunda);
  const resourceTypes = options.resourceTypes;
  if (resourceTypes !== undefined && (!Array.isArray(resourceTypes) || resourceTypes.length === 0 || !resourceTypes.every((t) => typeof t === "string" && t !== ""))) {
    throw invalid("`resourceTypes` must be a non-empty array of resource type names, e.g. [\"PROCESS_DEFINITION\", \"USER_TASK\"]");
  }
  const cacheTtl = options.cacheTtl ?? 30;
  if (typeof cacheTtl !== "number" || !Number.isFinite(cacheTtl) || cacheTtl < 0) throw invalid("`cacheTtl` must be a number of seconds from 0");
  const checked = { issuer: options.issuer, audience, camundaVersion: cluster.camundaVersion };
  checkSigningKey(options.signingKey, checked);
  return {
    camunda,
    signingKey: options.signingKey,
    signWith: platform.signer?.(options.signingKey),
    sha256: platform.sha256,
    previousKeys: previousKeys(options.previousKeys),
    ...checked,
    ...cluster,
    ttl: lifetime(options.ttl),
    resourceTypes: resourceTypes === undefined ? undefined : Object.freeze([...resourceTypes]),
    cacheMs: cacheTtl * 1000,
    cacheEntries: whole(options.cacheEntries, "cacheEntries", "", 1, 10_000_000, 10_000),
    timeoutMs: whole(options.timeoutMs, "timeoutMs", "milliseconds", 1, 2 ** 31 - 1, 10_000),
    deadlineMs: whole(options.deadlineMs, "deadlineMs", "milliseconds", 1, 2 ** 31 - 1, 10_000),
    pageSize: whole(options.pageSize, "pageSize", "", 1, MAX_PAGE_SIZE, 1000),
    maxSearchItems: whole(options.maxSearchItems, "maxSearchItems", "", 1, 10_000_000, 100_000),
    maxResponseBytes: whole(options.maxResponseBytes, "maxResponseBytes", "", 1024, 2 ** 30, 16 * 1024 * 1024),
    maxConcurrentIssues: whole(options.maxConcurrentIssues, "maxConcurrentIssues", "", 1, 1_000_000, 256),
    checkUserExists: bool(options.checkUserExists, "checkUserExists", true),
    fetch: fn<typeof fetch>(options.fetch, "fetch") ?? platform.fetch ?? globalThis.fetch.bind(globalThis),
    now: fn<() => number>(options.now, "now") ?? Date.now,
    onIssue: fn(options.onIssue, "onIssue"),
    onError: fn(options.onError, "onError"),
  };
}
