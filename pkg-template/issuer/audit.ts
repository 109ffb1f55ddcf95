// auditGrants: does a user's grant set decide as their cluster answers? It issues the grant set
// with the issuer (as the grants endpoint would), compares its principal with GET
// /v2/authentication/me, and its `search` and `get` decisions with the cluster's own answers for
// that user: the user's task search (with the user's token), and where the service account is
// configured, its search too (a task the service account sees and the user's search does not
// return must be denied). `get` is compared with GET /v2/user-tasks/{key} as the user. It only
// reads (GET and search POSTs): nothing in the cluster changes. No difference is expected; each
// one carries the grant set's explanation of its decision.
import { Authorizer, verifyGrants } from "../core/index.js";
import type { Explanation, GrantSetPayload } from "../core/index.js";
import { credentials } from "./auth.js";
import { camundaClient } from "./client.js";
import { camundaFromEnv, checkCamunda, restBase, runtimeEnv } from "./config.js";
import type { CamundaOptions } from "./config.js";
import { currentUser, searchTasks, userMayGet } from "./audit-reads.js";
import type { ClusterTask } from "./audit-reads.js";
import type { Issuer } from "./issuer.js";
import { AuthzError } from "../core/index.js";

export interface AuditOptions {
  /** The issuer to audit, from `createIssuer` with the options the grants endpoint uses. */
  issuer: Issuer;
  /** The user's bearer token (what the frontend sends the grants endpoint). */
  userToken: string;
  /** Where to read the cluster's answers: the `camunda` given to `createIssuer` (default: the CAMUNDA_* environment, as `createIssuer`'s). */
  camunda?: CamundaOptions;
  /** At most this many tasks per search (default 500, at most 10000); the audit says when it stopped short. */
  maxTasks?: number;
  /** Tasks per search page (default 100, at most 10000). */
  pageSize?: number;
  /** Per request (default 10000 ms). */
  timeoutMs?: number;
  /** For tests: the fetch to use. */
  fetch?: typeof fetch;
}

/** The grant set's principal and what GET /v2/authentication/me says of the same user. */
export interface PrincipalDifference {
  kind: "principal";
  field: "type" | "id" | "groups" | "roles" | "tenants";
  grantSet: string | string[];
  cluster: string | string[];
  message: string;
}

/** A task where the grant set's decision and the cluster's answer differ. */
export interface DecisionDifference {
  kind: "decision";
  operation: "search" | "get";
  userTaskKey: string;
  /** The grant set's decision. */
  grantSet: boolean;
  /** The cluster's answer for the user. */
  cluster: boolean;
  /** What the cluster's answer was, e.g. "the user's search returns it", "GET answered 403". */
  clusterAnswer: string;
  /** The grant set's explanation of its decision. */
  explanation: Explanation;
  message: string;
}

export type AuditDifference = PrincipalDifference | DecisionDifference;

export interface AuditReport {
  /** The grant set's subject. */
  subject: string;
  payload: Readonly<GrantSetPayload>;
  /** GET /v2/authentication/me as the user. */
  me: { username: string; groups: string[]; roles: string[]; tenants: string[] };
  tasks: {
    /** Tasks the user's search returned. */
    user: number;
    /** Tasks the service account's search returned; null when it was not read (say why in `notes`). */
    serviceAccount: number | null;
    /** Tasks whose `search` and `get` decisions were compared. */
    compared: number;
    /** Every search was read to its last page. */
    complete: boolean;
  };
  /** Requests the audit made to the cluster (the issue's not counted). */
  requests: number;
  differences: AuditDifference[];
  /** What the audit could not compare, and why. */
  notes: string[];
}

function whole(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 10_000) throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${name}\` must be an integer from 1 to 10000`);
  return value;
}

