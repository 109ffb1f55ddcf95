// The Camunda population the issuer suites read: alice in group sales, whose role task-worker may
// read, claim and complete the user tasks of its candidate groups, and the service account the
// issuer reads Camunda with; a suite adds its own mapping rules and authorizations.
import { SERVICE_ACCOUNT, serviceAccountAuthorizations } from "../../camunda-standin/population.mjs";

export const ISS = "https://tasklist.example.com";
export const AUD = "tasklist";

/** The stand-in's data: the population above, plus `mappingRules` and `authorizations`. */
export function salesPopulation({ mappingRules = [], authorizations = [] } = {}) {
  return {
    users: [{ username: "alice" }],
    clients: [SERVICE_ACCOUNT],
    groups: [{ groupId: "sales", users: ["alice"] }],
    roles: [{ roleId: "task-worker", groups: ["sales"] }],
    mappingRules,
    authorizations: [
      ...serviceAccountAuthorizations(),
      { ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM", "COMPLETE"] },
      ...authorizations,
    ],
  };
}

/** The bin's environment: Camunda at the stand-in through its OAuth, issuing for ISS and AUD; `extra` adds or overrides. */
export function binEnv(standin, extra = {}) {
  return {
    CAMUNDA_REST_ADDRESS: standin.url,
    CAMUNDA_AUTH_STRATEGY: "OAUTH",
    CAMUNDA_OAUTH_URL: standin.oauthUrl,
    CAMUNDA_CLIENT_ID: SERVICE_ACCOUNT.clientId,
    CAMUNDA_CLIENT_SECRET: SERVICE_ACCOUNT.clientSecret,
    CAMUNDA_AUTHZ_ISSUER: ISS,
    CAMUNDA_AUTHZ_AUDIENCE: AUD,
    ...extra,
  };
}
