// createIssuer: grant sets from a live Orchestration Cluster. It finds who the principal is
// (memberships.ts; what the cluster said of a user token is kept, tokens.ts), collects the
// authorizations of the principal and of each group, role and mapping rule (owners.ts), and
// signs them. Any failure fails the issue: a grant set is never built from partial data. Each
// issue has a deadline (`deadlineMs`, all its requests together), and at most
// `maxConcurrentIssues` are in flight; signer.ts signs (or reuses) the grant set.
import { AuthzError } from "../core/index.js";
import type { GrantSetPayload, Jwks } from "../core/index.js";
import { credentials } from "./auth.js";
import { checkCanSeeAuthorizations } from "./authorizations.js";
import { TtlCache } from "./cache.js";
import type { Claims } from "./claims.js";
import { unverifiedClaims } from "./claims.js";
import { camundaClient, segment } from "./client.js";
import { restBase } from "./config.js";
import { IssueContext } from "./context.js";
import { loadDirectory, loadMappingRules } from "./directory.js";
import type { Directory } from "./directory.js";
import { issuerError, statusOf } from "./errors.js";
import type { IssueErrorEvent, IssueEvent, IssueStats } from "./events.js";
import { matchingRules, resolveMemberships } from "./memberships.js";
import type { Memberships } from "./memberships.js";
import { settings } from "./options.js";
import type { IssuerOptions, Platform } from "./options.js";
import { OwnerAuthorizations } from "./owners.js";
import { readinessCheck } from "./readiness.js";
import { Signer } from "./signer.js";
import type { Readiness } from "./readiness.js";
import { currentUser, ownAuthorizations } from "./own.js";
import type { OwnAuthorizations } from "./own.js";
import type { CurrentUser } from "./shapes.js";
import { TokenAnswers } from "./tokens.js";
import { UsernameClaim } from "./usernames.js";
import type { ClaimRules } from "./memberships.js";
import { minorOf } from "./options.js";
import { publicKeyOf } from "./keys.js";

export type { ClusterFlags, IssuerOptions } from "./options.js";

/** Who to issue for: the user's bearer token, or a username or client id with optional token claims. */
export type IssueRequest = { userToken: string } | { username: string; claims?: Claims } | { clientId: string; claims?: Claims };

export interface IssuedGrants {
  /** The signed grant set (compact JWS). */
  token: string;
  /** What it says. */
  payload: GrantSetPayload;
  /** When it expires. */
  expiresAt: Date;
  /** How it was made: time, cache, requests. */
  stats: IssueStats;
}

/** How one issue reads the cluster. */
export interface IssueOptions {
  /**
   * Read the principal's memberships and authorizations from the cluster again, not from the
   * cache: the cluster just refused an operation the grant set allowed. Once per principal per
   * 10 s; a fresh issue sooner than that is answered from the caches like any other.
   */
  fresh?: boolean;
}

export interface Issuer {
  issue(request: IssueRequest, options?: IssueOptions): Promise<IssuedGrants>;
  /** Whether the cluster answers and accepts the service account (`GET /readyz`). */
  ready(): Promise<Readiness>;
  /** The public keys to publish: the signing key's and `previousKeys`'. */
  readonly jwks: Jwks;
  /** Requests made to the cluster so far, OAuth token requests counted apart; issues and requests in flight; cache entries. */
  readonly stats: { readonly requests: number; readonly tokenRequests: number; readonly inFlight: number; readonly upstreamInFlight: number; readonly cacheEntries: number };
  /** Forgets cached authorizations, memberships, mapping rules and what the cluster said of user tokens (not the OAuth token). */
  clearCache(): void;
}

/** How often one principal's fresh issue re-reads the cluster (IssueOptions.fresh). */
export const FRESH_INTERVAL_MS = 10_000;

