// The same decision with @casl/ability (installed in tests/js/node_modules): the grant set turned
// into CASL rules once (Mongo-style conditions: $in on processDefinitionId / userTaskKey, equality
// on assignee, equality-in-array on candidateUsers, $in on candidateGroups), then
// `ability.can(operation, subject("Task", task))` per check.

const CASL_ENTRY = new URL("../tests/js/node_modules/@casl/ability/dist/esm/index.mjs", import.meta.url);
const { AbilityBuilder, createMongoAbility, subject } = await import(CASL_ENTRY.href);

export { subject };
export const OPERATIONS = ["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"];

// docs/rules.md, section 1: each operation's alternatives, [resource, permission].
const ALTERNATIVES = {
  get: [["PD", "READ_USER_TASK"], ["UT", "READ"]],
  search: [["PD", "READ_USER_TASK"], ["UT", "READ"]],
  getForm: [["PD", "READ_USER_TASK"], ["UT", "READ"]],
  claim: [["PD", "UPDATE_USER_TASK"], ["PD", "CLAIM_USER_TASK"], ["UT", "UPDATE"], ["UT", "CLAIM"]],
  assign: [["PD", "UPDATE_USER_TASK"], ["UT", "UPDATE"]],
  unassign: [["PD", "UPDATE_USER_TASK"], ["UT", "UPDATE"]],
  complete: [["PD", "UPDATE_USER_TASK"], ["PD", "COMPLETE_USER_TASK"], ["UT", "UPDATE"], ["UT", "COMPLETE"]],
  update: [["PD", "UPDATE_USER_TASK"], ["UT", "UPDATE"]],
};

/** The CASL rules equivalent to a grant-set payload. */
export function defineAbility(payload) {
  const { can, cannot, build } = new AbilityBuilder(createMongoAbility);
  const p = payload.principal;
  const me = p.type === "USER" && typeof p.id === "string" && p.id !== "" ? p.id : null;
  const groups = [...(p.groups ?? [])];
  const owners = new Set([`${p.type}:${p.id}`, ...groups.map((g) => `GROUP:${g}`), ...(p.roles ?? []).map((r) => `ROLE:${r}`), ...(p.mappingRules ?? []).map((m) => `MAPPING_RULE:${m}`)]);
  const grants = { PD: new Map(), UT: new Map() };
  const entry = (kind, perm) => {
    let e = grants[kind].get(perm);
    if (e === undefined) grants[kind].set(perm, (e = { any: false, ids: new Set(), props: new Set() }));
    return e;
  };
  for (const a of payload.authorizations ?? []) {
    if (!owners.has(`${a.ownerType}:${a.ownerId}`)) continue;
    const kind = a.resourceType === "PROCESS_DEFINITION" ? "PD" : a.resourceType === "USER_TASK" ? "UT" : null;
    if (kind === null) continue;
    for (const perm of a.permissionTypes ?? []) {
      const e = entry(kind, perm);
      if (typeof a.resourceId === "string" && a.resourceId !== "") {
        if (a.resourceId === "*") e.any = true;
        else e.ids.add(a.resourceId);
      } else if (kind === "UT" && typeof a.resourcePropertyName === "string") e.props.add(a.resourcePropertyName);
    }
  }

  if (payload.authorizationsEnabled === false) {
    can(OPERATIONS, "Task");
  } else {
    for (const op of OPERATIONS) {
      for (const [kind, perm] of ALTERNATIVES[op]) {
        const e = grants[kind].get(perm);
        if (e === undefined) continue;
        if (e.any) {
          can(op, "Task");
          continue;
        }
        const field = kind === "PD" ? "processDefinitionId" : "userTaskKey";
        if (e.ids.size > 0) can(op, "Task", { [field]: { $in: [...e.ids] } });
        if (kind === "UT") {
          if (me !== null && e.props.has("assignee")) can(op, "Task", { assignee: me });
          if (me !== null && e.props.has("candidateUsers")) can(op, "Task", { candidateUsers: me });
          if (groups.length > 0 && e.props.has("candidateGroups")) can(op, "Task", { candidateGroups: { $in: groups } });
        }
      }
    }
    // unassign: the principal may unassign themselves with USER_TASK CLAIM by `*`, key or `assignee`.
    const claim = grants.UT.get("CLAIM");
    if (me !== null && claim !== undefined) {
      if (claim.any || claim.props.has("assignee")) can("unassign", "Task", { assignee: me });
      else if (claim.ids.size > 0) can("unassign", "Task", { assignee: me, userTaskKey: { $in: [...claim.ids] } });
    }
  }
  // Lifecycle: writes need the task in state CREATED (or none); a claim also needs it unassigned
  // or assigned to the principal.
  cannot(OPERATIONS.filter((op) => !["get", "search", "getForm"].includes(op)), "Task", { state: { $nin: [undefined, null, "CREATED"] } });
  const self = typeof p.id === "string" && p.id !== "" ? p.id : null; // a claim compares the principal's id, a client's too
  cannot("claim", "Task", { assignee: { $nin: [undefined, null, "", ...(self === null ? [] : [self])] } });
  if (payload.multiTenancyEnabled === true) cannot(OPERATIONS, "Task", { tenantId: { $nin: [...(p.tenants ?? [])] } });
  return build();
}

export class CaslAuthorizer {
  constructor(payload) {
    this.ability = defineAbility(payload);
  }

  /**
   * `subject()` tags each object once with a hidden property (CASL's way of naming its type).
   * The benchmark tags every task before any timing, so that every implementation sees objects
   * of the same shape; the timed checks still call `subject("Task", task)` as CASL users do.
   */
  static prepare(tasks) {
    for (const t of tasks) subject("Task", t);
  }

  can(operation, task) {
    return this.ability.can(operation, subject("Task", task));
  }

  actions(task) {
    const a = this.ability;
    const s = subject("Task", task);
    return {
      get: a.can("get", s),
      search: a.can("search", s),
      getForm: a.can("getForm", s),
      claim: a.can("claim", s),
      assign: a.can("assign", s),
      unassign: a.can("unassign", s),
      complete: a.can("complete", s),
      update: a.can("update", s),
    };
  }

  filter(tasks, operation = "search") {
    const a = this.ability;
    const out = [];
    for (let i = 0; i < tasks.length; i++) if (a.can(operation, subject("Task", tasks[i]))) out.push(tasks[i]);
    return out;
  }
}
