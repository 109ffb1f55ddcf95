// createIssuer: grant sets from a live Orchestration Cluster. It finds who the principal is
// (memberships.ts), collects the authorizations of the principal and of each group, role and
// mapping rule (authorizations.ts), and signs them. Any failure fails the issue: a grant set is
// never built from partial data.
import { AuthzError, inspectGrants, signGrants } from "../core/index.js";
import type { Authorization, Ed25519PrivateJwk, GrantSetPayload, Jwks, PublicJwk } from "../core/index.js";
import { credentials } from "./auth.js";
import type { Credentials } from "./auth.js";
import { ownerAuthorizations, checkCanSeeAuthorizations } from "./authorizations.js";
import type { OwnerType } from "./authorizations.js";
import { TtlCache } from "./cache.js";
import type { Claims } from "./claims.js";
import { unverifiedClaims } from "./claims.js";
import { camundaClient } from "./client.js";
import type { CamundaClient } from "./client.js";
import { camundaFromEnv, checkCamunda, restBase, runtimeEnv } from "./config.js";
import type { CamundaOptions, Env } from "./config.js";
import { limited, loadDirectory, loadMappingRules } from "./directory.js";
import type { Directory } from "./directory.js";
import { issuerError } from "./errors.js";
import { matchingRules, resolveMemberships } from "./memberships.js";
import type { Memberships } from "./memberships.js";
import { isCurrentUser } from "./shapes.js";
import { publicKeyOf } from "./keys.js";

/** What the cluster is configured with: no endpoint exposes it, so the issuer is told. */
export interface ClusterFlags {
  /** `camunda.security.authorizations.enabled` (default true). */
  authorizationsEnabled?: boolean;
  /** `camunda.security.multiTenancy.checksEnabled` (default false). */
  multiTenancyEnabled?: boolean;
  /** The cluster's minor version, `8.8`, `8.9` (default) or `8.10`. */
  camundaVersion?: string;
  /**
   * `camunda.security.authentication.oidc.groupsClaim`: when the cluster reads groups from the
   * token, the issuer does too (a JSONPath into the claims) instead of the cluster's groups.
   */
  groupsClaim?: string;
}

export interface IssuerOptions {
  /** The cluster and the service account; omitted: read from the CAMUNDA_* variables of `env`. */
  camunda?: CamundaOptions;
  /** Where CAMUNDA_* variables come from when `camunda` is omitted (default: the process environment). */
  env?: Env;
  /** The private Ed25519 JWK that signs (from `generateSigningKey`), with its `kid`. */
  signingKey: Ed25519PrivateJwk;
  /** Older public keys still published in `jwks` (key rotation: keep one until its last token expired). */
  previousKeys?: readonly PublicJwk[];
  /** The grant sets' `iss`. */
  issuer: string;
  /** The grant sets' `aud`. */
  audience: string | readonly string[];
  /** Seconds a grant set lives (default 900). */
  ttl?: number;
  cluster?: ClusterFlags;
  /** Keep only authorizations of these resource types (default: all). */
  resourceTypes?: readonly string[];
  /** Seconds an owner's authorizations and the directory are reused (default 30; 0 turns caching off). */
  cacheTtl?: number;
  /** Milliseconds each request to the cluster may take (default 10000). */
  timeoutMs?: number;
  /** Items per search page (default 1000). */
  pageSize?: number;
  /**
   * `{ username }` issues only for a user the cluster knows (`GET /v2/users/{username}`), default
   * true. Clusters whose users live in an OIDC provider have no user entities: set false there.
   */
  checkUserExists?: boolean;
  /** The fetch to use (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** The clock in milliseconds (default `Date.now`), for tests. */
  now?: () => number;
}

/** Who to issue for: the user's bearer token, or a username or client id with optional token claims. */
export type IssueRequest = { userToken: string } | { username: string; claims?: Claims } | { clientId: string; claims?: Claims };

export interface IssuedGrants {
  /** The signed grant set (compact JWS). */
  token: string;
  /** What it says. */
  payload: GrantSetPayload;
  /** When it expires. */
  expiresAt: Date;
}

