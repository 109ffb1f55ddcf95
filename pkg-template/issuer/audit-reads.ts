// What the audit reads from the cluster, and only reads: the current user (GET
// /v2/authentication/me), a task search (POST /v2/user-tasks/search, page by page up to a bound,
// as the user or as the service account) and one task (GET /v2/user-tasks/{key}, as the user).
// A search POST changes nothing in the cluster; no other method is sent.
import type { CamundaClient, Caller } from "./client.js";
import { issuerError, statusOf } from "./errors.js";
import { isCurrentUser, isPage } from "./shapes.js";
import type { CurrentUser } from "./shapes.js";
import type { Task } from "../core/index.js";

/** A user task as the search answers it: the fields the decisions read, and any others. */
export type ClusterTask = Task & { userTaskKey: string; [field: string]: unknown };

export interface TaskSearch {
  tasks: ClusterTask[];
  /** false when `maxTasks` was reached before the last page. */
  complete: boolean;
}

function isClusterTask(v: unknown): v is ClusterTask {
  return v !== null && typeof v === "object" && typeof (v as { userTaskKey?: unknown }).userTaskKey === "string" && /^[0-9]+$/.test((v as { userTaskKey: string }).userTaskKey);
}

export async function currentUser(client: CamundaClient, userToken: string): Promise<CurrentUser> {
  const me = await client.call("GET", "/v2/authentication/me", { as: { userToken } });
  if (!isCurrentUser(me)) throw issuerError("ERR_ISSUER_UPSTREAM", "GET /v2/authentication/me answered with something that is not the current user");
  return me;
}

/** The search's tasks, every page until the last or until `maxTasks` of them. */
export async function searchTasks(client: CamundaClient, as: Caller, pageSize: number, maxTasks: number): Promise<TaskSearch> {
  const tasks: ClusterTask[] = [];
  const cursors = new Set<string>();
  let after: string | undefined;
  while (tasks.length < maxTasks) {
    const limit = Math.min(pageSize, maxTasks - tasks.length);
    const body = await client.call("POST", "/v2/user-tasks/search", { as, body: { page: after === undefined ? { limit } : { limit, after } } });
    if (!isPage(body)) throw issuerError("ERR_ISSUER_UPSTREAM", "POST /v2/user-tasks/search answered with something that is not a search result");
    for (const item of body.items) {
      if (!isClusterTask(item)) throw issuerError("ERR_ISSUER_UPSTREAM", "POST /v2/user-tasks/search answered with an item that is not a user task (no decimal `userTaskKey`)");
      tasks.push(item);
    }
    const more = body.page.hasMoreTotalItems === true || (typeof body.page.totalItems === "number" ? tasks.length < body.page.totalItems : body.items.length >= limit);
    if (body.items.length === 0 || !more) return { tasks, complete: true };
    const cursor = body.page.endCursor;
    if (typeof cursor !== "string" || cursor === "" || cursors.has(cursor)) throw issuerError("ERR_ISSUER_UPSTREAM", "POST /v2/user-tasks/search has more tasks but no new `page.endCursor`");
    cursors.add(cursor);
    after = cursor;
  }
  return { tasks, complete: false };
}

/** What GET /v2/user-tasks/{key} answers the user: 200 (true), 403 or 404 (false, with the status). */
export async function userMayGet(client: CamundaClient, userToken: string, userTaskKey: string): Promise<{ allowed: boolean; status: number }> {
  try {
    const task = await client.call("GET", `/v2/user-tasks/${encodeURIComponent(userTaskKey)}`, { as: { userToken }, allowMissing: true });
    return task === null ? { allowed: false, status: 404 } : { allowed: true, status: 200 };
  } catch (error) {
    // The client turns the user's 401 and 403 into ERR_ISSUER_PRINCIPAL; a 401 means the token
    // itself is refused, which ends the audit.
    if (statusOf(error) === 403) return { allowed: false, status: 403 };
    throw error;
  }
}