const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();
const sameSet = (a: readonly string[], b: readonly string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

function principalDifferences(p: GrantSetPayload["principal"], me: AuditReport["me"], multiTenancy: boolean): PrincipalDifference[] {
  const out: PrincipalDifference[] = [];
  if (p.type !== "USER") out.push({ kind: "principal", field: "type", grantSet: p.type, cluster: "USER", message: `the grant set is for a ${p.type}, and /me answers the user ${me.username}` });
  if (p.id !== me.username) out.push({ kind: "principal", field: "id", grantSet: p.id, cluster: me.username, message: `the grant set is for \`${p.id}\`, /me answers \`${me.username}\`` });
  const lists: ["groups" | "roles" | "tenants", readonly string[], readonly string[]][] = [
    ["groups", p.groups ?? [], me.groups],
    ["roles", p.roles ?? [], me.roles],
  ];
  if (multiTenancy) lists.push(["tenants", p.tenants ?? [], me.tenants]);
  for (const [field, mine, theirs] of lists) {
    if (sameSet(mine, theirs)) continue;
    const missing = sorted(theirs).filter((x) => !mine.includes(x));
    const extra = sorted(mine).filter((x) => !theirs.includes(x));
    out.push({ kind: "principal", field, grantSet: sorted(mine), cluster: sorted(theirs), message: `${field} differ from /me:${missing.length ? ` the grant set lacks ${missing.join(", ")}` : ""}${extra.length ? ` the grant set adds ${extra.join(", ")}` : ""}` });
  }
  return out;
}

/** Runs `work` on each item, `limit` at a time, in order of the results. */
async function pooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function auditGrants(options: AuditOptions): Promise<AuditReport> {
  if (options === null || typeof options !== "object" || typeof options.issuer?.issue !== "function") throw new AuthzError("ERR_ARGUMENT_INVALID", "auditGrants() needs `{ issuer, userToken }`, the issuer from createIssuer");
  if (typeof options.userToken !== "string" || options.userToken === "") throw new AuthzError("ERR_ARGUMENT_INVALID", "`userToken` must be a non-empty string");
  const maxTasks = whole(options.maxTasks, "maxTasks", 500);
  const pageSize = whole(options.pageSize, "pageSize", 100);
  const timeoutMs = whole(options.timeoutMs, "timeoutMs", 10_000);
  const camunda = checkCamunda(options.camunda ?? camundaFromEnv(runtimeEnv()));
  const auth = camunda.auth ?? { strategy: "NONE" as const };
  const transport = { fetch: options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)), timeoutMs, maxResponseBytes: 64 * 1024 * 1024, now: () => Date.now() };
  const client = camundaClient(restBase(camunda.restAddress), credentials(auth, transport), transport, { pageSize, maxPages: 10_000, maxItems: 10_000_000 });
  const { userToken } = options;

  // The grant set as the grants endpoint would issue it, verified with the issuer's own keys.
  const issued = await options.issuer.issue({ userToken });
  const { iss, aud } = issued.payload;
  const authz = new Authorizer(verifyGrants(issued.token, options.issuer.jwks, { issuer: iss ?? null, audience: aud ?? null }));
  const payload = authz.payload;
  const notes: string[] = [];

  const found = await currentUser(client, userToken);
  const me = { username: found.username, groups: found.groups, roles: found.roles, tenants: found.tenants.map((t) => t.tenantId) };
  const differences: AuditDifference[] = principalDifferences(payload.principal, me, payload.multiTenancyEnabled === true);

  const mine = await searchTasks(client, { userToken }, pageSize, maxTasks);
  let theirs: ClusterTask[] | null = null;
  let complete = mine.complete;
  if (!mine.complete) notes.push(`the user's search has more than ${maxTasks} tasks (maxTasks): only the first ${maxTasks} were compared, and no task was taken as hidden from the user`);
  if (auth.strategy === "NONE") {
    notes.push("no service account is configured (auth NONE): only the tasks the user's search returns were compared, so a task the cluster hides and the grant set allows cannot be seen");
  } else {
    try {
      const all = await searchTasks(client, "service", pageSize, maxTasks);
      theirs = all.tasks;
      complete &&= all.complete;
      if (!all.complete) notes.push(`the service account's search has more than ${maxTasks} tasks (maxTasks): only the first ${maxTasks} were compared`);
      if (all.tasks.length === 0) notes.push("the service account's search returned no task: it needs PROCESS_DEFINITION READ_USER_TASK (or USER_TASK READ) on `*` to show what the user's search hides");
    } catch (error) {
      if (!(error instanceof AuthzError) || error.code !== "ERR_ISSUER_AUTH") throw error;
      notes.push(`the service account's search was refused (${error.message}): only the tasks the user's search returns were compared`);
    }
  }

  // The user's tasks must be allowed; the service account's others must be denied (when the
  // user's search was read whole).
  const userKeys = new Set(mine.tasks.map((t) => t.userTaskKey));
  const tasks = new Map<string, ClusterTask>(mine.tasks.map((t) => [t.userTaskKey, t]));
  for (const t of theirs ?? []) if (!tasks.has(t.userTaskKey) && mine.complete) tasks.set(t.userTaskKey, t);
  const decision = (operation: "search" | "get", task: ClusterTask, cluster: boolean, clusterAnswer: string) => {
    const explanation = authz.explain(operation, task);
    if (explanation.allowed === cluster) return;
    differences.push({
      kind: "decision",
      operation,
      userTaskKey: task.userTaskKey,
      grantSet: explanation.allowed,
      cluster,
      clusterAnswer,
      explanation,
      message: `${operation} of task ${task.userTaskKey}: the grant set ${explanation.allowed ? "allows" : "denies"} it (${explanation.code}: ${explanation.reason}), and ${clusterAnswer}`,
    });
  };
  for (const task of tasks.values()) decision("search", task, userKeys.has(task.userTaskKey), userKeys.has(task.userTaskKey) ? "the user's search returns it" : "the service account's search returns it and the user's does not");
  const gets = await pooled([...tasks.values()], 8, async (task) => ({ task, answer: await userMayGet(client, userToken, task.userTaskKey) }));
  for (const { task, answer } of gets) decision("get", task, answer.allowed, `GET /v2/user-tasks/${task.userTaskKey} answered the user ${answer.status}`);

  return {
    subject: payload.sub ?? payload.principal.id,
    payload,
    me,
    tasks: { user: mine.tasks.length, serviceAccount: theirs === null ? null : theirs.length, compared: tasks.size, complete },
    requests: client.requests,
    differences,
    notes,
  };
}

