// The stand-in's user-task writes, and the read of one task, answering as the Orchestration
// Cluster does: claim and assign
// (POST /v2/user-tasks/{key}/assignment; `allowOverride: false` runs the CLAIM command, without
// it an override ASSIGN), unassign (DELETE .../assignee, an ASSIGN with an empty assignee),
// complete (POST .../completion) and update (PATCH /v2/user-tasks/{key}). Each decides with the
// stand-in's own rules (tasks.mjs `allowed`), in the engine's order of checks:
//
// 1. a task the engine does not hold: unknown, or COMPLETED or CANCELED (the engine deletes a task
//    when it ends): 404 NOT_FOUND, before anything else (camunda/camunda
//    zeebe/engine/src/test/java/io/camunda/zeebe/engine/processing/usertask/ClaimUserTaskTest.java
//    `shouldRejectClaimIfUserTaskIsCompleted`, the same in Assign/Complete/UpdateUserTaskTest);
// 2. the task's process instance suspended (8.10): 409 INVALID_STATE, from the engine's
//    suspension gate, which runs before the processor and looks the task up without its tenant
//    (UserTaskSuspensionGateTest @ 141b3d46f95315d8ebe2eaa971c5f70b61b373d2; its tests assert
//    only "process instance with key '<key>'" of the reason, the rest of ours is our wording);
// 3. with multi-tenancy on, a task of a tenant the caller lacks: 404 NOT_FOUND (the processor's
//    lookup is filtered by the caller's tenants: zeebe/engine/src/main/java/io/camunda/zeebe/
//    engine/processing/usertask/processors/UserTaskCommandPreconditionValidator.java
//    @ 6c01c768634e559b5327daa3fee9ac7f1fe0c0bb, `check`; MultiTenantUserTaskOperationsTest);
// 4. no authorization: 403 FORBIDDEN (UserTaskClaimProcessor.java @ bc0b641af4c6b413ed47ca7398e751f7209248c3,
//    `validateCommand`: exists, authorization, lifecycle state, claim);
// 5. the task not in state CREATED: 409 INVALID_STATE ("... but it is in state '<state>'");
// 6. a claim with an empty assignee, or of a task someone else holds: 409 INVALID_STATE
//    ("... but provided assignee is empty", "... but it has already been assigned").
//    "Someone else" is the assignee the claim asks for, whoever sends it: `canClaim =
//    currentAssignee.isBlank() || currentAssignee.equals(newAssignee)` (UserTaskClaimProcessor.java
//    @ 06349304a7468fa38e6415e97fe77347f29e92dd and @ bc0b641a, `checkClaim`), so a CLIENT
//    claiming for its own id a task assigned to that id is accepted; only the `assignee` and
//    `candidateUsers` properties and the self-unassign need a username
//    (UserTaskPropertyAuthorizationEvaluator, UserTaskAssignProcessor `getCurrentUsername`).
//
// Bodies are Camunda's problem JSON: `title` the rejection's status name, `detail` "Command
// '<INTENT>' rejected with code '<TYPE>': <reason>", `instance` the path
// (gateways/gateway-mapping-http/src/main/java/io/camunda/gateway/mapping/http/GatewayErrorMapper.java
// @ 33b5d698b481f0a7d2e8962a7e0371fa84708447: `createProblemDetail(mapStatus(status), message,
// status.name())`; NOT_FOUND 404, FORBIDDEN 403, INVALID_STATE 409). A success is 204 without a
// body. Every request body must parse under Camunda's zod schemas (8.9 and 8.10) with no member
// they do not know, every problem too; each path is the one the schemas' endpoint builds.
// Tasks change in place in `data.userTasks`; `data.suspendedProcessInstances` lists the keys of
// suspended process instances.
//
// GET /v2/user-tasks/{key} reads one task with the search's rules (UserTaskServices.getByKey
// reads it through the search client with the same USER_TASK_AUTHORIZATIONS as the search:
// PD READ_USER_TASK by the task's process, UT READ by its key or by property; camunda/camunda
// service/src/main/java/io/camunda/service/UserTaskServices.java as stored, the version with
// `getByKey(final long userTaskKey, final CamundaAuthentication authentication)`): an unknown
// task, or with multi-tenancy on one of a tenant the caller lacks (the search client filters
// by the caller's tenants), 404; a task the caller may not read, 403. Tasks that ended stay
// readable (the search keeps them; only the engine drops them). Its answer is checked against
// the schemas' `userTaskSchema`.
import { readFileSync } from "node:fs";
import { allowed, userTaskItem } from "./tasks.mjs";

