// The example's calls to its server: sign-in, and Camunda's user-task endpoints (REST API v2).

import type { Task } from "camunda-authz";

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

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(path, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
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

export async function perform(action: TaskAction, task: UserTask, me: string): Promise<void> {
  const base = `/v2/user-tasks/${task.userTaskKey}`;
  if (action === "claim") await call("POST", `${base}/assignment`, { assignee: me, allowOverride: false });
  else if (action === "unassign") await call("DELETE", `${base}/assignee`);
  else await call("POST", `${base}/completion`, { variables: {} });
}
