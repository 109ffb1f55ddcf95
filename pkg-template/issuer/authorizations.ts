// The authorizations that apply to a principal: `POST /v2/authorizations/search` for each owner
// (the principal, each of its groups, roles and mapping rules), every page, as the REST API
// returns them (with `authorizationKey`, kept for explanations). The search filter of 8.8 and
// 8.9 takes one `ownerId`, so a principal in many groups would cost one search per group; past
// BATCH_OWNERS owners of one type, the issuer reads every authorization of that owner type
// instead (`{ ownerType }`, paged) and keeps those of the principal's owners (owners.ts).
import type { Authorization } from "../core/index.js";
import type { CamundaClient } from "./client.js";
import type { RequestContext } from "./context.js";
import { issuerError } from "./errors.js";
import type { AuthorizationItem } from "./shapes.js";
import { isAuthorizationItem } from "./shapes.js";

export type OwnerType = "USER" | "CLIENT" | "GROUP" | "ROLE" | "MAPPING_RULE";

function present(s: string | null | undefined): s is string {
  return typeof s === "string" && s !== "";
}

/**
 * The grant-set form of an item: exactly one of `resourceId` and `resourcePropertyName`. An item
 * with neither or both cannot be decided and is left out (it can only take grants away).
 */
export function toAuthorization(item: AuthorizationItem): Authorization | undefined {
  const common = {
    ...(present(item.authorizationKey) ? { authorizationKey: item.authorizationKey } : {}),
    ownerType: item.ownerType,
    ownerId: item.ownerId,
    resourceType: item.resourceType,
    permissionTypes: item.permissionTypes,
  };
  const byId = present(item.resourceId);
  const byProperty = present(item.resourcePropertyName);
  if (byId === byProperty) return undefined;
  return byId ? { ...common, resourceId: item.resourceId as string } : { ...common, resourcePropertyName: item.resourcePropertyName as string };
}

function filterOf(ownerType: OwnerType, ownerId: string | undefined, resourceTypes: readonly string[] | undefined): Record<string, unknown> {
  const filter: Record<string, unknown> = ownerId === undefined ? { ownerType } : { ownerType, ownerId };
  if (resourceTypes?.length === 1) filter.resourceType = resourceTypes[0];
  return filter;
}

/** Checks the items are of the owner asked for, and keeps those of `resourceTypes` that can be decided. */
function kept(items: AuthorizationItem[], ownerType: OwnerType, ownerId: string | undefined, resourceTypes: readonly string[] | undefined): Authorization[] {
  const result: Authorization[] = [];
  for (const item of items) {
    // The cluster answered for another owner: its filter is not what we asked for.
    if (item.ownerType !== ownerType || (ownerId !== undefined && item.ownerId !== ownerId)) {
      const asked = ownerId === undefined ? ownerType : `${ownerType} ${ownerId}`;
      throw issuerError("ERR_ISSUER_UPSTREAM", `POST /v2/authorizations/search answered for owner \`${item.ownerType} ${item.ownerId}\` when asked for \`${asked}\``);
    }
    if (resourceTypes && !resourceTypes.includes(item.resourceType)) continue;
    const authorization = toAuthorization(item);
    if (authorization) result.push(authorization);
  }
  return result;
}

/** The authorizations of one owner. */
export async function ownerAuthorizations(client: CamundaClient, ownerType: OwnerType, ownerId: string, resourceTypes: readonly string[] | undefined, call?: RequestContext): Promise<Authorization[]> {
  const items = await client.searchAll("/v2/authorizations/search", filterOf(ownerType, ownerId, resourceTypes), isAuthorizationItem, "an authorization", call);
  return kept(items, ownerType, ownerId, resourceTypes);
}

/** Every authorization of one owner type, by owner id. */
export async function typeAuthorizations(client: CamundaClient, ownerType: OwnerType, resourceTypes: readonly string[] | undefined, call?: RequestContext): Promise<Map<string, Authorization[]>> {
  const items = await client.searchAll("/v2/authorizations/search", filterOf(ownerType, undefined, resourceTypes), isAuthorizationItem, "an authorization", call);
  const byOwner = new Map<string, Authorization[]>();
  for (const a of kept(items, ownerType, undefined, resourceTypes)) {
    const list = byOwner.get(a.ownerId);
    if (list) list.push(a);
    else byOwner.set(a.ownerId, [a]);
  }
  return byOwner;
}

/**
 * The permission self-check: search endpoints answer a caller without permission with an empty
 * list, so a service account that sees no authorization at all cannot tell "none" from "not
 * allowed to look", and the issuer refuses.
 */
export async function checkCanSeeAuthorizations(client: CamundaClient, call?: RequestContext): Promise<void> {
  const body = await client.call("POST", "/v2/authorizations/search", { body: { page: { limit: 1 } }, ...(call === undefined ? {} : { call }) });
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw issuerError("ERR_ISSUER_UPSTREAM", "POST /v2/authorizations/search answered with something that is not a search result");
  if (items.length === 0) {
    throw issuerError(
      "ERR_ISSUER_AUTH",
      "the service account sees no authorizations at all: give it AUTHORIZATION READ (and MAPPING_RULE, GROUP, ROLE, TENANT READ) on `*`",
    );
  }
}