const PKG = new URL("../js/node_modules/@camunda/camunda-api-zod-schemas/", import.meta.url);
const exportsMap = JSON.parse(readFileSync(new URL("package.json", PKG), "utf8")).exports;
const VERSIONS = ["8.9", "8.10"];
const KEY = "2251799813685249";

/** The writes: method, path under `/v2/user-tasks/{key}`, the schemas' endpoint and request body schema. */
const WRITES = [
  ["POST", "/assignment", "assignTask", "assignTaskRequestBodySchema"],
  ["DELETE", "/assignee", "unassignTask", "unassignTaskRequestBodySchema"],
  ["POST", "/completion", "completeTask", "completeTaskRequestBodySchema"],
  ["PATCH", "", "updateUserTask", "updateUserTaskRequestBodySchema"],
];

const importOf = (subpath) => import(new URL(exportsMap[subpath].import.default, PKG).href);

/** A zod object schema that refuses members it does not know, here and in its nested `changeset`. */
function strict(schema) {
  const changeset = schema.shape.changeset;
  return (changeset === undefined ? schema : schema.extend({ changeset: changeset.strict() })).strict();
}

/** Loads the schemas; resolves `{ route(method, path) }`, whose match answers `(caller, body) => { status, body }`. */
export async function userTaskWrites(data, violation) {
  const checks = [];
  for (const version of VERSIONS) {
    const tasks = await importOf(`./${version}/user-task`);
    const common = await importOf(`./${version}`);
    for (const [method, suffix, endpoint] of WRITES) {
      const def = tasks[endpoint];
      if (def?.method !== method || def.getUrl({ userTaskKey: KEY }) !== `/v2/user-tasks/${KEY}${suffix}`) throw new Error(`camunda-standin: ${version} builds no ${method} /v2/user-tasks/{key}${suffix}`);
    }
    checks.push({ version, requests: Object.fromEntries(WRITES.map(([, suffix, , name]) => [suffix, strict(tasks[name])])), problem: strict(common.problemDetailResponseSchema) });
  }
  const fails = (kind, schemaOf, value) => checks.flatMap((c) => {
    const result = schemaOf(c).safeParse(value);
    return result.success ? [] : [`${c.version}: ${result.error.issues.map((i) => `${i.path.join(".") || "$"}: ${i.message}`).join("; ")}`];
  });

  const taskSchemas = await Promise.all(VERSIONS.map(async (version) => ({ version, schema: (await importOf(`./${version}/user-task`)).userTaskSchema })));
  for (const version of VERSIONS) {
    const def = (await importOf(`./${version}/user-task`)).getUserTask;
    if (def?.method !== "GET" || def.getUrl({ userTaskKey: KEY }) !== `/v2/user-tasks/${KEY}`) throw new Error(`camunda-standin: ${version} builds no GET /v2/user-tasks/{key}`);
  }
  /** As schemas.mjs checks a response: it parses under every version, and no member is unknown to all of them. */
  const taskProblems = (task) => {
    const parsed = taskSchemas.map(({ version, schema }) => ({ version, result: schema.safeParse(task) }));
    const failed = parsed.filter((p) => !p.result.success).map((p) => `${p.version}: ${p.result.error.issues.map((i) => `${i.path.join(".") || "$"}: ${i.message}`).join("; ")}`);
    const unknown = Object.keys(task).filter((k) => parsed.every((p) => !p.result.success || !(k in p.result.data)));
    return [...failed, ...(unknown.length ? [`members no version knows: ${unknown.join(", ")}`] : [])];
  };

  function read(path) {
    return (caller) => {
      const out = readOne(data, caller, decodeURIComponent(path.slice("/v2/user-tasks/".length)), path);
      const problems = out.status === 200 ? taskProblems(out.body) : fails("problem", (c) => c.problem, out.body);
      if (problems.length) violation(`response GET ${path}: ${problems.join(" | ")}`);
      return out;
    };
  }

  function route(method, path) {
    if (method === "GET" && /^\/v2\/user-tasks\/[^/]+$/.test(path)) return read(path);
    const m = /^\/v2\/user-tasks\/([^/]+)(\/assignment|\/assignee|\/completion)?$/.exec(path);
    const write = m && WRITES.find(([wm, suffix]) => wm === method && suffix === (m[2] ?? ""));
    if (!write) return null;
    return (caller, body = {}) => {
      const problems = fails("request", (c) => c.requests[write[1]], body);
      if (problems.length) {
        violation(`request ${method} ${path}: ${problems.join(" | ")} in ${JSON.stringify(body)}`);
        return { status: 500, body: { type: "about:blank", title: "Schema violation", status: 500, detail: "the request does not match Camunda's schema", instance: path } };
      }
      const out = decide(data, caller, write[1], decodeURIComponent(m[1]), body, path);
      if (out.status >= 400 && fails("problem", (c) => c.problem, out.body).length) violation(`problem of ${method} ${path}: ${JSON.stringify(out.body)}`);
      return out;
    };
  }
  return { route };
}

