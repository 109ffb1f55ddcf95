// The same decision in plain JavaScript: the grant set compiled into Sets once, then a
// straightforward check per task following every rule of docs/rules.md that decides a user task:
// all eight operations, the release (`camundaVersion`: 8.8 has no USER_TASK resource and no
// CLAIM_USER_TASK or COMPLETE_USER_TASK), the self-unassign (PD CLAIM_USER_TASK, UT CLAIM by `*`,
// key or `assignee`), the tenant gate, the lifecycle and the process instance's state. What it
// leaves out cannot change a user-task answer: the resource types other than the two, and the
// order of the steps (it answers yes or no, not which step refused). It is the baseline every
// ratio in the benchmark table is taken against. Also a plain verification of the signed grant
// set with node:crypto (synchronous Ed25519 through OpenSSL).

export const OPERATIONS = ["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"];

function permissionIndex() {
  return { any: false, ids: new Set(), assignee: false, candidateUsers: false, candidateGroups: false };
}

export class PlainAuthorizer {
  constructor(payload) {
    const p = payload.principal;
    this.isUser = p.type === "USER";
    this.username = this.isUser && typeof p.id === "string" && p.id !== "" ? p.id : null;
    // A claim compares the assignee asked for (the principal's own id, a client's too).
    this.id = typeof p.id === "string" && p.id !== "" ? p.id : null;
    this.groups = new Set(p.groups ?? []);
    this.tenants = new Set(p.tenants ?? []);
    this.enabled = payload.authorizationsEnabled !== false;
    this.multiTenancy = payload.multiTenancyEnabled === true;
    // 8.8 (no user-task resource, no process-level claim or complete); any other 8.x: the newest rules.
    const minor = /^8\.(\d+)$/.exec(payload.camundaVersion ?? "8.10")?.[1];
    const is88 = minor === "8";
    const known = minor !== undefined && Number(minor) >= 8;
    const owners = new Set([`${p.type}:${p.id}`]);
    for (const g of p.groups ?? []) owners.add(`GROUP:${g}`);
    for (const r of p.roles ?? []) owners.add(`ROLE:${r}`);
    for (const m of p.mappingRules ?? []) owners.add(`MAPPING_RULE:${m}`);
    this.pd = new Map(); // PROCESS_DEFINITION permission -> { any, ids }
    this.ut = new Map(); // USER_TASK permission -> { any, ids (keys), assignee, candidateUsers, candidateGroups }
    for (const a of payload.authorizations ?? []) {
      if (!known || !owners.has(`${a.ownerType}:${a.ownerId}`)) continue;
      const table = a.resourceType === "PROCESS_DEFINITION" ? this.pd : a.resourceType === "USER_TASK" && !is88 ? this.ut : null;
      if (table === null) continue;
      for (const perm of a.permissionTypes ?? []) {
        if (is88 && (perm === "CLAIM_USER_TASK" || perm === "COMPLETE_USER_TASK")) continue;
        let e = table.get(perm);
        if (e === undefined) table.set(perm, (e = permissionIndex()));
        if (typeof a.resourceId === "string" && a.resourceId !== "") {
          if (a.resourceId === "*") e.any = true;
          else e.ids.add(a.resourceId);
        } else if (table === this.ut && typeof a.resourcePropertyName === "string") {
          if (a.resourcePropertyName === "assignee") e.assignee = true;
          else if (a.resourcePropertyName === "candidateUsers") e.candidateUsers = true;
          else if (a.resourcePropertyName === "candidateGroups") e.candidateGroups = true;
        }
      }
    }
  }

  pdGrants(perm, task) {
    const e = this.pd.get(perm);
    if (e === undefined) return false;
    if (e.any) return true;
    const id = task.processDefinitionId;
    return typeof id === "string" && e.ids.has(id);
  }

  utGrants(perm, task) {
    const e = this.ut.get(perm);
    if (e === undefined) return false;
    if (e.any) return true;
    const key = task.userTaskKey;
    if (typeof key === "string" && e.ids.has(key)) return true;
    const me = this.username;
    if (me !== null) {
      if (e.assignee && task.assignee === me) return true;
      if (e.candidateUsers) {
        const cu = task.candidateUsers;
        if (cu != null) for (let i = 0; i < cu.length; i++) if (cu[i] === me) return true;
      }
    }
    if (e.candidateGroups) {
      const cg = task.candidateGroups;
      if (cg != null) for (let i = 0; i < cg.length; i++) if (this.groups.has(cg[i])) return true;
    }
    return false;
  }

