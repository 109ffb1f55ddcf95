// The authorizations that apply to a principal: `POST /v2/authorizations/search` for each owner
// (the principal, each of its groups, roles and mapping rules), every page, as the REST API
// returns them (with `authorizationKey`, kept for explanations).
import type { Authorization } from "../core/index.js";
import type { CamundaClient } from "./client.js";
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

export async function ownerAuthorizations(client: CamundaClient, ownerType: OwnerType, ownerId: string, resourceTypes: readonly string[] | undefined): Promise<Authorization[]> {
  const filter: Record<string, unknown> = { ownerType, ownerId };
  if (resourceTypes?.length === 1) filter.resourceType = resourceTypes[0];
  const items = await client.searchAll("/v2/authorizations/search", filter, isAuthorizationItem, "an authorization");
  const kept: Authorization[] = [];
  for (const item of items) {
    // The cluster answered for another owner: its filter is not what we asked for.
    if (item.ownerType !== ownerType || item.ownerId !== ownerId) {
      throw issuerError("ERR_ISSUER_UPSTREAM", `POST /v2/authorizations/search answered for owner \`${item.ownerType} ${item.ownerId}\` when asked for \`${ownerType} ${ownerId}\``);
    }
    if (resourceTypes && !resourceTypes.includes(item.resourceType)) continue;
    const authorization = toAuthorization(item);
    if (authorization) kept.push(authorization);
  }
  return kept;
}

/**
 * The permission self-check: search endpoints answer a caller without permission with an empty
 * list, so a service account that sees no authorization at all cannot tell "none" from "not
 * allowed to look", and the issuer refuses.
 */
export async function checkCanSeeAuthorizations(client: CamundaClient): Promise<void> {
  const body = await client.call("POST", "/v2/authorizations/search", { body: { page: { limit: 1 } } });
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw issuerError("ERR_ISSUER_UPSTREAM", "POST /v2/authorizations/search answered with something that is not a search result");
  if (items.length === 0) {
    throw issuerError(
      "ERR_ISSUER_AUTH",
      "the service account sees no authorizations at all: give it AUTHORIZATION READ (and MAPPING_RULE, GROUP, ROLE, TENANT READ) on `*`",
    );
  }
}
