// Every request the stand-in accepts and every response it sends is checked against Camunda's
// published zod schemas (@camunda/camunda-api-zod-schemas, versions 8.9 and 8.10): it must parse
// under both, and hold no member that both versions would strip. Each route's path is also the
// one the schema package's endpoint definition builds, so the stand-in cannot drift from the API.
import { readFileSync } from "node:fs";

const PKG = new URL("../js/node_modules/@camunda/camunda-api-zod-schemas/", import.meta.url);
const pkgJson = JSON.parse(readFileSync(new URL("package.json", PKG), "utf8"));
const VERSIONS = ["8.9", "8.10"];

async function load(version, file) {
  const entry = pkgJson.exports[`./${version}/${file}`]?.import?.default;
  if (!entry) throw new Error(`camunda-standin: the schema package has no ${version}/${file}`);
  return import(new URL(entry, PKG).href);
}

/**
 * The routes: method, path pattern (`:id` is one path segment), the schema module, the endpoint
 * definition, and the request and response schema names (null: no body).
 */
export const ROUTES = [
  ["GET", "/v2/authentication/me", "authentication", "getCurrentUser", null, "currentUserSchema"],
  ["POST", "/v2/authorizations/search", "authorization", "queryAuthorizations", "queryAuthorizationsRequestBodySchema", "queryAuthorizationsResponseBodySchema"],
  ["POST", "/v2/mapping-rules/search", "mapping-rule", "queryMappingRules", "queryMappingRulesRequestBodySchema", "queryMappingRulesResponseBodySchema"],
  ["POST", "/v2/groups/search", "group", "queryGroups", "queryGroupsRequestBodySchema", "queryGroupsResponseBodySchema"],
  ["POST", "/v2/groups/:id/users/search", "group", "queryUsersByGroup", "queryUsersByGroupRequestBodySchema", "queryUsersByGroupResponseBodySchema"],
  ["POST", "/v2/groups/:id/clients/search", "group", "queryClientsByGroup", "queryClientsByGroupRequestBodySchema", "queryClientsByGroupResponseBodySchema"],
  ["POST", "/v2/groups/:id/mapping-rules/search", "group", "queryMappingRulesByGroup", "queryMappingRulesByGroupRequestBodySchema", "queryMappingRulesByGroupResponseBodySchema"],
  ["POST", "/v2/groups/:id/roles/search", "group", "queryRolesByGroup", "queryRolesByGroupRequestBodySchema", "queryRolesByGroupResponseBodySchema"],
  ["POST", "/v2/roles/search", "role", "queryRoles", "queryRolesRequestBodySchema", "queryRolesResponseBodySchema"],
  ["POST", "/v2/roles/:id/users/search", "role", "queryUsersByRole", "queryUsersByRoleRequestBodySchema", "queryUsersByRoleResponseBodySchema"],
  ["POST", "/v2/roles/:id/clients/search", "role", "queryClientsByRole", "queryClientsByRoleRequestBodySchema", "queryClientsByRoleResponseBodySchema"],
  ["POST", "/v2/roles/:id/groups/search", "role", "queryGroupsByRole", "queryGroupsByRoleRequestBodySchema", "queryGroupsByRoleResponseBodySchema"],
  ["POST", "/v2/roles/:id/mapping-rules/search", "role", "queryMappingRulesByRole", "queryMappingRulesByRoleRequestBodySchema", "queryMappingRulesByRoleResponseBodySchema"],
  ["POST", "/v2/tenants/search", "tenant", "queryTenants", "queryTenantsRequestBodySchema", "queryTenantsResponseBodySchema"],
  ["POST", "/v2/tenants/:id/users/search", "tenant", "queryUsersByTenant", "queryUsersByTenantRequestBodySchema", "queryUsersByTenantResponseBodySchema"],
  ["POST", "/v2/tenants/:id/clients/search", "tenant", "queryClientsByTenant", "queryClientsByTenantRequestBodySchema", "queryClientsByTenantResponseBodySchema"],
  ["POST", "/v2/tenants/:id/groups/search", "tenant", "queryGroupsByTenant", "queryGroupsByTenantRequestBodySchema", "queryGroupsByTenantResponseBodySchema"],
  ["POST", "/v2/tenants/:id/roles/search", "tenant", "queryRolesByTenant", "queryRolesByTenantRequestBodySchema", "queryRolesByTenantResponseBodySchema"],
  ["POST", "/v2/tenants/:id/mapping-rules/search", "tenant", "queryMappingRulesByTenant", "queryMappingRulesByTenantRequestBodySchema", "queryMappingRulesByTenantResponseBodySchema"],
  ["GET", "/v2/users/:id", "user", "getUser", null, "getUserResponseBodySchema"],
  ["POST", "/v2/users/search", "user", "queryUsers", "queryUsersRequestBodySchema", "queryUsersResponseBodySchema"],
  ["POST", "/v2/user-tasks/search", "user-task", "queryUserTasks", "queryUserTasksRequestBodySchema", "queryUserTasksResponseBodySchema"],
];

