// Shape checks of the cluster's answers (the REST API v2 as Camunda's published schemas define
// it). A response that fails one is ERR_ISSUER_UPSTREAM: a grant set is never built from it.

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === "string");
}

function optionalString(v: unknown): boolean {
  return v === undefined || v === null || typeof v === "string";
}

/** `{ items: [...], page: { endCursor } }` of every search endpoint. */
export function isPage(v: unknown): v is { items: unknown[]; page: { endCursor?: string | null; totalItems?: number; hasMoreTotalItems?: boolean } } {
  return (
    isObject(v) &&
    Array.isArray(v.items) &&
    isObject(v.page) &&
    optionalString(v.page.endCursor) &&
    (v.page.totalItems === undefined || (typeof v.page.totalItems === "number" && v.page.totalItems >= 0)) &&
    (v.page.hasMoreTotalItems === undefined || typeof v.page.hasMoreTotalItems === "boolean")
  );
}

/** One `/v2/authorizations/search` item. */
export interface AuthorizationItem {
  authorizationKey?: string;
  ownerType: string;
  ownerId: string;
  resourceType: string;
  resourceId?: string | null;
  resourcePropertyName?: string | null;
  permissionTypes: string[];
}

export function isAuthorizationItem(v: unknown): v is AuthorizationItem {
  return (
    isObject(v) &&
    typeof v.ownerType === "string" &&
    typeof v.ownerId === "string" &&
    typeof v.resourceType === "string" &&
    optionalString(v.resourceId) &&
    optionalString(v.resourcePropertyName) &&
    isStringArray(v.permissionTypes) &&
    optionalString(v.authorizationKey)
  );
}

/** `GET /v2/authentication/me`: the fields the issuer reads. */
export interface CurrentUser {
  username: string;
  groups: string[];
  roles: string[];
  tenants: { tenantId: string }[];
}

export function isCurrentUser(v: unknown): v is CurrentUser {
  return (
    isObject(v) &&
    typeof v.username === "string" &&
    v.username !== "" &&
    isStringArray(v.groups) &&
    isStringArray(v.roles) &&
    Array.isArray(v.tenants) &&
    v.tenants.every((t) => isObject(t) && typeof t.tenantId === "string")
  );
}

/** One mapping rule (`/v2/mapping-rules/search` and the member searches). */
export interface MappingRuleItem {
  mappingRuleId: string;
  claimName: string;
  claimValue: string;
}

export function isMappingRule(v: unknown): v is MappingRuleItem {
  return isObject(v) && typeof v.mappingRuleId === "string" && typeof v.claimName === "string" && typeof v.claimValue === "string";
}

/** An item with a string member `key` (`groupId`, `roleId`, `tenantId`, `username`, `clientId`). */
export function hasId<K extends string>(key: K): (v: unknown) => v is Record<K, string> {
  return (v: unknown): v is Record<K, string> => isObject(v) && typeof v[key] === "string";
}
