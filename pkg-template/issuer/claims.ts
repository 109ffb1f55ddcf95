// A token's claims and the mapping rules they match, as the cluster's MappingRuleMatcher
// (camunda/camunda security/security-core/.../auth/MappingRuleMatcher.java) does: a rule's
// `claimName` is a JSONPath expression over the claims; the rule matches when the value there is
// a string equal to `claimValue`, or an array that contains that string. Numbers and booleans
// never equal a string; a missing path or an expression that cannot be evaluated never matches.

/** A token's claims: whatever JSON its payload holds. */
export type Claims = Readonly<Record<string, unknown>>;

/** The payload of a JWT, decoded WITHOUT verifying it (the cluster verified the token); `{}` otherwise. */
export function unverifiedClaims(token: string): Claims {
  const part = token.split(".")[1];
  if (token.split(".").length !== 3 || part === undefined) return {};
  try {
    const binary = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const value: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Claims) : {};
  } catch {
    return {};
  }
}

/**
 * The steps of a JSONPath expression, or null when it uses more than names and indexes
 * (`$.a.b`, `$['a.b']`, `$["a"][0]`; like Jayway JsonPath, a path without `$` starts at the root).
 */
export function pathSteps(expression: string): (string | number)[] | null {
  let rest = expression.startsWith("$") ? expression.slice(1) : `.${expression}`;
  const steps: (string | number)[] = [];
  while (rest !== "") {
    const m = /^\.([^.[\]'"*@()?]+)/.exec(rest) ?? /^\[(\d+)\]/.exec(rest) ?? /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest) ?? /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest);
    if (!m || m[1] === undefined) return null;
    steps.push(/^\[\d/.test(m[0]) ? Number(m[1]) : m[1].replace(/\\(.)/g, "$1"));
    rest = rest.slice(m[0].length);
  }
  return steps;
}

function evaluate(claims: Claims, expression: string): unknown {
  const steps = pathSteps(expression);
  if (steps === null) return undefined;
  let value: unknown = claims;
  for (const step of steps) {
    if (typeof step === "number") value = Array.isArray(value) ? value[step] : undefined;
    else value = value !== null && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, step) ? (value as Record<string, unknown>)[step] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

export interface MappingRule {
  mappingRuleId: string;
  claimName: string;
  claimValue: string;
}

/** Does the rule match these claims. */
export function matchesRule(claims: Claims, rule: MappingRule): boolean {
  const value = evaluate(claims, rule.claimName);
  if (Array.isArray(value)) return value.includes(rule.claimValue);
  return value === rule.claimValue;
}

/** The values at a claim path as a list of strings: a string, or the strings of an array (the groups claim). */
export function claimStrings(claims: Claims, expression: string): string[] {
  const value = evaluate(claims, expression);
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
