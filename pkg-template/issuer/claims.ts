// A token's claims and Camunda's two readings of them. A mapping rule's `claimName` is JSONPath
// (jsonpath.ts) evaluated as MappingRuleMatcher does: the rule matches when the value there is a
// string equal to `claimValue`, or a list that contains that string; numbers and booleans never
// equal a string; a path Jayway refuses matches nothing. 8.8 and 8.9 compile the name as it is,
// so Jayway reads `a.b` as `$.a.b` (camunda/camunda security/security-core/src/main/java/io/
// camunda/security/auth/MappingRuleMatcher.java at 097c528b9df2f33f5f6765e923f6831ff0caf37c);
// from 8.10, a name without a leading `$` is one literal claim, `$['a.b']`
// (camunda/camunda-security-library core/src/main/java/io/camunda/security/core/auth/
// MappingRuleMatcher.java at 33b3cf2a6891c5210872ad1e30a051222591c029). The groups claim is read
// as OidcGroupsLoader reads it, on every version: without a leading `$` it is one literal claim
// name (`realm_access.groups` is `$['realm_access.groups']`, `https://acme.com/groups` works);
// the value is no groups (missing or null), one group (a string) or a list of strings, and
// anything else refuses the login (camunda/camunda security/security-core/src/main/java/io/
// camunda/security/auth/OidcGroupsLoader.java at 09fe4f753f02ea08c172abb6eca78021ebb744cd).

import { fromBase64url } from "../http/base64url.js";
import { compileJsonPath, JsonPathError, readJsonPath } from "./jsonpath.js";
import type { JsonPath } from "./jsonpath.js";
import { issuerError } from "./errors.js";

/** A token's claims: whatever JSON its payload holds. */
export type Claims = Readonly<Record<string, unknown>>;

/** The payload of a JWT, decoded WITHOUT verifying it (the cluster verified the token); `{}` otherwise. */
export function unverifiedClaims(token: string): Claims {
  const part = token.split(".")[1];
  if (token.split(".").length !== 3 || part === undefined) return {};
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(part)));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Claims) : {};
  } catch {
    return {};
  }
}

export interface MappingRule {
  mappingRuleId: string;
  claimName: string;
  claimValue: string;
}

/** How a version names claims: `literal` when a name without `$` is one claim (8.10 and later). */
export type ClaimNames = "jsonpath" | "literal";

/** The path Camunda reads a rule's claim name as. */
function rulePath(claimName: string, names: ClaimNames): JsonPath {
  if (names === "jsonpath" || claimName.startsWith("$")) return compileJsonPath(claimName);
  return compileJsonPath(`$['${claimName.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`);
}

/**
 * Does the rule match these claims. A claim name Jayway refuses matches nothing, as in Camunda;
 * one the issuer cannot evaluate (a filter, a slice, a union, a function) is ERR_ISSUER_UPSTREAM
 * naming the rule: the cluster may match it, so no grant set is issued without it.
 */
export function matchesRule(claims: Claims, rule: MappingRule, names: ClaimNames = "jsonpath"): boolean {
  let value: unknown;
  try {
    value = readJsonPath(rulePath(rule.claimName, names), claims);
  } catch (error) {
    if (error instanceof JsonPathError && error.invalid) return false;
    const why = error instanceof Error ? error.message : String(error);
    throw issuerError("ERR_ISSUER_UPSTREAM", `mapping rule \`${rule.mappingRuleId}\`: ${why}; the cluster may match it, so no grant set is issued without it (give the rule a claim name of names, indexes, \`*\` or \`..\`)`);
  }
  if (Array.isArray(value)) return value.includes(rule.claimValue);
  return value === rule.claimValue;
}

/**
 * The groups claim as OidcGroupsLoader compiles it; an ERR_ARGUMENT_INVALID-worthy message when
 * it cannot be read as Camunda reads it (Camunda refuses such a claim at start-up).
 */
export function groupsClaimPath(groupsClaim: string): JsonPath {
  return compileJsonPath(groupsClaim.startsWith("$") ? groupsClaim : `$['${groupsClaim}']`);
}

/** The groups a token claims; a value that is not a string or a list of strings is ERR_ISSUER_PRINCIPAL, as Camunda refuses the login. */
export function claimGroups(claims: Claims, path: JsonPath): string[] {
  const value = readJsonPath(path, claims);
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((g): g is string => typeof g === "string")) return [...new Set(value)];
  throw issuerError("ERR_ISSUER_PRINCIPAL", `the groups claim \`${path.text}\` holds ${Array.isArray(value) ? "a list with an entry that is not a string" : `a ${typeof value}`}: Camunda refuses such a login (OidcGroupsLoader: not a string or string array), so no grant set is issued`, { status: 403 });
}
