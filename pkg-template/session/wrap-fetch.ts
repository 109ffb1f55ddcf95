// `wrapFetch(fetch, session)`: a fetch for the app's calls to Camunda that reports the cluster's
// refusals of user-task writes to the session (`reportRefusal`), so that a grant set that drifted
// from the cluster heals without the app doing anything. It reads Camunda's user-task endpoints
// (REST API v2, camunda/camunda `zeebe/gateway-rest`; the paths as @camunda/camunda-api-zod-schemas
// `user-task` builds them):
//   POST   /v2/user-tasks/{key}/assignment  `allowOverride: false`: claim; otherwise: assign
//   DELETE /v2/user-tasks/{key}/assignee    unassign
//   POST   /v2/user-tasks/{key}/completion  complete
//   PATCH  /v2/user-tasks/{key}             update
// The path may sit under a prefix (a base path, 8.10's `/physical-tenants/<id>`). Every response
// is returned as it came, at once; the report runs beside it.

import { AuthzError } from "../core/index.js";
import type { Operation, Task } from "../core/index.js";
import { REFUSAL_STATUSES } from "./drift.js";
import type { GrantSession } from "./types.js";

/** The part of a `Request` the wrapper reads, when one is passed instead of a URL. */
interface RequestLike {
  readonly url: string;
  readonly method: string;
  clone(): { text(): Promise<string> };
}

/** A fetch function: the platform's, or any with its first two parameters. */
export type AnyFetch = (input: never, init?: never) => Promise<{ readonly status: number }>;

/** The first parameter of a fetch function (inferred: `Parameters<F>[0]` would resolve against the constraint). */
export type FetchInput<F> = F extends (input: infer I, init?: never) => unknown ? I : never;
/** Its second, the request's options. */
export type FetchInit<F> = F extends (input: never, init?: infer I) => unknown ? I : never;

/** The wrapped fetch's options: the fetch's own, plus the task the request acts on (not passed on). */
export type RefusalFetchInit<F extends AnyFetch> = NonNullable<FetchInit<F>> & {
  /** The task as the app shows it: what the grant set decided on. Without it (and without `taskOf`) nothing is reported. */
  task?: Task;
};

export interface WrapFetchOptions {
  /** The task with this `userTaskKey`, as the app shows it (when the request's options name none). */
  taskOf?: (userTaskKey: string) => Task | undefined;
}

const USER_TASK_PATH = /\/v2\/user-tasks\/(\d+)(?:\/(assignment|assignee|completion))?\/?$/;

/** Which operation a request is, from its method, path and (for an assignment) `allowOverride`; null for anything else. */
async function operationOf(method: string, path: string, body: () => Promise<string | undefined>): Promise<{ operation: Operation; key: string } | null> {
  const m = USER_TASK_PATH.exec(path);
  if (m === null) return null;
  const key = m[1] as string;
  const verb = method;
  if (m[2] === "assignee" && verb === "DELETE") return { operation: "unassign", key };
  if (m[2] === "completion" && verb === "POST") return { operation: "complete", key };
  if (m[2] === undefined && verb === "PATCH") return { operation: "update", key };
  if (m[2] !== "assignment" || verb !== "POST") return null;
  // Camunda's assignment runs the CLAIM command when `allowOverride` is false; without it (the
  // default is true) an override assignment.
  let allowOverride: unknown;
  try {
    allowOverride = (JSON.parse((await body()) ?? "{}") as { allowOverride?: unknown }).allowOverride;
  } catch {
    allowOverride = undefined;
  }
  return { operation: allowOverride === false ? "claim" : "assign", key };
}

function pathOf(url: string): string {
  try {
    return new URL(url, "http://relative.invalid").pathname;
  } catch {
    return "";
  }
}

/** The URL, method and (for a POST, read ahead of the fetch) body of a request. */
function describe(input: unknown, init: { method?: unknown; body?: unknown }): { url: string; method: string; body: () => Promise<string | undefined> } {
  const request = typeof input === "object" && input !== null && typeof (input as RequestLike).clone === "function" && typeof (input as RequestLike).url === "string" ? (input as RequestLike) : null;
  const url = request?.url ?? String(input);
  const method = String(init.method ?? request?.method ?? "GET").toUpperCase();
  // A Request's body can be read only before fetch takes it: clone it now, for an assignment.
  const copy = request !== null && init.body === undefined && method === "POST" && USER_TASK_PATH.test(pathOf(url)) ? request.clone().text().catch(() => undefined) : undefined;
  return { url, method, body: async () => (typeof init.body === "string" ? init.body : copy) };
}

/**
 * A fetch that reports the cluster's 403 and 409 answers to user-task writes to `session`
 * (`reportRefusal`), for the task given as `init.task` or found by `options.taskOf`. Everything
 * else passes through untouched; `init.task` is not passed on.
 */
export function wrapFetch<F extends AnyFetch>(fetch: F, session: Pick<GrantSession, "reportRefusal">, options: WrapFetchOptions = {}): (input: FetchInput<F>, init?: RefusalFetchInit<F>) => ReturnType<F> {
  const { taskOf } = options;
  if (typeof fetch !== "function" || typeof session?.reportRefusal !== "function" || (taskOf !== undefined && typeof taskOf !== "function")) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", "wrapFetch(fetch, session, { taskOf? }) takes a fetch function, a grant session and, optionally, a function of a userTaskKey");
  }
  const wrapped = async (input: FetchInput<F>, init?: RefusalFetchInit<F>) => {
    const { task, ...rest } = (init ?? {}) as { task?: Task; method?: unknown; body?: unknown };
    const request = describe(input, rest);
    const response = await fetch(input as never, (init === undefined ? undefined : rest) as never);
    if (!REFUSAL_STATUSES.includes(response.status)) return response;
    // The report runs beside the response: the app gets its answer now, the renewal follows.
    void (async () => {
      const found = await operationOf(request.method, pathOf(request.url), request.body);
      const subject = found === null ? undefined : (task ?? taskOf?.(found.key));
      if (found !== null && subject !== undefined) await session.reportRefusal({ status: response.status, operation: found.operation, task: subject });
    })().catch(() => {}); // a failed renewal is in the session's state
    return response;
  };
  return wrapped as (input: FetchInput<F>, init?: RefusalFetchInit<F>) => ReturnType<F>;
}
