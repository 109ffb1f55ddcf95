// The example's calls to its server: sign-in, and Camunda's user-task endpoints (REST API v2).
// The writes go through `wrapFetch(fetch, session)`, so that a 403 or 409 from the cluster to
// an action the grant set allowed renews the grant set at once (the session's reportRefusal).

import { wrapFetch } from "camunda-authz";
import type { GrantSession, Task } from "camunda-authz";

export interface Persona {
  id: string;
  name: string;
  title: string;
}

export interface UserTask extends Task {
  userTaskKey: string;
  name: string;
  processName: string;
  creationDate: string;
}

type Send = (path: string, init: RequestInit & { task?: Task }) => Promise<Response>;

async function call(method: string, path: string, body?: unknown, send: Send = fetch, task?: Task): Promise<Response> {
  const init = { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(task === undefined ? {} : { task }) };
  const res = await send(path, init);
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as { detail?: string };
    throw new Error(problem.detail ?? `HTTP ${res.status}`);
  }
  return res;
}

export async function fetchPersonas(): Promise<Persona[]> {
  return (await (await call("GET", "/api/personas")).json()) as Persona[];
}

export async function signIn(persona: string): Promise<void> {
  await call("POST", "/login", { persona });
  localStorage.setItem("persona", persona);
}

export async function searchTasks(): Promise<UserTask[]> {
  const res = await call("POST", "/v2/user-tasks/search", { filter: { state: "CREATED" } });
  return ((await res.json()) as { items: UserTask[] }).items;
}

export type TaskAction = "claim" | "unassign" | "complete";

/** One of Tasklist's actions on `task` as `me`, through the cluster; a refusal is reported to `session`. */
export async function perform(session: GrantSession, action: TaskAction, task: UserTask, me: string): Promise<void> {
  const camunda: Send = wrapFetch(fetch, session);
  const base = `/v2/user-tasks/${task.userTaskKey}`;
  if (action === "claim") await call("POST", `${base}/assignment`, { assignee: me, allowOverride: false }, camunda, task);
  else if (action === "unassign") await call("DELETE", `${base}/assignee`, undefined, camunda, task);
  else await call("POST", `${base}/completion`, { variables: {} }, camunda, task);
}
