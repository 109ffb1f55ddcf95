// The example's cluster, in the Camunda stand-in's form (tests/camunda-standin/): the people,
// their groups and roles, the authorizations (Camunda REST API v2 objects), and the user tasks
// the example's server keeps (/v2/user-tasks/search items).

import { TASK_WORKER_ROLE } from "../../pkg/node.mjs";

/** Who can sign in to the example. */
export const PERSONAS = [
  { id: "ana", name: "Ana Ruiz", title: "Sales clerk: works the sales group's tasks" },
  { id: "marco", name: "Marco Levi", title: "Invoice lead: manages every invoice task" },
  { id: "vera", name: "Vera Stone", title: "Auditor: reads every task, changes none" },
];

export const CLUSTER = {
  users: PERSONAS.map(({ id, name }) => ({ username: id, name })),
  groups: [
    { groupId: "sales", name: "Sales", users: ["ana"] },
    { groupId: "finance", name: "Finance", users: ["marco"] },
    { groupId: "audit", name: "Audit", users: ["vera"] },
  ],
  roles: [{ roleId: "task-worker", name: "Task worker", users: ["ana", "marco"] }],
  tenants: [],
  mappingRules: [],
  authorizations: [
    ...TASK_WORKER_ROLE.map((a) => ({ ...a, permissionTypes: [...a.permissionTypes] })),
    { ownerType: "USER", ownerId: "marco", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] },
    { ownerType: "GROUP", ownerId: "audit", resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK"] },
  ],
  userTasks: [],
};

const TASK_DEFAULTS = { state: "CREATED", tenantId: "<default>", candidateUsers: [], candidateGroups: [], assignee: null };

export function makeTasks() {
  return [
    { userTaskKey: "2251799813685301", name: "Approve invoice 4711", processDefinitionId: "invoice", processName: "Invoice approval", candidateGroups: ["sales"], creationDate: "2026-11-30T09:12:00.000Z" },
    { userTaskKey: "2251799813685302", name: "Check credit limit", processDefinitionId: "credit-check", processName: "Credit check", candidateGroups: ["sales"], assignee: "ana", creationDate: "2026-11-30T10:40:00.000Z" },
    { userTaskKey: "2251799813685303", name: "Review supplier contract", processDefinitionId: "contract-review", processName: "Contract review", candidateUsers: ["marco"], creationDate: "2026-11-30T13:05:00.000Z" },
    { userTaskKey: "2251799813685304", name: "Book payment 4708", processDefinitionId: "invoice", processName: "Invoice approval", candidateGroups: ["finance"], assignee: "lee", creationDate: "2026-12-01T08:02:00.000Z" },
  ].map((task) => ({ ...TASK_DEFAULTS, ...task }));
}
