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