const PARAMS = { groupId: "ID", roleId: "ID", tenantId: "ID", username: "ID" };

/** Paths of `input` that `output` (a zod parse of it) dropped. */
function stripped(input, output, path = "$") {
  if (input === null || typeof input !== "object") return [];
  if (Array.isArray(input)) return input.flatMap((v, i) => stripped(v, output?.[i], `${path}[${i}]`));
  return Object.keys(input).flatMap((k) => (output !== null && typeof output === "object" && k in output ? stripped(input[k], output[k], `${path}.${k}`) : [`${path}.${k}`]));
}

/** The checkers by route: `{ method, pattern, check(kind, value) -> problems[] }`. */
export async function loadRoutes() {
  const routes = [];
  for (const [method, pattern, file, endpoint, requestName, responseName] of ROUTES) {
    const byVersion = [];
    for (const version of VERSIONS) {
      const mod = await load(version, file);
      const def = mod[endpoint];
      if (!def || def.method !== method) throw new Error(`camunda-standin: ${version}/${file} has no ${method} endpoint \`${endpoint}\``);
      const built = def.getUrl(PARAMS).replace("/ID/", "/:id/").replace(/\/ID$/, "/:id");
      if (built !== pattern) throw new Error(`camunda-standin: ${version} builds \`${built}\` for ${endpoint}, the stand-in serves \`${pattern}\``);
      const schema = (name) => {
        if (name === null) return null;
        if (!mod[name]) throw new Error(`camunda-standin: ${version}/${file} has no schema \`${name}\``);
        return mod[name];
      };
      byVersion.push({ version, request: schema(requestName), response: schema(responseName) });
    }
    const check = (kind, value) => {
      const problems = [];
      const strippedBy = [];
      for (const v of byVersion) {
        const schema = v[kind];
        if (schema === null) continue;
        const result = schema.safeParse(value);
        if (!result.success) problems.push(`${v.version}: ${result.error.issues.map((i) => `${i.path.join(".") || "$"}: ${i.message}`).join("; ")}`);
        else strippedBy.push(new Set(stripped(value, result.data)));
      }
      if (problems.length === 0 && strippedBy.length > 0) {
        const unknown = [...strippedBy[0]].filter((p) => strippedBy.every((s) => s.has(p)));
        if (unknown.length > 0) problems.push(`members no version knows: ${unknown.join(", ")}`);
      }
      return problems;
    };
    const regex = new RegExp(`^${pattern.replace(":id", "([^/]+)")}$`);
    routes.push({ method, pattern, regex, endpoint, hasRequestBody: requestName !== null, check });
  }
  routes.push(await ownAuthorizationsRoute());
  return routes;
}

/**
 * 8.10's `POST /v2/authentication/me/authorizations/search` ("Search own authorizations",
 * camunda/camunda issue 55892), which the schema package (0.0.93) does not have yet. Camunda's
 * OpenAPI definition, as the PyPI package camunda-orchestration-sdk 10.0.1 is generated from it
 * (api/authentication/search_own_authorizations.py: AuthorizationSearchQuery in;
 * models/own_authorization_search_result.py: `authorizationsEnabled`, `items` of
 * AuthorizationResult and `page`, all required), takes the body of `/v2/authorizations/search`
 * and answers its result with the boolean beside (camunda/camunda zeebe/gateway-rest/src/test/
 * java/io/camunda/zeebe/gateway/rest/controller/authentication/AuthenticationControllerTest.java
 * at 6de06dc7b84958235d6f24400a719a882acd82d6): held to those two schemas of the 8.10 package.
 */
async function ownAuthorizationsRoute() {
  const mod = await load("8.10", "authorization");
  const check = (kind, value) => {
    if (kind === "request") {
      const r = mod.queryAuthorizationsRequestBodySchema.safeParse(value);
      return r.success ? [] : [`8.10: ${r.error.issues.map((i) => `${i.path.join(".") || "$"}: ${i.message}`).join("; ")}`];
    }
    const { authorizationsEnabled, ...rest } = value ?? {};
    const problems = typeof authorizationsEnabled === "boolean" ? [] : ["8.10: authorizationsEnabled: a boolean is required"];
    const r = mod.queryAuthorizationsResponseBodySchema.safeParse(rest);
    if (!r.success) problems.push(`8.10: ${r.error.issues.map((i) => `${i.path.join(".") || "$"}: ${i.message}`).join("; ")}`);
    else {
      const unknown = stripped(rest, r.data);
      if (unknown.length > 0) problems.push(`members 8.10 does not know: ${unknown.join(", ")}`);
    }
    return problems;
  };
  const pattern = "/v2/authentication/me/authorizations/search";
  return { method: "POST", pattern, regex: new RegExp(`^${pattern}$`), endpoint: "searchOwnAuthorizations", hasRequestBody: true, check };
}
