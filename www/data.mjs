// Sample data for the demo server: what a Camunda 8.9 Orchestration Cluster would hold.
// Identity (users, clients, groups, roles, tenants, mapping rules), authorizations in the JSON
// of /v2/authorizations/search, process definitions, and a few dozen user tasks in the shape of
// /v2/user-tasks/search. Nothing here decides anything: the package does.

import { TASK_WORKER_ROLE } from "../pkg/node.mjs";

export const TENANTS = [
  { tenantId: "<default>", name: "Default" },
  { tenantId: "emea", name: "ACME EMEA" },
  { tenantId: "americas", name: "ACME Americas" },
];

/** People in the directory (the assign dialog lists them). */
export const USERS = [
  { username: "mia.schneider", name: "Mia Schneider", email: "mia.schneider@acme.example" },
  { username: "omar.haddad", name: "Omar Haddad", email: "omar.haddad@acme.example" },
  { username: "priya.nair", name: "Priya Nair", email: "priya.nair@acme.example" },
  { username: "lena.fischer", name: "Lena Fischer", email: "lena.fischer@acme.example" },
  { username: "sam.rivera", name: "Sam Rivera", email: "sam.rivera@acme.example" },
  { username: "jonas.weber", name: "Jonas Weber", email: "jonas.weber@acme.example" },
  { username: "carla.romero", name: "Carla Romero", email: "carla.romero@acme.example" },
  { username: "tom.becker", name: "Tom Becker", email: "tom.becker@acme.example" },
  { username: "martin.dubois", name: "Martin Dubois", email: "martin.dubois@acme.example" },
  { username: "ana.silva", name: "Ana Silva", email: "ana.silva@acme.example" },
];

export const CLIENTS = [{ clientId: "invoice-bot", name: "Invoice automation" }];

/** Groups with their members (users and clients). */
export const GROUPS = [
  { groupId: "accounting", name: "Accounting", users: ["mia.schneider", "lena.fischer", "jonas.weber"] },
  { groupId: "finance-managers", name: "Finance managers", users: ["omar.haddad"] },
  { groupId: "procurement", name: "Procurement", users: ["omar.haddad", "tom.becker"] },
  { groupId: "hr", name: "Human resources", users: ["carla.romero"] },
  { groupId: "sales", name: "Sales", users: ["jonas.weber", "carla.romero", "mia.schneider"] },
  { groupId: "compliance", name: "Compliance", users: ["carla.romero"] },
  { groupId: "claims-emea", name: "Claims EMEA", users: ["lena.fischer", "martin.dubois"] },
  { groupId: "fulfillment-us", name: "Fulfillment US", users: ["ana.silva"] },
  { groupId: "platform-admins", name: "Platform admins", users: ["priya.nair"] },
  { groupId: "automation", name: "Automation", clients: ["invoice-bot"] },
];

/** Roles with their direct members and member groups. */
export const ROLES = [
  {
    roleId: "task-worker",
    name: "Task worker (default)",
    groups: ["accounting", "procurement", "hr", "sales", "compliance", "claims-emea", "fulfillment-us", "automation"],
    users: [],
  },
  { roleId: "invoice-approver", name: "Invoice approver", users: ["omar.haddad"], groups: [] },
  { roleId: "admin", name: "Admin", users: [], groups: ["platform-admins"], mappingRules: ["platform-admins-claim"] },
];

/** OIDC mapping rules (claim -> identity). Only the admin persona's token carries the claim. */
export const MAPPING_RULES = [{ mappingRuleId: "platform-admins-claim", claimName: "groups", claimValue: "platform-admins" }];

/** Tenant membership (direct, by user or client). */
export const TENANT_MEMBERS = {
  "<default>": ["mia.schneider", "omar.haddad", "priya.nair", "sam.rivera", "jonas.weber", "carla.romero", "tom.becker", "invoice-bot"],
  emea: ["lena.fischer", "martin.dubois", "priya.nair"],
  americas: ["ana.silva", "priya.nair"],
};

let authKey = 2251799813690001n;
const auth = (a) => ({ authorizationKey: String(authKey++), ...a });