export interface Issuer {
  issue(request: IssueRequest): Promise<IssuedGrants>;
  /** The public keys to publish: the signing key's and `previousKeys`. */
  readonly jwks: Jwks;
  /** Requests made to the cluster so far, OAuth token requests counted apart. */
  readonly stats: { readonly requests: number; readonly tokenRequests: number };
  /** Forgets cached authorizations, memberships and mapping rules (not the OAuth token). */
  clearCache(): void;
}

function invalid(message: string): AuthzError {
  return new AuthzError("ERR_ARGUMENT_INVALID", message);
}

function nonNegative(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw invalid(`\`${name}\` must be a non-negative number`);
  return value;
}

function checkRequest(request: IssueRequest): void {
  if (request === null || typeof request !== "object") throw invalid("issue() needs `{ userToken }`, `{ username }` or `{ clientId }`");
  const keys = ["userToken", "username", "clientId"].filter((k) => k in request);
  if (keys.length !== 1) throw invalid("issue() needs exactly one of `userToken`, `username` and `clientId`");
  const value = (request as Record<string, unknown>)[keys[0] as string];
  if (typeof value !== "string" || value === "") throw invalid(`\`${keys[0]}\` must be a non-empty string`);
  const claims = (request as { claims?: unknown }).claims;
  if (claims !== undefined && (claims === null || typeof claims !== "object" || Array.isArray(claims))) throw invalid("`claims` must be an object");
}

