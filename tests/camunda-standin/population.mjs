// A generated cluster for tests and the benchmark: users in several groups, roles held through
// users, groups and mapping rules, tenants held by every kind of member, mapping rules on string
// and array claims, and authorizations of every owner type on process definitions and user tasks
// (by id, `*` and property), one owner with `heavy` of them, plus a service account that may read the identity entities.
// `clientAssigned` open tasks are assigned to the client worker-app (the assignee is a plain
// string to the engine, so a client's id can be one). Deterministic for a seed.

/** A small seeded PRNG (mulberry32). */
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  const some = (xs, p) => xs.filter(() => next() < p);
  return { next, int, pick, some };
}

export const SERVICE_ACCOUNT = { clientId: "camunda-authz-issuer", clientSecret: "issuer-secret-do-not-log" };

/** What the issuer's service account needs: READ on the identity entities and authorizations. */
export function serviceAccountAuthorizations(clientId = SERVICE_ACCOUNT.clientId) {
  return ["AUTHORIZATION", "MAPPING_RULE", "GROUP", "ROLE", "TENANT", "USER"].map((resourceType) => ({
    ownerType: "CLIENT",
    ownerId: clientId,
    resourceType,
    resourceId: "*",
    permissionTypes: ["READ"],
  }));
}

const PROCESSES = ["invoice", "onboarding", "claims", "travel"];
const PD_PERMS = ["READ_USER_TASK", "UPDATE_USER_TASK", "CLAIM_USER_TASK", "COMPLETE_USER_TASK", "CREATE_PROCESS_INSTANCE"];
const UT_PERMS = ["READ", "UPDATE", "CLAIM", "COMPLETE"];
const PROPERTIES = ["assignee", "candidateUsers", "candidateGroups"];

export function population({ seed = 1, users = 30, groups = 6, roles = 5, tenants = 3, rules = 4, authorizations = 150, heavy = 40, tasks = 60, multiTenancyEnabled = false, clientAssigned = 0 } = {}) {
  const r = random(seed);
  const userIds = Array.from({ length: users }, (_, i) => `user-${i}`);
  const groupIds = Array.from({ length: groups }, (_, i) => `group-${i}`);
  const roleIds = Array.from({ length: roles }, (_, i) => `role-${i}`);
  const tenantIds = ["<default>", ...Array.from({ length: tenants - 1 }, (_, i) => `tenant-${i}`)];
  const regions = ["eu", "us", "apac"];
  const mappingRules = Array.from({ length: rules }, (_, i) =>
    i % 2 === 0 ? { mappingRuleId: `rule-${i}`, claimName: "$.region", claimValue: regions[i % regions.length] } : { mappingRuleId: `rule-${i}`, claimName: "$.departments", claimValue: `dept-${i}` },
  );
  const ruleIds = mappingRules.map((m) => m.mappingRuleId);
  const claimsOf = new Map(userIds.map((u) => [u, { region: r.pick(regions), departments: r.some(["dept-1", "dept-3", "dept-5"], 0.5), level: r.int(3) }]));
  const data = {
    authorizationsEnabled: true,
    multiTenancyEnabled,
    users: userIds.map((username) => ({ username, name: username.toUpperCase(), email: `${username}@example.com` })),
    clients: [SERVICE_ACCOUNT, { clientId: "worker-app", clientSecret: "worker-secret" }],
    groups: groupIds.map((groupId) => ({ groupId, users: r.some(userIds, 0.25), clients: r.some(["worker-app"], 0.3), mappingRules: r.some(ruleIds, 0.2) })),
    roles: roleIds.map((roleId) => ({ roleId, users: r.some(userIds, 0.1), clients: r.some(["worker-app"], 0.3), groups: r.some(groupIds, 0.2), mappingRules: r.some(ruleIds, 0.2) })),
    tenants: tenantIds.map((tenantId) => ({ tenantId, users: r.some(userIds, 0.2), clients: r.some(["worker-app"], 0.5), groups: r.some(groupIds, 0.3), roles: r.some(roleIds, 0.3), mappingRules: r.some(ruleIds, 0.2) })),
    mappingRules,
    authorizations: [...serviceAccountAuthorizations()],
    userTasks: [],
  };
  const owners = [
    ...userIds.map((id) => ["USER", id]),
    ["CLIENT", "worker-app"],
    ...groupIds.map((id) => ["GROUP", id]),
    ...roleIds.map((id) => ["ROLE", id]),
    ...ruleIds.map((id) => ["MAPPING_RULE", id]),
  ];
  const taskKeys = Array.from({ length: tasks }, (_, i) => String(2251799813690000 + i));
  for (let i = 0; i < authorizations; i++) {
    const [ownerType, ownerId] = i < 12 ? ["ROLE", roleIds[i % roleIds.length]] : r.pick(owners);
    const kind = r.int(4);
    if (kind === 0) data.authorizations.push({ ownerType, ownerId, resourceType: "PROCESS_DEFINITION", resourceId: r.next() < 0.15 ? "*" : r.pick(PROCESSES), permissionTypes: r.some(PD_PERMS, 0.4).concat(r.pick(PD_PERMS)) });
    else if (kind === 1) data.authorizations.push({ ownerType, ownerId, resourceType: "USER_TASK", resourceId: r.next() < 0.1 ? "*" : r.pick(taskKeys), permissionTypes: [r.pick(UT_PERMS), ...r.some(UT_PERMS, 0.3)] });
    else if (kind === 2) data.authorizations.push({ ownerType, ownerId, resourceType: "USER_TASK", resourcePropertyName: r.pick(PROPERTIES), permissionTypes: [r.pick(UT_PERMS), ...r.some(UT_PERMS, 0.4)] });
    else data.authorizations.push(r.next() < 0.5 ? { ownerType, ownerId, resourceType: "COMPONENT", resourceId: "tasklist", permissionTypes: ["ACCESS"] } : { ownerType, ownerId, resourceType: "DOCUMENT", resourceId: "*", permissionTypes: ["READ", "CREATE"] });
  }
  // One owner with more authorizations than a page holds.
  for (let i = 0; i < heavy; i++) data.authorizations.push({ ownerType: "ROLE", ownerId: roleIds[0], resourceType: "USER_TASK", resourceId: r.pick(taskKeys), permissionTypes: [r.pick(UT_PERMS)] });
  for (const a of data.authorizations) a.permissionTypes = [...new Set(a.permissionTypes)];
  data.userTasks = taskKeys.map((userTaskKey) => ({
    userTaskKey,
    processDefinitionId: r.pick(PROCESSES),
    tenantId: r.pick(tenantIds),
    state: r.next() < 0.85 ? "CREATED" : r.pick(["ASSIGNING", "COMPLETED"]),
    assignee: r.next() < 0.4 ? r.pick(userIds) : null,
    candidateUsers: r.some(userIds, 0.08),
    candidateGroups: r.some(groupIds, 0.3),
  }));
  // After the random draws, so that the rest of the population is the same with or without them.
  for (const t of data.userTasks.filter((x) => x.state === "CREATED").slice(0, clientAssigned)) t.assignee = "worker-app";
  return { data, claimsOf, userIds, groupIds, roleIds, tenantIds };
}
