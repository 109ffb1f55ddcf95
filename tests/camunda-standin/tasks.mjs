// The stand-in's own user-task rules, from Camunda's documentation of Tasklist and the 8.9
// engine (not from camunda-authz): first the tenant (with multi-tenancy on, a task of a tenant
// the caller is not assigned to is invisible and untouchable), then authorizations. A task is
// readable with PROCESS_DEFINITION READ_USER_TASK on its process (or `*`), or USER_TASK READ on
// its key, on `*`, or by property: `assignee` (the caller is the assignee), `candidateUsers`
// (the caller is one), `candidateGroups` (one of the caller's groups is one). Operations:
//   claim     PROCESS_DEFINITION UPDATE_USER_TASK or CLAIM_USER_TASK; USER_TASK UPDATE or CLAIM
//   assign    PROCESS_DEFINITION UPDATE_USER_TASK; USER_TASK UPDATE
//   update    as assign
//   unassign  as assign; or, for the assignee, CLAIM_USER_TASK / USER_TASK CLAIM
//   complete  PROCESS_DEFINITION UPDATE_USER_TASK or COMPLETE_USER_TASK; USER_TASK UPDATE or COMPLETE
// Then the lifecycle: every change needs the task in state CREATED, and claim is refused while
// someone else is the assignee.
import { authorizationsOf } from "./identity.mjs";

const PD = {
  get: ["READ_USER_TASK"],
  search: ["READ_USER_TASK"],
  getForm: ["READ_USER_TASK"],
  claim: ["UPDATE_USER_TASK", "CLAIM_USER_TASK"],
  assign: ["UPDATE_USER_TASK"],
  update: ["UPDATE_USER_TASK"],
  unassign: ["UPDATE_USER_TASK"],
  complete: ["UPDATE_USER_TASK", "COMPLETE_USER_TASK"],
};
const UT = {
  get: ["READ"],
  search: ["READ"],
  getForm: ["READ"],
  claim: ["UPDATE", "CLAIM"],
  assign: ["UPDATE"],
  update: ["UPDATE"],
  unassign: ["UPDATE"],
  complete: ["UPDATE", "COMPLETE"],
};
export const OPERATIONS = Object.keys(PD);

function utMatches(a, task, caller) {
  if (a.resourceId === "*" || (a.resourceId && a.resourceId === task.userTaskKey)) return true;
  const isUser = caller.type === "USER";
  switch (a.resourcePropertyName) {
    case "assignee":
      return isUser && !!task.assignee && task.assignee === caller.id;
    case "candidateUsers":
      return isUser && (task.candidateUsers ?? []).includes(caller.id);
    case "candidateGroups":
      return (task.candidateGroups ?? []).some((g) => caller.groups.has(g));
    default:
      return false;
  }
}

function granted(data, caller, operation, task) {
  if (data.authorizationsEnabled === false) return true;
  const mine = authorizationsOf(data, caller);
  const has = (a, perms) => a.permissionTypes.some((p) => perms.includes(p));
  const pd = mine.some((a) => a.resourceType === "PROCESS_DEFINITION" && (a.resourceId === "*" || a.resourceId === task.processDefinitionId) && has(a, PD[operation]));
  if (pd) return true;
  const ut = mine.some((a) => a.resourceType === "USER_TASK" && utMatches(a, task, caller) && has(a, UT[operation]));
  if (ut) return true;
  if (operation === "unassign" && caller.type === "USER" && task.assignee === caller.id) {
    if (mine.some((a) => a.resourceType === "PROCESS_DEFINITION" && (a.resourceId === "*" || a.resourceId === task.processDefinitionId) && a.permissionTypes.includes("CLAIM_USER_TASK"))) return true;
    return mine.some((a) => a.resourceType === "USER_TASK" && a.permissionTypes.includes("CLAIM") && (a.resourceId === "*" || a.resourceId === task.userTaskKey || a.resourcePropertyName === "assignee"));
  }
  return false;
}

/** Would the stand-in's cluster accept `operation` on `task` from the resolved caller. */
export function allowed(data, caller, operation, task) {
  if (!OPERATIONS.includes(operation)) throw new Error(`camunda-standin: unknown operation \`${operation}\``);
  if (data.multiTenancyEnabled && !caller.tenants.has(task.tenantId)) return false;
  if (!granted(data, caller, operation, task)) return false;
  if (["get", "search", "getForm"].includes(operation)) return true;
  if ((task.state ?? "CREATED") !== "CREATED") return false;
  if (operation === "claim" && task.assignee && task.assignee !== caller.id) return false;
  return true;
}

/** A task as the search and GET answer it: the data's fields over the defaults it leaves out. */
export function userTaskItem(t) {
  return {
    state: "CREATED",
    processDefinitionVersion: 1,
    processName: null,
    processInstanceKey: "2251799813685001",
    rootProcessInstanceKey: null,
    processDefinitionKey: "2251799813685000",
    name: null,
    elementId: "task",
    elementInstanceKey: "2251799813685002",
    tenantId: "<default>",
    assignee: null,
    candidateGroups: [],
    candidateUsers: [],
    dueDate: null,
    followUpDate: null,
    creationDate: "2026-01-01T00:00:00.000Z",
    completionDate: null,
    customHeaders: {},
    formKey: null,
    externalFormReference: null,
    tags: [],
    priority: 50,
    businessId: null,
    ...t,
  };
}