  /** `unassign` also when the task is assigned to the principal and PD CLAIM_USER_TASK, or USER_TASK CLAIM by `*`, key or `assignee`, holds. */
  selfUnassign(task) {
    const me = this.username;
    if (me === null || task.assignee !== me) return false;
    if (this.pdGrants("CLAIM_USER_TASK", task)) return true;
    const e = this.ut.get("CLAIM");
    if (e === undefined) return false;
    return e.any || e.assignee || (typeof task.userTaskKey === "string" && e.ids.has(task.userTaskKey));
  }

  can(operation, task) {
    if (this.multiTenancy && !this.tenants.has(task.tenantId)) return false;
    if (!this.authorized(operation, task)) return false;
    if (operation === "get" || operation === "search" || operation === "getForm") return true;
    // Writes: refused on a task whose process instance is not active.
    const instance = task.processInstanceState;
    if (instance != null && instance !== "ACTIVE") return false;
    // Lifecycle: writes need the task in state CREATED (or no state); a claim also needs it
    // unassigned or assigned to the principal.
    if (task.state != null && task.state !== "CREATED") return false;
    const assignee = task.assignee;
    return operation !== "claim" || assignee == null || assignee === "" || assignee === this.id;
  }

  authorized(operation, task) {
    if (!this.enabled) return true;
    switch (operation) {
      case "get":
      case "search":
      case "getForm":
        return this.pdGrants("READ_USER_TASK", task) || this.utGrants("READ", task);
      case "claim":
        return this.pdGrants("UPDATE_USER_TASK", task) || this.pdGrants("CLAIM_USER_TASK", task) || this.utGrants("UPDATE", task) || this.utGrants("CLAIM", task);
      case "assign":
      case "update":
        return this.pdGrants("UPDATE_USER_TASK", task) || this.utGrants("UPDATE", task);
      case "unassign":
        return this.pdGrants("UPDATE_USER_TASK", task) || this.utGrants("UPDATE", task) || this.selfUnassign(task);
      case "complete":
        return this.pdGrants("UPDATE_USER_TASK", task) || this.pdGrants("COMPLETE_USER_TASK", task) || this.utGrants("UPDATE", task) || this.utGrants("COMPLETE", task);
      default:
        throw new Error(`unknown operation ${operation}`);
    }
  }

  actions(task) {
    const read = this.can("get", task);
    const update = this.can("update", task);
    return {
      get: read,
      search: read,
      getForm: read,
      claim: this.can("claim", task),
      assign: update,
      unassign: this.can("unassign", task),
      complete: this.can("complete", task),
      update,
    };
  }

  filter(tasks, operation = "search") {
    const out = [];
    for (let i = 0; i < tasks.length; i++) if (this.can(operation, tasks[i])) out.push(tasks[i]);
    return out;
  }
}

// --- Plain verification with node:crypto ----------------------------------------------------

/** Public keys from a JWKS, imported once: Map kid -> KeyObject. */
export function importJwks(crypto, jwks) {
  const keys = new Map();
  for (const jwk of jwks.keys) if (jwk.kty === "OKP" && jwk.crv === "Ed25519") keys.set(jwk.kid, crypto.createPublicKey({ key: jwk, format: "jwk" }));
  return keys;
}

/**
 * Verifies a compact EdDSA JWS grant set: three parts, header alg/typ/crit/kid, Ed25519
 * signature, then the payload's exp/nbf/iss/aud/ver. Throws on any failure; returns the payload.
 */
export function verifyPlain(crypto, token, keys, { now, issuer, audience, maxTokenBytes = 1 << 20 }) {
  if (typeof token !== "string" || token.length > maxTokenBytes) throw new Error("too large");
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  if (first < 0 || second < 0 || token.indexOf(".", second + 1) >= 0) throw new Error("malformed");
  const header = JSON.parse(Buffer.from(token.slice(0, first), "base64url").toString("utf8"));
  if (header.alg !== "EdDSA") throw new Error("alg");
  if (header.crit !== undefined) throw new Error("crit");
  if (header.typ !== "camunda-grants+jwt") throw new Error("typ");
  const key = keys.get(header.kid);
  if (key === undefined) throw new Error("key not found");
  const signature = Buffer.from(token.slice(second + 1), "base64url");
  if (!crypto.verify(null, Buffer.from(token.slice(0, second), "latin1"), key, signature)) throw new Error("signature");
  const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), "base64url").toString("utf8"));
  if (typeof payload.exp !== "number") throw new Error("malformed: exp");
  if (payload.exp <= now) throw new Error("expired");
  if (typeof payload.nbf === "number" && payload.nbf > now) throw new Error("not yet valid");
  if (issuer !== undefined && payload.iss !== issuer) throw new Error("issuer");
  if (audience !== undefined && !(payload.aud === audience || (Array.isArray(payload.aud) && payload.aud.includes(audience)))) throw new Error("audience");
  if (payload.ver !== 1) throw new Error("ver");
  return payload;
}
