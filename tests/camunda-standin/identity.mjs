// Who a caller is in the stand-in's cluster and what it may do, written for the stand-in from
// Camunda's documented identity model (not shared with the issuer): a principal's mapping rules
// are those whose claim (a dotted `$.a.b` path) equals the rule's value or is an array holding
// it; its groups hold it or one of its mapping rules (or come from the groups claim); its roles
// hold it, a mapping rule or a group; its tenants hold any of those or a role. An authorization
// counts when its owner is the principal or one of those, and its resource id is `*` or the id.

function claimAt(claims, claimName) {
  const path = claimName.replace(/^\$\.?/, "");
  let value = claims;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = value[part];
  }
  return value;
}

function ruleMatches(rule, claims) {
  const value = claimAt(claims, rule.claimName);
  return Array.isArray(value) ? value.includes(rule.claimValue) : value === rule.claimValue;
}

const list = (v) => v ?? [];

/** `{ type: "USER" | "CLIENT", id, claims }` → `{ ..., mappingRules, groups, roles, tenants }` (Sets). */
export function resolve(data, principal) {
  const { type, id, claims = {} } = principal;
  const own = (entity) => (type === "USER" ? list(entity.users) : list(entity.clients)).includes(id);
  const mappingRules = new Set(list(data.mappingRules).filter((r) => ruleMatches(r, claims)).map((r) => r.mappingRuleId));
  const viaRule = (entity) => list(entity.mappingRules).some((r) => mappingRules.has(r));
  let groups;
  if (data.groupsClaim) {
    const v = claimAt(claims, data.groupsClaim);
    groups = new Set((Array.isArray(v) ? v : [v]).filter((g) => typeof g === "string"));
  } else {
    groups = new Set(list(data.groups).filter((g) => own(g) || viaRule(g)).map((g) => g.groupId));
  }
  const viaGroup = (entity) => list(entity.groups).some((g) => groups.has(g));
  const roles = new Set(list(data.roles).filter((r) => own(r) || viaRule(r) || viaGroup(r)).map((r) => r.roleId));
  const viaRole = (entity) => list(entity.roles).some((r) => roles.has(r));
  const tenants = new Set(list(data.tenants).filter((t) => own(t) || viaRule(t) || viaGroup(t) || viaRole(t)).map((t) => t.tenantId));
  return { type, id, claims, mappingRules, groups, roles, tenants };
}

/** Does the authorization's owner include the resolved caller. */
export function owns(caller, a) {
  switch (a.ownerType) {
    case "USER":
      return caller.type === "USER" && a.ownerId === caller.id;
    case "CLIENT":
      return caller.type === "CLIENT" && a.ownerId === caller.id;
    case "GROUP":
      return caller.groups.has(a.ownerId);
    case "ROLE":
      return caller.roles.has(a.ownerId);
    case "MAPPING_RULE":
      return caller.mappingRules.has(a.ownerId);
    default:
      return false;
  }
}

/** The caller's authorizations (everything for the unprotected API's anonymous caller). */
export function authorizationsOf(data, caller) {
  return list(data.authorizations).filter((a) => owns(caller, a));
}

/** May the caller use `permission` on `resourceType` `resourceId` (by that id or `*`). */
export function permits(data, caller, resourceType, permission, resourceId) {
  if (caller.unrestricted || data.authorizationsEnabled === false) return true;
  return authorizationsOf(data, caller).some(
    (a) => a.resourceType === resourceType && a.permissionTypes.includes(permission) && (a.resourceId === "*" || (resourceId !== undefined && a.resourceId === resourceId)),
  );
}
