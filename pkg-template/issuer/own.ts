// What the cluster says of the user with the user's own token: `GET /v2/authentication/me` (its
// groups, roles and tenants), and from 8.10 `POST /v2/authentication/me/authorizations/search`
// (camunda/camunda issue 55892): every authorization that applies to the principal, directly or
// through a group, role or mapping rule, as the cluster resolves them, with whether the cluster
// checks authorizations at all (`{ authorizationsEnabled, items, page }`; camunda/camunda
// zeebe/gateway-rest/src/test/java/io/camunda/zeebe/gateway/rest/controller/authentication/
// AuthenticationControllerTest.java). Both are read with the user's token only, every page.
import { AuthzError } from "../core/index.js";
import type { Authorization } from "../core/index.js";
import { toAuthorization } from "./authorizations.js";
import type { CamundaClient } from "./client.js";
import type { RequestContext } from "./context.js";
import { issuerError, statusOf } from "./errors.js";
import { isAuthorizationItem, isCurrentUser } from "./shapes.js";
import type { CurrentUser } from "./shapes.js";

export const OWN_AUTHORIZATIONS = "/v2/authentication/me/authorizations/search";

const CLIENT_HINT = "a client has no current user in Camunda: issue for it with `{ clientId, claims }`";

/** The current user, or ERR_ISSUER_PRINCIPAL saying why the token is not one (never ERR_ISSUER_UPSTREAM for a client's token). */
export async function currentUser(client: CamundaClient, userToken: string, call: RequestContext): Promise<CurrentUser> {
  let me: unknown;
  try {
    me = await client.call("GET", "/v2/authentication/me", { as: { userToken }, call });
  } catch (error) {
    if (!(error instanceof AuthzError) || error.code !== "ERR_ISSUER_PRINCIPAL") throw error;
    // The cluster answers 401 when the token resolves to no user: expired, not its own, or a client's.
    throw issuerError("ERR_ISSUER_PRINCIPAL", `${error.message}: the token is expired or not one the cluster accepts, or the cluster resolves it as a client (${CLIENT_HINT})`, { status: statusOf(error), cause: error });
  }
  if (isCurrentUser(me)) return me;
  const username = (me as { username?: unknown } | null)?.username;
  if (me !== null && typeof me === "object" && (username === undefined || username === null || username === "")) {
    throw issuerError("ERR_ISSUER_PRINCIPAL", `GET /v2/authentication/me answered without a username: the cluster resolves the token as a client, not a user (${CLIENT_HINT})`, { status: 403 });
  }
  throw issuerError("ERR_ISSUER_UPSTREAM", "GET /v2/authentication/me answered with something that is not the current user");
}

export interface OwnAuthorizations {
  authorizationsEnabled: boolean;
  authorizations: Authorization[];
  /** The owners of type MAPPING_RULE among them: the principal's mapping rules, as the cluster matched them. */
  mappingRules: string[];
}

/** The own-authorizations search, every page, as the user. */
export async function ownAuthorizations(client: CamundaClient, userToken: string, resourceTypes: readonly string[] | undefined, call: RequestContext): Promise<OwnAuthorizations> {
  let enabled: boolean | undefined;
  const onPage = (body: Record<string, unknown>) => {
    const v = body.authorizationsEnabled;
    if (typeof v !== "boolean") throw issuerError("ERR_ISSUER_UPSTREAM", `POST ${OWN_AUTHORIZATIONS} answered without \`authorizationsEnabled\``);
    if (enabled !== undefined && enabled !== v) throw issuerError("ERR_ISSUER_UPSTREAM", `POST ${OWN_AUTHORIZATIONS} changed \`authorizationsEnabled\` between its pages`);
    enabled = v;
  };
  const filter = resourceTypes?.length === 1 ? { resourceType: resourceTypes[0] } : undefined;
  const items = await client.searchAll(OWN_AUTHORIZATIONS, filter, isAuthorizationItem, "an authorization", call, {
    as: { userToken },
    onPage,
    missing: `the cluster has no own-authorizations search (Camunda 8.10 and later have it): set \`cluster.camundaVersion\` to the cluster's version`,
  });
  const authorizations: Authorization[] = [];
  const mappingRules = new Set<string>();
  for (const item of items) {
    if (item.ownerType === "MAPPING_RULE") mappingRules.add(item.ownerId);
    if (resourceTypes && !resourceTypes.includes(item.resourceType)) continue;
    const a = toAuthorization(item);
    if (a !== undefined) authorizations.push(a);
  }
  // Every page said it (searchAll reads one at least); true is the reading that enforces.
  return { authorizationsEnabled: enabled ?? true, authorizations, mappingRules: [...mappingRules] };
}