/** Camunda authorizations, as /v2/authorizations/search returns them. */
export const AUTHORIZATIONS = [
  // The default task-worker role, exactly as the package's constant has it.
  ...TASK_WORKER_ROLE.map((a) => auth({ ...a, permissionTypes: [...a.permissionTypes] })),
  // Accounting sees every invoice task (the seed's "claim and complete group tasks" example).
  auth({ ownerType: "GROUP", ownerId: "accounting", resourceType: "PROCESS_DEFINITION", resourceId: "invoice-approval", permissionTypes: ["READ_USER_TASK"] }),
  auth({ ownerType: "GROUP", ownerId: "accounting", resourceType: "COMPONENT", resourceId: "tasklist", permissionTypes: ["ACCESS"] }),
  auth({ ownerType: "GROUP", ownerId: "accounting", resourceType: "PROCESS_DEFINITION", resourceId: "invoice-approval", permissionTypes: ["CREATE_PROCESS_INSTANCE"] }),
  // Invoice approvers: process-level control over invoices.
  auth({ ownerType: "ROLE", ownerId: "invoice-approver", resourceType: "PROCESS_DEFINITION", resourceId: "invoice-approval", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK", "READ_PROCESS_INSTANCE"] }),
  auth({ ownerType: "ROLE", ownerId: "invoice-approver", resourceType: "COMPONENT", resourceId: "tasklist", permissionTypes: ["ACCESS"] }),
  auth({ ownerType: "USER", ownerId: "omar.haddad", resourceType: "PROCESS_DEFINITION", resourceId: "purchase-order", permissionTypes: ["READ_USER_TASK", "CREATE_PROCESS_INSTANCE"] }),
  // Admins: wildcards everywhere.
  auth({ ownerType: "ROLE", ownerId: "admin", resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK", "CREATE_PROCESS_INSTANCE", "READ_PROCESS_INSTANCE"] }),
  auth({ ownerType: "ROLE", ownerId: "admin", resourceType: "USER_TASK", resourceId: "*", permissionTypes: ["READ", "UPDATE", "CLAIM", "COMPLETE"] }),
  auth({ ownerType: "MAPPING_RULE", ownerId: "platform-admins-claim", resourceType: "COMPONENT", resourceId: "*", permissionTypes: ["ACCESS"] }),
  // EMEA: reads every process's tasks, but multi-tenancy keeps her in her tenant.
  auth({ ownerType: "USER", ownerId: "lena.fischer", resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK"] }),
  auth({ ownerType: "GROUP", ownerId: "claims-emea", resourceType: "COMPONENT", resourceId: "tasklist", permissionTypes: ["ACCESS"] }),
  auth({ ownerType: "GROUP", ownerId: "claims-emea", resourceType: "PROCESS_DEFINITION", resourceId: "claim-handling", permissionTypes: ["CREATE_PROCESS_INSTANCE"] }),
  // The invoice automation client: process-level read and complete on invoices. Its
  // candidateUsers grant never matches (a CLIENT is never a candidate user).
  auth({ ownerType: "CLIENT", ownerId: "invoice-bot", resourceType: "PROCESS_DEFINITION", resourceId: "invoice-approval", permissionTypes: ["READ_USER_TASK", "COMPLETE_USER_TASK"] }),
  auth({ ownerType: "CLIENT", ownerId: "invoice-bot", resourceType: "USER_TASK", resourcePropertyName: "candidateUsers", permissionTypes: ["READ", "UPDATE"] }),
  // Others, not demo personas (the issuer leaves them out of everyone else's grant set).
  auth({ ownerType: "GROUP", ownerId: "hr", resourceType: "PROCESS_DEFINITION", resourceId: "vacation-request", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] }),
  auth({ ownerType: "GROUP", ownerId: "procurement", resourceType: "PROCESS_DEFINITION", resourceId: "purchase-order", permissionTypes: ["READ_USER_TASK", "CLAIM_USER_TASK"] }),
  auth({ ownerType: "USER", ownerId: "ana.silva", resourceType: "PROCESS_DEFINITION", resourceId: "order-fulfillment", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] }),
];

/**
 * The personas the page offers. `cluster` is the cluster this persona signs in to: its
 * authorization and multi-tenancy switches go into the grant set.
 */
export const PERSONAS = [
  {
    id: "mia",
    principal: { type: "USER", id: "mia.schneider" },
    name: "Mia Schneider",
    title: "Task worker",
    summary: "Accounting, default task-worker role. Sees invoice tasks; claims and completes her groups' tasks.",
    cluster: { name: "Production", authorizationsEnabled: true, multiTenancyEnabled: false },
  },
  {
    id: "omar",
    principal: { type: "USER", id: "omar.haddad" },
    name: "Omar Haddad",
    title: "Invoice approver",
    summary: "UPDATE_USER_TASK on the invoice process: claims, assigns, completes and updates any invoice task. Elsewhere only what his groups' task-worker role allows.",
    cluster: { name: "Production", authorizationsEnabled: true, multiTenancyEnabled: false },
  },
  {
    id: "priya",
    principal: { type: "USER", id: "priya.nair" },
    // Her identity provider's token says she is in the platform-admins directory group: the
    // cluster's mapping rule turns that claim into the admin role.
    claims: { groups: ["platform-admins"] },
    name: "Priya Nair",
    title: "Admin",
    summary: "Wildcard (*) grants on every process and every user task.",
    cluster: { name: "Production", authorizationsEnabled: true, multiTenancyEnabled: false },
  },
  {
    id: "lena",
    principal: { type: "USER", id: "lena.fischer" },
    name: "Lena Fischer",
    title: "EMEA tenant",
    summary: "Multi-tenancy on: only tenant emea counts, even with READ_USER_TASK on every process.",
    cluster: { name: "Multi-tenant", authorizationsEnabled: true, multiTenancyEnabled: true },
  },
  {
    id: "bot",
    principal: { type: "CLIENT", id: "invoice-bot" },
    name: "invoice-bot",
    title: "API client",
    summary: "A CLIENT principal: process grants apply; assignee and candidate-user grants never match a client.",
    cluster: { name: "Production", authorizationsEnabled: true, multiTenancyEnabled: false },
  },
  {
    id: "sam",
    principal: { type: "USER", id: "sam.rivera" },
    name: "Sam Rivera",
    title: "Dev cluster",
    summary: "A local cluster with authorizations disabled: every action is allowed.",
    cluster: { name: "Local dev", authorizationsEnabled: false, multiTenancyEnabled: false },
  },
];

/** Process definitions (per tenant; each deployment has its own key). */
export const PROCESSES = [
  { processDefinitionId: "invoice-approval", name: "Invoice Approval", version: 3, tenantId: "<default>", processDefinitionKey: "2251799813685101" },
  { processDefinitionId: "vacation-request", name: "Vacation Request", version: 2, tenantId: "<default>", processDefinitionKey: "2251799813685102" },
  { processDefinitionId: "purchase-order", name: "Purchase Order Approval", version: 5, tenantId: "<default>", processDefinitionKey: "2251799813685103" },
  { processDefinitionId: "customer-onboarding", name: "Customer Onboarding", version: 1, tenantId: "<default>", processDefinitionKey: "2251799813685104" },
  { processDefinitionId: "claim-handling", name: "Insurance Claim Handling", version: 4, tenantId: "emea", processDefinitionKey: "2251799813685105" },
  { processDefinitionId: "order-fulfillment", name: "Order Fulfillment", version: 7, tenantId: "americas", processDefinitionKey: "2251799813685106" },
];

// [process, elementId, name, { assignee, groups, users, state, priority, createdHoursAgo, dueInHours }]
const TASKS = [
  ["invoice-approval", "check-invoice", "Check invoice data", { groups: ["accounting"], priority: 50, created: 3, due: 20 }],
  ["invoice-approval", "approve-invoice", "Approve invoice", { groups: ["accounting"], assignee: "mia.schneider", priority: 60, created: 26, due: 4 }],
  ["invoice-approval", "approve-invoice", "Approve invoice", { groups: ["accounting"], priority: 80, created: 5, due: 30 }],
  ["invoice-approval", "clarify-invoice", "Clarify invoice discrepancy", { groups: ["accounting"], assignee: "jonas.weber", priority: 40, created: 48, due: -6 }],
  ["invoice-approval", "approve-invoice", "Approve invoice above 10,000 EUR", { groups: ["finance-managers"], users: ["omar.haddad"], priority: 85, created: 7, due: 12 }],
  ["invoice-approval", "check-invoice", "Check invoice data", { groups: ["accounting"], assignee: "mia.schneider", state: "COMPLETED", priority: 50, created: 72 }],
  ["invoice-approval", "prepare-payment", "Prepare payment", { groups: ["accounting"], priority: 30, created: 1, due: 70 }],
  ["invoice-approval", "approve-invoice", "Approve invoice", { groups: ["accounting"], assignee: "omar.haddad", priority: 55, created: 30, due: 18 }],
  ["invoice-approval", "match-po", "Match invoice to purchase order", { groups: ["automation"], priority: 45, created: 2, due: 6 }],
  ["invoice-approval", "archive-invoice", "Archive invoice", { priority: 10, created: 9 }],
  ["vacation-request", "approve-vacation", "Approve vacation request", { groups: ["hr"], priority: 50, created: 20, due: 48 }],
  ["vacation-request", "review-calendar", "Review team calendar", { users: ["mia.schneider"], priority: 35, created: 8, due: 40 }],
  ["vacation-request", "update-records", "Update HR records", { groups: ["hr"], assignee: "carla.romero", priority: 20, created: 50 }],
  ["vacation-request", "approve-vacation", "Approve vacation request", { groups: ["hr"], users: ["omar.haddad"], priority: 50, created: 4, due: 44 }],
  ["vacation-request", "approve-vacation", "Approve vacation request", { groups: ["hr"], assignee: "carla.romero", state: "COMPLETED", priority: 50, created: 96 }],
  ["purchase-order", "review-po", "Review purchase order", { groups: ["procurement"], priority: 60, created: 6, due: 26 }],
  ["purchase-order", "approve-po", "Approve purchase order", { groups: ["procurement"], assignee: "tom.becker", priority: 75, created: 28, due: 2 }],
  ["purchase-order", "select-supplier", "Select supplier", { groups: ["procurement"], users: ["omar.haddad"], priority: 50, created: 12, due: 60 }],
  ["purchase-order", "approve-po", "Approve purchase order", { groups: ["procurement", "accounting"], priority: 65, created: 10, due: 14 }],
  ["purchase-order", "confirm-delivery", "Confirm delivery", { groups: ["procurement"], assignee: "tom.becker", state: "COMPLETED", priority: 40, created: 120 }],
  ["customer-onboarding", "verify-identity", "Verify customer identity", { groups: ["sales"], priority: 70, created: 2, due: 22 }],
  ["customer-onboarding", "review-kyc", "Review KYC documents", { groups: ["compliance"], assignee: "carla.romero", priority: 90, created: 30, due: -2 }],
  ["customer-onboarding", "setup-account", "Set up customer account", { groups: ["sales"], users: ["mia.schneider"], priority: 50, created: 14, due: 36 }],
  ["customer-onboarding", "welcome-call", "Schedule welcome call", { groups: ["sales"], assignee: "mia.schneider", priority: 25, created: 40, due: 90 }],
  ["customer-onboarding", "review-contract", "Review contract terms", { groups: ["legal"], priority: 55, created: 16, due: 50 }],
  ["claim-handling", "assess-damage", "Assess claim damage", { groups: ["claims-emea"], priority: 70, created: 5, due: 19 }],
  ["claim-handling", "request-documents", "Request additional documents", { groups: ["claims-emea"], assignee: "lena.fischer", priority: 45, created: 22, due: 26 }],
  ["claim-handling", "approve-payout", "Approve claim payout", { groups: ["claims-emea"], users: ["lena.fischer"], priority: 90, created: 3, due: 8 }],
  ["claim-handling", "assess-damage", "Assess claim damage", { groups: ["claims-emea"], assignee: "martin.dubois", priority: 60, created: 33, due: 15 }],
  ["claim-handling", "notify-policyholder", "Notify policyholder", { groups: ["claims-emea"], assignee: "lena.fischer", state: "COMPLETED", priority: 30, created: 80 }],
  ["claim-handling", "fraud-check", "Fraud check", { groups: ["claims-emea", "accounting"], priority: 80, created: 1, due: 10 }],
  ["order-fulfillment", "pick-pack", "Pick and pack order", { groups: ["fulfillment-us"], priority: 50, created: 2, due: 6 }],
  ["order-fulfillment", "resolve-address", "Resolve address issue", { groups: ["fulfillment-us"], assignee: "ana.silva", priority: 65, created: 11, due: 3 }],
  ["order-fulfillment", "approve-expedite", "Approve expedited shipping", { groups: ["fulfillment-us"], priority: 75, created: 4, due: 9 }],
  ["order-fulfillment", "delivery-exception", "Handle delivery exception", { groups: ["fulfillment-us"], assignee: "ana.silva", state: "COMPLETED", priority: 60, created: 60 }],
  ["order-fulfillment", "pick-pack", "Pick and pack order", { groups: ["fulfillment-us"], priority: 50, created: 1, due: 7 }],
];

const HOUR = 3600 * 1000;
const iso = (ms) => new Date(ms).toISOString();

/** A fresh copy of every user task, dated relative to `now` (ms). */
export function makeTasks(now = Date.now()) {
  const base = Math.floor(now / HOUR) * HOUR;
  return TASKS.map(([processId, elementId, name, o], i) => {
    const proc = PROCESSES.find((p) => p.processDefinitionId === processId);
    const created = base - o.created * HOUR + ((i * 7) % 60) * 60000;
    const completed = o.state === "COMPLETED";
    return {
      userTaskKey: String(2251799813686000n + BigInt(i) * 7n),
      name,
      state: completed ? "COMPLETED" : "CREATED",
      assignee: o.assignee ?? null,
      elementId,
      elementInstanceKey: String(2251799813686001n + BigInt(i) * 7n),
      candidateGroups: o.groups ?? [],
      candidateUsers: o.users ?? [],
      processDefinitionId: processId,
      processDefinitionKey: proc.processDefinitionKey,
      processDefinitionVersion: proc.version,
      processInstanceKey: String(2251799813685500n + BigInt(i) * 3n),
      processName: proc.name,
      tenantId: proc.tenantId,
      creationDate: iso(created),
      completionDate: completed ? iso(created + 5 * HOUR) : null,
      dueDate: o.due === undefined || completed ? null : iso(base + o.due * HOUR),
      followUpDate: null,
      priority: o.priority ?? 50,
      formKey: null,
      externalFormReference: null,
      customHeaders: {},
      tags: [],
    };
  });
}
