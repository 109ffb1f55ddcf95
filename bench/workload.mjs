// The benchmark workload, generated deterministically (seeded PRNG) and shared by every
// implementation: a Tasklist READ decision (operation `search`) for one user in two groups, with
// PROCESS_DEFINITION READ_USER_TASK on two processes and the task-worker role's USER_TASK
// property grants (assignee, candidateUsers, candidateGroups). Tasks are full Camunda REST API v2
// user task objects (about 600 bytes of JSON each) over 50 processes, 200 users and 30 groups;
// assignee null for 40%, 0-3 candidate users and 0-3 candidate groups each; about 23% allowed.

export const SEED = 0x5eed_2026;
export const IAT = 1763800000; // fixed clock: the grant set is issued here ...
export const NOW = IAT + 60; // ... and verified one minute later
export const ISSUER = "https://tasklist.example.com";
export const AUDIENCE = "tasklist";

/** mulberry32: a small, fast, seeded 32-bit PRNG returning floats in [0, 1). */
export function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n, w) => String(n).padStart(w, "0");

const WORDS = ["invoice", "order", "claim", "loan", "onboarding", "refund", "shipment", "contract", "expense", "ticket"];
const VERBS = ["Review", "Approve", "Check", "Verify", "Assess", "Complete", "Sign", "Escalate", "Clarify", "Prepare"];

export const PROCESSES = Array.from({ length: 50 }, (_, i) => `${WORDS[i % 10]}-process-${pad(i, 2)}`);
export const USERS = Array.from({ length: 200 }, (_, i) => `user-${pad(i, 3)}`);
export const GROUPS = Array.from({ length: 30 }, (_, i) => `group-${pad(i, 2)}`);

// Real task lists are skewed: a few processes, users and groups carry most tasks. Draws use
// Zipf-like weights (1/(rank+1)) over a seeded permutation, so popularity is not the id order.
function skewedPicker(items, rnd) {
  const order = items.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cumulative = [];
  let total = 0;
  for (let i = 0; i < order.length; i++) cumulative.push((total += 1 / (i + 1)));
  const pick = () => {
    const x = rnd() * total;
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid; else lo = mid + 1;
    }
    return order[lo];
  };
  return { pick, byRank: order };
}