const TITLES = { 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "INVALID_STATE" };

function rejected(status, intent, reason, path) {
  const title = TITLES[status];
  return { status, body: { type: "about:blank", title, status, detail: `Command '${intent}' rejected with code '${title}': ${reason}`, instance: path } };
}

/** One write, in the engine's order of checks (the header of this file). */
function decide(data, caller, suffix, key, body, path) {
  const task = (data.userTasks ?? []).find((t) => t.userTaskKey === key);
  const claim = suffix === "/assignment" && body.allowOverride === false;
  const operation = { "/assignment": claim ? "claim" : "assign", "/assignee": "unassign", "/completion": "complete", "": "update" }[suffix];
  // The engine's intent, and the verb of its reasons (an unassign is an ASSIGN with an empty assignee).
  const [intent, verb] = { claim: ["CLAIM", "claim"], assign: ["ASSIGN", "assign"], unassign: ["ASSIGN", "assign"], complete: ["COMPLETE", "complete"], update: ["UPDATE", "update"] }[operation];
  const no = (status, reason) => rejected(status, intent, `Expected to ${verb} user task with key '${key}', but ${reason}`, path);
  if (!/^\d+$/.test(key)) return { status: 400, body: { type: "about:blank", title: "INVALID_ARGUMENT", status: 400, detail: `The provided userTaskKey '${key}' is not a number`, instance: path } };
  const state = task?.state ?? "CREATED";
  if (task === undefined || state === "COMPLETED" || state === "CANCELED") return no(404, "no such user task was found");
  const instance = task.processInstanceKey ?? "2251799813685001"; // the stand-in's default (tasks.mjs userTaskItem)
  if ((data.suspendedProcessInstances ?? []).includes(instance)) return no(409, `its process instance with key '${instance}' is suspended`);
  if (data.multiTenancyEnabled && !caller.tenants.has(task.tenantId ?? "<default>")) return no(404, "no such user task was found");
  // The authorization alone: the lifecycle steps come after it. For a claim, `allowed` would also
  // refuse a task someone else holds; that is set aside by clearing an assignee that is not the
  // caller, which no property grant of the caller can match anyway.
  const other = claim && Boolean(task.assignee) && task.assignee !== body.assignee;
  if (!allowed(data, caller, operation, { ...task, state: "CREATED", ...(claim && task.assignee !== caller.id ? { assignee: null } : {}) })) {
    // Camunda's reason lists every alternative that failed; this is its first clause only.
    return rejected(403, intent, `Insufficient permissions to perform operation 'UPDATE_USER_TASK' on resource 'PROCESS_DEFINITION', required resource identifiers are one of '[*, ${task.processDefinitionId}]'`, path);
  }
  if (state !== "CREATED") return no(409, `it is in state '${state}'`);
  if (claim && (body.assignee ?? "").trim() === "") return no(409, "provided assignee is empty");
  if (other) return no(409, "it has already been assigned");
  apply(task, operation, body);
  return { status: 204, body: "" };
}

/** GET /v2/user-tasks/{key}: the task, or 404 (unknown, another tenant's) or 403 (not readable). */
function readOne(data, caller, key, path) {
  const problem = (status, title, detail) => ({ status, body: { type: "about:blank", title, status, detail, instance: path } });
  if (!/^\d+$/.test(key)) return problem(400, "INVALID_ARGUMENT", `The provided userTaskKey '${key}' is not a number`);
  const task = (data.userTasks ?? []).find((t) => t.userTaskKey === key);
  if (task === undefined || (data.multiTenancyEnabled && !caller.unrestricted && !caller.tenants.has(task.tenantId ?? "<default>"))) return problem(404, "NOT_FOUND", `User task with key '${key}' not found`);
  const item = userTaskItem(task);
  if (!caller.unrestricted && !allowed(data, caller, "get", item)) return problem(403, "FORBIDDEN", "Unauthorized to perform operation 'READ_USER_TASK' on resource 'PROCESS_DEFINITION'");
  return { status: 200, body: item };
}

function apply(task, operation, body) {
  if (operation === "claim" || operation === "assign") task.assignee = body.assignee === "" ? null : body.assignee;
  else if (operation === "unassign") task.assignee = null;
  else if (operation === "complete") Object.assign(task, { state: "COMPLETED", completionDate: new Date().toISOString() });
  else Object.assign(task, body.changeset);
}