function invalid(message: string): AuthzError {
  return new AuthzError("ERR_ARGUMENT_INVALID", message);
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

/** Calls a hook; a hook that throws never changes the answer. */
function notify<E>(hook: ((event: E) => void) | undefined, event: E): void {
  try {
    hook?.(event);
  } catch {
    // the hook's failure is its own
  }
}

/** What the handler reads of a failed issue (kept off the error's message). */
const FAILED = new WeakMap<object, IssueStats>();

export function statsOfFailure(error: unknown): IssueStats | undefined {
  return error !== null && typeof error === "object" ? FAILED.get(error) : undefined;
}

export function createIssuer(options: IssuerOptions): Issuer {
  return createIssuerOn(options, {});
}

/** createIssuer with what the runtime entry brings (entry.ts). */
export function createIssuerOn(options: IssuerOptions, platform: Platform): Issuer {
  const s = settings(options, platform);
  const transport = { fetch: s.fetch, timeoutMs: s.timeoutMs, maxResponseBytes: s.maxResponseBytes, now: s.now };
  const auth = s.camunda.auth ?? { strategy: "NONE" as const };
  const creds = credentials(auth, transport);
  const client = camundaClient(restBase(s.camunda.restAddress), creds, transport, { pageSize: s.pageSize, maxPages: 10_000, maxItems: s.maxSearchItems });
  const jwks: Jwks = Object.freeze({ keys: Object.freeze([publicKeyOf(s.signingKey), ...s.previousKeys]) });

  const owners = new OwnerAuthorizations(client, s.resourceTypes, s.cacheMs, s.cacheEntries, s.now);
  const directories = new TtlCache<Directory>(s.cacheMs, s.now, 1, { refresh: true });
  const rules = new TtlCache<Awaited<ReturnType<typeof loadMappingRules>>>(s.cacheMs, s.now, 1, { refresh: true });
  const users = new TtlCache<boolean>(s.cacheMs, s.now, s.cacheEntries, { refresh: true });
  // What the cluster said of each user token it accepted (tokens.ts): /me (8.8, 8.9), and /me with the own search (8.10).
  const principals = new TokenAnswers<CurrentUser>(s.cacheMs, s.now, s.cacheEntries, s.sha256);
  const resolutions = new TokenAnswers<{ me: CurrentUser; own: OwnAuthorizations }>(s.cacheMs, s.now, s.cacheEntries, s.sha256);
  const usernames = new UsernameClaim();
  const signer = new Signer(s);
  const ready = readinessCheck(client, { withAccount: auth.strategy !== "NONE", authorizationsEnabled: s.authorizationsEnabled, now: s.now });
  let selfChecked: Promise<void> | undefined;
  // When each principal's fresh issue last re-read the cluster, oldest first (bounded like the caches).
  const freshAt = new Map<string, number>();
  const decided = new WeakSet<IssueContext>();
  let inFlight = 0;
  // From 8.10 the cluster resolves a user token itself (own.ts); claim names follow that version.
  const clusterResolves = minorOf(s.camundaVersion) >= 10;
  const how: ClaimRules = { groupsClaim: s.groupsClaimPath, names: clusterResolves ? "literal" : "jsonpath", basic: s.authenticationMethod === "BASIC" };

  const miss = (ctx: IssueContext) => () => (ctx.misses += 1);

  /**
   * Whether this fresh issue re-reads the cluster: not when another of the same principal did
   * within FRESH_INTERVAL_MS (then `ctx.fresh` turns false). Decided once per issue.
   */
  function freshen(type: "USER" | "CLIENT", id: string, ctx: IssueContext): boolean {
    if (!ctx.fresh) return false;
    if (decided.has(ctx)) return true;
    decided.add(ctx);
    const key = `${type}\u0000${id}`;
    const now = s.now();
    const last = freshAt.get(key);
    if (last !== undefined && now - last < FRESH_INTERVAL_MS) return (ctx.fresh = false);
    freshAt.delete(key);
    freshAt.set(key, now);
    while (freshAt.size > s.cacheEntries) freshAt.delete(freshAt.keys().next().value as string);
    return true;
  }
  // A load in the background (a renewal) is nobody's request: no issue's account or deadline.
  const directory = (ctx: IssueContext) => directories.get("", (background) => loadDirectory(client, { tenants: s.multiTenancyEnabled, mappingRules: !how.basic, concurrency: 8, ...(background ? {} : { call: ctx }) }), miss(ctx));
  const mappingRules = (ctx: IssueContext) => rules.get("", (background) => loadMappingRules(client, background ? undefined : ctx), miss(ctx));

  // Who the principal is does not count for `cached` (IssueStats): only the rest of what an issue reads.
  const kept = (ctx: IssueContext, counts: boolean) => ({ fresh: ctx.fresh, onMiss: counts ? miss(ctx) : () => {} });

  /**
   * Asks for the principal's own authorizations while /me is on its way, when the token's claims
   * name a likely username (usernames.ts): one round trip, not two, for an uncached grant set.
   * The read is dropped when /me says another name or refuses the token.
   */
  function guessAhead(asked: Promise<CurrentUser>, claims: Claims, ctx: IssueContext): void {
    const guess = s.authorizationsEnabled && !ctx.fresh ? usernames.guess(claims) : undefined;
    const drop = guess === undefined ? undefined : owners.prefetch("USER", guess, ctx);
    asked.then(
      (me) => {
        usernames.learn(claims, me.username);
        if (me.username !== guess) drop?.();
      },
      () => drop?.(),
    );
  }

  async function fromUserToken(userToken: string, ctx: IssueContext): Promise<Memberships> {
    const claims = unverifiedClaims(userToken);
    // Only when /me is asked (the token's answer is not kept) is there a round trip to overlap.
    const ask = () => {
      const me = currentUser(client, userToken, ctx);
      guessAhead(me, claims, ctx);
      return me;
    };
    const asked = principals.get(userToken, claims, ask, kept(ctx, false));
    // A fresh issue reads the mapping rules again once it knows whose issue it is.
    const afresh = (me: Awaited<typeof asked>) => {
      if (freshen("USER", me.username, ctx)) rules.forget("");
      return mappingRules(ctx);
    };
    const [me, found] = await Promise.all([asked, how.basic ? [] : ctx.fresh ? asked.then(afresh) : mappingRules(ctx)]);
    ctx.subject = me.username;
    return { type: "USER", id: me.username, groups: me.groups, roles: me.roles, tenants: me.tenants.map((t) => t.tenantId), mappingRules: matchingRules(found, claims, how) };
  }

  /** 8.10 and later: the cluster resolves, with the user's token only; nothing as the service account. */
  async function resolvedByCluster(userToken: string, ctx: IssueContext): Promise<IssuedGrants> {
    const resolve = async () => {
      const [me, own] = await Promise.all([currentUser(client, userToken, ctx), ownAuthorizations(client, userToken, s.resourceTypes, ctx)]);
      return { me, own };
    };
    const { me, own } = await resolutions.get(userToken, unverifiedClaims(userToken), resolve, kept(ctx, true));
    ctx.subject = me.username;
    const m: Memberships = { type: "USER", id: me.username, groups: me.groups, roles: me.roles, tenants: me.tenants.map((t) => t.tenantId), mappingRules: own.mappingRules };
    const { token, payload, expiresAt } = await signer.sign(m, own.authorizations, { authorizationsEnabled: own.authorizationsEnabled });
    return { token, payload, expiresAt: new Date(expiresAt), stats: statsOf(ctx) };
  }

  async function enumerated(type: "USER" | "CLIENT", id: string, claims: Claims, ctx: IssueContext): Promise<Memberships> {
    ctx.subject = id;
    if (freshen(type, id, ctx)) {
      directories.forget("");
      users.forget(id);
    }
    const exists = async (background: boolean) => (await client.call("GET", `/v2/users/${segment(id, "cannot look up the user", "ERR_ISSUER_PRINCIPAL")}`, { allowMissing: true, ...(background ? {} : { call: ctx }) })) !== null;
    const [dir, known] = await Promise.all([directory(ctx), type === "USER" && s.checkUserExists ? users.get(id, exists) : true]);
    if (!known) throw issuerError("ERR_ISSUER_PRINCIPAL", `the cluster has no user \`${id}\``, { status: 403 });
    return resolveMemberships(dir, type, id, claims, how);
  }

  /** Once it passed, the permission self-check is not repeated; a failure is tried again by the next issue. */
  function selfCheck(ctx: IssueContext): Promise<void> {
    selfChecked ??= checkCanSeeAuthorizations(client, ctx).catch((error: unknown) => {
      selfChecked = undefined;
      throw error;
    });
    return selfChecked;
  }

  async function build(request: IssueRequest, ctx: IssueContext): Promise<IssuedGrants> {
    if (clusterResolves && "userToken" in request) return resolvedByCluster(request.userToken, ctx);
    // The self-check runs beside the membership look-ups: one round trip, not two.
    const checked = s.authorizationsEnabled ? selfCheck(ctx) : Promise.resolve();
    checked.catch(() => {}); // awaited below; a failure of the memberships must not leave it unobserved
    const m =
      "userToken" in request
        ? await fromUserToken(request.userToken, ctx)
        : "username" in request
          ? await enumerated("USER", request.username, request.claims ?? {}, ctx)
          : await enumerated("CLIENT", request.clientId, request.claims ?? {}, ctx);
    await checked;
    if (freshen(m.type, m.id, ctx)) owners.forget(m);
    const authorizations = s.authorizationsEnabled ? await owners.of(m, ctx) : [];
    const { token, payload, expiresAt } = await signer.sign(m, authorizations);
    // A new Date: the caller may change it; the payload is frozen.
    return { token, payload, expiresAt: new Date(expiresAt), stats: statsOf(ctx) };
  }

  function statsOf(ctx: IssueContext): IssueStats {
    return { durationMs: s.now() - ctx.started, cached: ctx.misses === 0, upstreamRequests: ctx.requests, tokenRequests: ctx.tokenRequests };
  }

  async function issue(request: IssueRequest, options: IssueOptions = {}): Promise<IssuedGrants> {
    checkRequest(request);
    if (options === null || typeof options !== "object" || (options.fresh !== undefined && typeof options.fresh !== "boolean")) throw invalid("issue()'s options are `{ fresh?: boolean }`");
    if (inFlight >= s.maxConcurrentIssues) {
      throw issuerError("ERR_ISSUER_UPSTREAM", `${inFlight} grant sets are being issued already (maxConcurrentIssues); the cluster is answering slower than they arrive`, { status: 503, retryAfter: 1 });
    }
    inFlight += 1;
    const ctx = new IssueContext(s.deadlineMs, s.now);
    ctx.fresh = options.fresh === true;
    try {
      const issued = await Promise.race([build(request, ctx), ctx.expired]);
      issued.stats.durationMs = s.now() - ctx.started;
      const p = issued.payload;
      notify<IssueEvent>(s.onIssue, { ...issued.stats, subject: p.sub ?? "", authorizations: p.authorizations?.length ?? 0, tokenBytes: issued.token.length, expiresAt: issued.expiresAt });
      return issued;
    } catch (error) {
      const stats = statsOf(ctx);
      if (error !== null && typeof error === "object") FAILED.set(error, stats);
      const known = error instanceof AuthzError;
      notify<IssueErrorEvent>(s.onError, {
        ...stats,
        error,
        code: known ? error.code : "ERR_INTERNAL",
        message: known ? error.message : "the grant set could not be issued",
        status: statusOf(error),
        ...(ctx.subject === undefined ? {} : { subject: ctx.subject }),
      });
      throw error;
    } finally {
      ctx.finish();
      inFlight -= 1;
    }
  }

  return {
    issue,
    ready,
    jwks,
    stats: {
      get requests() {
        return client.requests;
      },
      get tokenRequests() {
        return creds.tokenRequests;
      },
      get inFlight() {
        return inFlight;
      },
      get upstreamInFlight() {
        return client.inFlight;
      },
      get cacheEntries() {
        return owners.size + users.size + principals.size + resolutions.size + directories.size + rules.size + signer.size;
      },
    },
    clearCache() {
      owners.clear();
      directories.clear();
      rules.clear();
      users.clear();
      principals.clear();
      resolutions.clear();
      signer.clear();
    },
  };
}