/** `k` distinct picks. */
function distinct(pick, k) {
  const out = [];
  while (out.length < k) {
    const v = pick();
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

// The principal and the processes it may read are fixed from the popularity ranks so that about
// 23% of tasks are allowed (measured, see `expectedShare` in run.mjs' output).
const setup = (() => {
  const rnd = prng(SEED ^ 0xa11ce);
  const processes = skewedPicker(PROCESSES, rnd);
  const users = skewedPicker(USERS, rnd);
  const groups = skewedPicker(GROUPS, rnd);
  return {
    processes, users, groups,
    username: users.byRank[12],
    userGroups: [groups.byRank[3], groups.byRank[5]],
    readableProcesses: [processes.byRank[4], processes.byRank[12]],
  };
})();

export const USERNAME = setup.username;
export const USER_GROUPS = setup.userGroups;
export const READABLE_PROCESSES = setup.readableProcesses;

/** The ten grants of the workload: the five that decide user tasks and five that do not. */
export function baseAuthorizations() {
  let key = 2251799813690001n;
  const k = () => String(key++);
  return [
    { authorizationKey: k(), ownerType: "USER", ownerId: USERNAME, resourceType: "PROCESS_DEFINITION", resourceId: READABLE_PROCESSES[0], permissionTypes: ["READ_USER_TASK", "READ_PROCESS_DEFINITION"] },
    { authorizationKey: k(), ownerType: "GROUP", ownerId: USER_GROUPS[0], resourceType: "PROCESS_DEFINITION", resourceId: READABLE_PROCESSES[1], permissionTypes: ["READ_USER_TASK"] },
    { authorizationKey: k(), ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "assignee", permissionTypes: ["READ", "CLAIM", "COMPLETE"] },
    { authorizationKey: k(), ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "candidateUsers", permissionTypes: ["READ", "CLAIM", "COMPLETE"] },
    { authorizationKey: k(), ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM", "COMPLETE"] },
    { authorizationKey: k(), ownerType: "ROLE", ownerId: "task-worker", resourceType: "COMPONENT", resourceId: "tasklist", permissionTypes: ["ACCESS"] },
    { authorizationKey: k(), ownerType: "USER", ownerId: USERNAME, resourceType: "PROCESS_DEFINITION", resourceId: READABLE_PROCESSES[0], permissionTypes: ["CREATE_PROCESS_INSTANCE"] },
    { authorizationKey: k(), ownerType: "GROUP", ownerId: USER_GROUPS[1], resourceType: "DECISION_DEFINITION", resourceId: "*", permissionTypes: ["READ_DECISION_DEFINITION"] },
    { authorizationKey: k(), ownerType: "USER", ownerId: USERNAME, resourceType: "USER", resourceId: USERNAME, permissionTypes: ["READ"] },
    { authorizationKey: k(), ownerType: "GROUP", ownerId: USER_GROUPS[1], resourceType: "DOCUMENT", resourceId: "*", permissionTypes: ["READ", "CREATE"] },
  ];
}

/**
 * `count` grants that hold for the principal but change no decision on the workload's tasks:
 * process grants on processes that have no tasks here, user-task grants by keys that are not in
 * the task list, other resource types, and a few owned by someone else. For the 10-vs-1000 check.
 */
export function fillerAuthorizations(count) {
  const rnd = prng(SEED ^ 0xf111);
  const owners = [["USER", USERNAME], ["GROUP", USER_GROUPS[0]], ["GROUP", USER_GROUPS[1]], ["ROLE", "task-worker"], ["GROUP", "someone-elses-group"]];
  const pdPerms = ["READ_USER_TASK", "UPDATE_USER_TASK", "CLAIM_USER_TASK", "COMPLETE_USER_TASK", "CREATE_PROCESS_INSTANCE", "READ_PROCESS_INSTANCE"];
  const utPerms = ["READ", "UPDATE", "CLAIM", "COMPLETE"];
  const others = [["DECISION_DEFINITION", "READ_DECISION_INSTANCE"], ["RESOURCE", "READ"], ["MESSAGE", "CREATE"], ["TENANT", "READ"], ["GROUP", "READ"], ["AUDIT_LOG", "READ"]];
  const out = [];
  let key = 2251799813790001n;
  for (let i = 0; i < count; i++) {
    const [ownerType, ownerId] = owners[Math.floor(rnd() * owners.length)];
    const base = { authorizationKey: String(key++), ownerType, ownerId };
    const kind = i % 3;
    if (kind === 0) {
      const perms = distinct(() => pdPerms[Math.floor(rnd() * pdPerms.length)], 1 + Math.floor(rnd() * 3));
      out.push({ ...base, resourceType: "PROCESS_DEFINITION", resourceId: `archived-process-${pad(i, 4)}`, permissionTypes: perms });
    } else if (kind === 1) {
      const perms = distinct(() => utPerms[Math.floor(rnd() * utPerms.length)], 1 + Math.floor(rnd() * 2));
      out.push({ ...base, resourceType: "USER_TASK", resourceId: String(9007199254000000n + BigInt(i)), permissionTypes: perms });
    } else {
      const [resourceType, perm] = others[Math.floor(rnd() * others.length)];
      out.push({ ...base, resourceType, resourceId: `resource-${pad(i, 4)}`, permissionTypes: [perm] });
    }
  }
  return out;
}

/** The grant-set payload (docs/rules.md, section 10) with the given authorizations. */
export function grantPayload(authorizations = baseAuthorizations()) {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: USERNAME,
    iat: IAT,
    exp: IAT + 900,
    jti: "bench-0001",
    ver: 1,
    camundaVersion: "8.9",
    authorizationsEnabled: true,
    multiTenancyEnabled: false,
    principal: { type: "USER", id: USERNAME, groups: USER_GROUPS.slice(), roles: ["task-worker"], tenants: ["<default>"], mappingRules: [] },
    authorizations,
  };
}

/** A grant-set payload whose signed token is about `bytes` long (the base grants plus filler). */
export function payloadOfTokenSize(bytes, sign) {
  let n = 0;
  let payload = grantPayload();
  let token = sign(payload);
  while (token.length < bytes - 60) {
    n++;
    payload = grantPayload([...baseAuthorizations(), ...fillerAuthorizations(n)]);
    token = sign(payload);
  }
  return { payload, token };
}

/**
 * `n` full v2 user task objects (the `/v2/user-tasks/search` item shape), deterministic for a
 * given `n` and seed. Every object has the same shape (same keys, same order).
 */
export function generateTasks(n, seed = SEED) {
  const rnd = prng(seed);
  const { processes, users, groups } = setup;
  const procIndex = new Map(PROCESSES.map((p, i) => [p, i]));
  const tasks = new Array(n);
  const base = 2251799813685249n;
  const created0 = Date.UTC(2025, 10, 1, 8, 0, 0);
  for (let i = 0; i < n; i++) {
    const process = processes.pick();
    const pi = procIndex.get(process);
    const assignee = rnd() < 0.4 ? null : users.pick();
    const candidateUsers = distinct(users.pick, Math.floor(rnd() * 4));
    const candidateGroups = distinct(groups.pick, Math.floor(rnd() * 4));
    const element = Math.floor(rnd() * 6);
    const created = created0 + Math.floor(rnd() * 30 * 86400000);
    const hasDue = rnd() < 0.7;
    const key = base + BigInt(i) * 7n;
    tasks[i] = {
      userTaskKey: String(key),
      name: `${VERBS[(pi + element) % 10]} ${WORDS[pi % 10]} step ${element + 1}`,
      state: "CREATED",
      assignee,
      elementId: `Activity_${VERBS[(pi + element) % 10]}${pad(element, 2)}`,
      candidateGroups,
      candidateUsers,
      processDefinitionId: process,
      creationDate: new Date(created).toISOString(),
      completionDate: null,
      followUpDate: null,
      dueDate: hasDue ? new Date(created + (1 + Math.floor(rnd() * 14)) * 86400000).toISOString() : null,
      tenantId: "<default>",
      externalFormReference: null,
      processDefinitionVersion: 1 + (pi % 4),
      customHeaders: {},
      priority: Math.floor(rnd() * 101),
      elementInstanceKey: String(key + 1n),
      processName: `${WORDS[pi % 10][0].toUpperCase()}${WORDS[pi % 10].slice(1)} process ${pad(pi, 2)}`,
      processDefinitionKey: String(2251799813600000n + BigInt(pi)),
      processInstanceKey: String(key + 2n),
      formKey: String(2251799813650000n + BigInt(pi * 10 + element)),
    };
  }
  return tasks;
}

/** A `/v2/user-tasks/search` response as JSON text. */
export function searchResponseText(tasks) {
  return JSON.stringify({ items: tasks, page: { totalItems: tasks.length, startCursor: "WzBd", endCursor: `WzE${tasks.length}XQ==`, hasMoreTotalItems: false } });
}
