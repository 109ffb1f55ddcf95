// Who a caller is in the stand-in's cluster and what it may do, written for the stand-in from
// Camunda's documented identity model (not shared with the issuer): a principal's mapping rules
// are those whose claim (JSONPath, claims.mjs) equals the rule's value or is a list holding it,
// none on a BASIC login (DefaultBasicMembershipService); its groups hold it or one of its mapping
// rules, or come from the groups claim (one literal claim name without `$`, OidcGroupsLoader; a
// value that is not a string or a list of strings refuses the login: resolve throws); its roles
// hold it, a mapping rule or a group; its tenants hold any of those or a role. An authorization
// counts when its owner is the principal or one of those, and its resource id is `*` or the id.

import { dotted, literal, readClaim } from "./claims.mjs";

function ruleMatches(rule, claims, version) {
  const minor = Number(String(version ?? "8.9").split(".")[1]);
  const read = readClaim(claims, minor >= 10 ? literal(rule.claimName) : dotted(rule.claimName));
  if (read.invalid) return false;
  const value = read.list ?? read.value;
  return Array.isArray(value) ? value.includes(rule.claimValue) : value === rule.claimValue;
}

function claimedGroups(claims, groupsClaim) {
  const read = readClaim(claims, literal(groupsClaim));
  const value = read.list ?? read.value;
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((g) => typeof g === "string")) return value;
  throw new Error(`Group's list derived from (${groupsClaim}) is not a string array.`);
}

const list = (v) => v ?? [];

/** `{ type: "USER" | "CLIENT", id, claims }` → `{ ..., mappingRules, groups, roles, tenants }` (Sets). */
export function resolve(data, principal) {
  const { type, id, claims = {}, basic = false } = principal;
  const own = (entity) => (type === "USER" ? list(entity.users) : list(entity.clients)).includes(id);
  const mappingRules = new Set(basic ? [] : list(data.mappingRules).filter((r) => ruleMatches(r, claims, data.camundaVersion)).map((r) => r.mappingRuleId));
  const viaRule = (entity) => list(entity.mappingRules).some((r) => mappingRules.has(r));
  let groups;
  if (data.groupsClaim && !basic) {
    groups = new Set(claimedGroups(claims, data.groupsClaim));
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
