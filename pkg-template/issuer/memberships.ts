// Who the principal is in the cluster: its mapping rules, groups, roles and tenants.
//
// With the user's token, the cluster says it: `GET /v2/authentication/me` (groups, roles and
// tenants as the cluster resolved them); mapping rules are matched against the token's claims.
// Without one, the directory is walked as the cluster's DefaultMembershipService
// (camunda/camunda authentication/src/main/java/io/camunda/authentication/service/
// DefaultMembershipService.java) resolves a login: the principal and its matching mapping rules;
// then groups with any of those as a member (or the groups claim, when the cluster reads groups
// from the token); then roles with any of the principal, its mapping rules or groups as a member;
// then tenants with any of all of those as a member. A BASIC cluster never resolves mapping rules
// (camunda/camunda authentication/src/main/java/io/camunda/authentication/service/
// DefaultBasicMembershipService.java at 8ba86adfcd3df24b4b6ac0ccf02121b5dc7ade87: "Mapping rules
// are never resolved for BASIC auth"), nor reads a groups claim.
import type { ClaimNames, Claims, MappingRule } from "./claims.js";
import { claimGroups, matchesRule } from "./claims.js";
import type { JsonPath } from "./jsonpath.js";
import type { Directory, MemberKind, Members } from "./directory.js";

export interface Memberships {
  type: "USER" | "CLIENT";
  id: string;
  groups: string[];
  roles: string[];
  tenants: string[];
  mappingRules: string[];
}

/** How the cluster reads claims: its groups claim (OIDC), its claim names' version, BASIC or not. */
export interface ClaimRules {
  groupsClaim: JsonPath | undefined;
  names: ClaimNames;
  basic: boolean;
}

export function matchingRules(rules: readonly MappingRule[], claims: Claims, how: ClaimRules): string[] {
  if (how.basic) return [];
  return rules.filter((rule) => matchesRule(claims, rule, how.names)).map((rule) => rule.mappingRuleId);
}

/** The entities of `map` with at least one of the given members. */
function having(map: ReadonlyMap<string, Members>, owners: Partial<Record<MemberKind, readonly string[]>>): string[] {
  const found: string[] = [];
  for (const [id, members] of map) {
    const hit = (Object.keys(owners) as MemberKind[]).some((kind) => owners[kind]?.some((owner) => members[kind]?.has(owner)));
    if (hit) found.push(id);
  }
  return found;
}

export function resolveMemberships(directory: Directory, type: "USER" | "CLIENT", id: string, claims: Claims, how: ClaimRules): Memberships {
  const self = type === "USER" ? { users: [id] } : { clients: [id] };
  const mappingRules = matchingRules(directory.mappingRules, claims, how);
  const groups = how.groupsClaim && !how.basic ? claimGroups(claims, how.groupsClaim) : having(directory.groups, { ...self, "mapping-rules": mappingRules });
  const roles = having(directory.roles, { ...self, "mapping-rules": mappingRules, groups });
  const tenants = having(directory.tenants, { ...self, "mapping-rules": mappingRules, groups, roles });
  return { type, id, groups, roles, tenants, mappingRules };
}
