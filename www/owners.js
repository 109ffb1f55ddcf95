// Where a grant came from: which owner of the principal's (the principal itself, one of its
// groups, roles or mapping rules) an authorization belongs to, and how the principal has that
// owner. The issuer collects each owner's authorizations; this says it back to people. Ids are
// in backticks (the page shows them as code).

const names = (ids) => ids.map((id) => `\`${id}\``).join(", ");

/** How the principal has role `roleId`: directly, through groups, through mapping rules. */
function roleRoute(role, principal) {
  const ways = [];
  if ((principal.type === "USER" ? role?.users : role?.clients)?.includes(principal.id)) ways.push("directly");
  const groups = (role?.groups ?? []).filter((g) => principal.groups?.includes(g));
  if (groups.length) ways.push(`through group ${names(groups)}`);
  const rules = (role?.mappingRules ?? []).filter((r) => principal.mappingRules?.includes(r));
  if (rules.length) ways.push(`through mapping rule ${names(rules)}`);
  return ways.length ? ways.join(" and ") : "as the cluster reported";
}

/** One sentence: the owner of authorization `a` and how `principal` has it. */
export function ownerOrigin(a, principal, config) {
  switch (a.ownerType) {
    case "USER":
    case "CLIENT":
      return `granted to you directly (${a.ownerType.toLowerCase()} \`${a.ownerId}\`)`;
    case "GROUP":
      return `from your group \`${a.ownerId}\``;
    case "ROLE": {
      const role = config.roles.find((r) => r.roleId === a.ownerId);
      return `from your role \`${a.ownerId}\`, which you have ${roleRoute(role, principal)}`;
    }
    case "MAPPING_RULE": {
      const rule = config.mappingRules?.find((r) => r.mappingRuleId === a.ownerId);
      return rule
        ? `from mapping rule \`${a.ownerId}\`: your token's claim \`${rule.claimName}\` holds \`${rule.claimValue}\``
        : `from mapping rule \`${a.ownerId}\`, which your token's claims match`;
    }
    default:
      return `from owner \`${a.ownerType} ${a.ownerId}\``;
  }
}
