// The example's Camunda side, in memory: who the people are, what they may do, and the user
// tasks. Authorizations are Camunda REST API v2 objects; tasks are /v2/user-tasks/search items.

import { TASK_WORKER_ROLE } from "../../pkg/node.mjs";

export const PERSONAS = [
  {
    id: "ana",
    name: "Ana Ruiz",
    title: "Sales clerk: works the sales group's tasks",
    principal: { type: "USER", id: "ana", groups: ["sales"], roles: ["task-worker"], tenants: [], mappingRules: [] },
  },
  {
    id: "marco",
    name: "Marco Levi",
    title: "Invoice lead: manages every invoice task",
    principal: { type: "USER", id: "marco", groups: ["finance"], roles: ["task-worker"], tenants: [], mappingRules: [] },
  },
  {
    id: "vera",
    name: "Vera Stone",
    title: "Auditor: reads every task, changes none",
    principal: { type: "USER", id: "vera", groups: ["audit"], roles: [], tenants: [], mappingRules: [] },
  },
];

export const AUTHORIZATIONS = [
  ...TASK_WORKER_ROLE,
  { ownerType: "USER", ownerId: "marco", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] },
  { ownerType: "GROUP", ownerId: "audit", resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK"] },
];

const TASK_DEFAULTS = { state: "CREATED", tenantId: "<default>", candidateUsers: [], candidateGroups: [], assignee: null };

export function makeTasks() {
  return [
    { userTaskKey: "2251799813685301", name: "Approve invoice 4711", processDefinitionId: "invoice", processName: "Invoice approval", candidateGroups: ["sales"], creationDate: "2026-11-30T09:12:00.000Z" },
    { userTaskKey: "2251799813685302", name: "Check credit limit", processDefinitionId: "credit-check", processName: "Credit check", candidateGroups: ["sales"], assignee: "ana", creationDate: "2026-11-30T10:40:00.000Z" },
    { userTaskKey: "2251799813685303", name: "Review supplier contract", processDefinitionId: "contract-review", processName: "Contract review", candidateUsers: ["marco"], creationDate: "2026-11-30T13:05:00.000Z" },
    { userTaskKey: "2251799813685304", name: "Book payment 4708", processDefinitionId: "invoice", processName: "Invoice approval", candidateGroups: ["finance"], assignee: "lee", creationDate: "2026-12-01T08:02:00.000Z" },
  ].map((task) => ({ ...TASK_DEFAULTS, ...task }));
}