export function createIssuer(options: IssuerOptions): Issuer {
  if (options === null || typeof options !== "object") throw invalid("createIssuer() needs an options object");
  const camunda = checkCamunda(options.camunda ?? camundaFromEnv(options.env ?? runtimeEnv()));
  if (options.signingKey === null || typeof options.signingKey !== "object" || typeof options.signingKey.d !== "string") throw invalid("`signingKey` must be a private Ed25519 JWK");
  if (typeof options.signingKey.kid !== "string" || options.signingKey.kid === "") throw invalid("`signingKey` needs a `kid`, so verifiers can pick it from the JWKS");
  if (typeof options.issuer !== "string" || options.issuer === "") throw invalid("`issuer` must be a non-empty string");
  const audience = options.audience;
  if (!(typeof audience === "string" && audience !== "") && !(Array.isArray(audience) && audience.length > 0 && audience.every((a) => typeof a === "string" && a !== ""))) {
    throw invalid("`audience` must be a non-empty string or array of strings");
  }
  const ttl = nonNegative(options.ttl, "ttl", 900);
  if (ttl === 0) throw invalid("`ttl` must be positive");
  const cacheMs = nonNegative(options.cacheTtl, "cacheTtl", 30) * 1000;
  const flags = options.cluster ?? {};
  const authorizationsEnabled = flags.authorizationsEnabled ?? true;
  const multiTenancyEnabled = flags.multiTenancyEnabled ?? false;
  const camundaVersion = flags.camundaVersion ?? "8.9";
  const groupsClaim = flags.groupsClaim === undefined || flags.groupsClaim === "" ? undefined : flags.groupsClaim;
  const resourceTypes = options.resourceTypes === undefined ? undefined : [...options.resourceTypes];
  const now = options.now ?? Date.now;
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const transport = { fetch: fetchFn, timeoutMs: nonNegative(options.timeoutMs, "timeoutMs", 10_000), now };
  const creds: Credentials = credentials(camunda.auth ?? { strategy: "NONE" }, transport);
  const client: CamundaClient = camundaClient(restBase(camunda.restAddress), creds, transport, {
    pageSize: Math.max(1, Math.floor(nonNegative(options.pageSize, "pageSize", 1000))),
    maxPages: 10_000,
  });
  const checkUserExists = options.checkUserExists ?? true;
  const signingKey = options.signingKey;
  const jwks: Jwks = Object.freeze({ keys: Object.freeze([publicKeyOf(signingKey), ...(options.previousKeys ?? [])]) });

  const owners = new TtlCache<Authorization[]>(cacheMs, now);
  const directories = new TtlCache<Directory>(cacheMs, now, 1);
  const rules = new TtlCache<Awaited<ReturnType<typeof loadMappingRules>>>(cacheMs, now, 1);
  const users = new TtlCache<boolean>(cacheMs, now);
  let selfChecked: Promise<void> | undefined;

  const directory = () => directories.get("", () => loadDirectory(client, { tenants: multiTenancyEnabled, concurrency: 8 }));

  async function fromUserToken(userToken: string): Promise<Memberships> {
    const [me, mappingRules] = await Promise.all([client.call("GET", "/v2/authentication/me", { as: { userToken } }), rules.get("", () => loadMappingRules(client))]);
    if (!isCurrentUser(me)) throw issuerError("ERR_ISSUER_UPSTREAM", "GET /v2/authentication/me answered with something that is not the current user");
    return {
      type: "USER",
      id: me.username,
      groups: me.groups,
      roles: me.roles,
      tenants: me.tenants.map((t) => t.tenantId),
      mappingRules: matchingRules(mappingRules, unverifiedClaims(userToken)),
    };
  }

  async function enumerated(type: "USER" | "CLIENT", id: string, claims: Claims): Promise<Memberships> {
    const [dir, exists] = await Promise.all([
      directory(),
      type === "USER" && checkUserExists ? users.get(id, async () => (await client.call("GET", `/v2/users/${encodeURIComponent(id)}`, { allowMissing: true })) !== null) : true,
    ]);
    if (!exists) throw issuerError("ERR_ISSUER_PRINCIPAL", `the cluster has no user \`${id}\``, { status: 403 });
    return resolveMemberships(dir, type, id, claims, groupsClaim);
  }

  async function authorizationsOf(m: Memberships): Promise<Authorization[]> {
    if (!authorizationsEnabled) return [];
    selfChecked ??= checkCanSeeAuthorizations(client).catch((error: unknown) => {
      selfChecked = undefined;
      throw error;
    });
    await selfChecked;
    const list: [OwnerType, string][] = [
      [m.type, m.id],
      ...m.groups.map((g): [OwnerType, string] => ["GROUP", g]),
      ...m.roles.map((r): [OwnerType, string] => ["ROLE", r]),
      ...m.mappingRules.map((r): [OwnerType, string] => ["MAPPING_RULE", r]),
    ];
    const each = await limited(
      8,
      list.map(([type, id]) => () => owners.get(`${type}\u0000${id}`, () => ownerAuthorizations(client, type, id, resourceTypes))),
    );
    return each.flat();
  }

  async function issue(request: IssueRequest): Promise<IssuedGrants> {
    checkRequest(request);
    const m =
      "userToken" in request
        ? await fromUserToken(request.userToken)
        : "username" in request
          ? await enumerated("USER", request.username, request.claims ?? {})
          : await enumerated("CLIENT", request.clientId, request.claims ?? {});
    const authorizations = await authorizationsOf(m);
    const payload = {
      ver: 1 as const,
      camundaVersion,
      sub: m.id,
      jti: globalThis.crypto.randomUUID(),
      authorizationsEnabled,
      multiTenancyEnabled,
      // Tenants count only with multi-tenancy on; the directory is not walked for them otherwise.
      principal: { type: m.type, id: m.id, groups: m.groups, roles: m.roles, tenants: multiTenancyEnabled ? m.tenants : [], mappingRules: m.mappingRules },
      authorizations,
    };
    const token = signGrants(payload, signingKey, { ttl, issuer: options.issuer, audience, now: now() / 1000 });
    const signed = inspectGrants(token).payload as GrantSetPayload;
    return { token, payload: signed, expiresAt: new Date(signed.exp * 1000) };
  }

  return {
    issue,
    jwks,
    stats: {
      get requests() {
        return client.requests;
      },
      get tokenRequests() {
        return creds.tokenRequests;
      },
    },
    clearCache() {
      owners.clear();
      directories.clear();
      rules.clear();
      users.clear();
    },
  };
}

