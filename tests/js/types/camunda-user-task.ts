// Tasks typed by Camunda's own published schemas (@camunda/camunda-api-zod-schemas, what Camunda's
// frontends import) go into every task-taking API unchanged, for each API version the package
// knows. Type-checked by tests/js/camunda-types.test.mjs with `tsc --strict`, once as is and once
// with `exactOptionalPropertyTypes` (8.8's optional fields are `T | undefined`, 8.9's are nullable).
import { Authorizer, type Actions, type Explanation, type Task } from "camunda-authz";
import type { QueryUserTasksResponseBody as Response88, UserTask as UserTask88 } from "@camunda/camunda-api-zod-schemas/8.8";
import type { QueryUserTasksResponseBody as Response89, UserTask as UserTask89 } from "@camunda/camunda-api-zod-schemas/8.9";
import type { QueryUserTasksResponseBody as Response810, UserTask as UserTask810 } from "@camunda/camunda-api-zod-schemas/8.10";

/** Every task-taking method, with the caller's task type kept where the API returns tasks. */
function decide<T extends Task>(authz: Authorizer, task: T, list: readonly T[]): [boolean, Actions, Explanation, T[], T[], Uint8Array] {
  return [authz.can("claim", task), authz.actions(task), authz.explain("complete", task), authz.filter(list, "search"), authz.filter(list), authz.masks(list)];
}

/** A search response's `items` filtered in JS, or the whole response as JSON text at the edge. */
function searchResponse<T extends Task>(authz: Authorizer, body: { items: readonly T[] }): [T[], string] {
  return [authz.filter(body.items, "claim"), authz.filterSearchResponse(JSON.stringify(body), "claim")];
}

export function v88(authz: Authorizer, task: UserTask88, body: Response88): unknown[] {
  const asTask: Task = task;
  const claimable: UserTask88[] = authz.filter(body.items, "claim");
  const [filtered, text]: [UserTask88[], string] = searchResponse(authz, body);
  return [asTask, claimable, filtered, text, decide(authz, task, body.items)];
}

export function v89(authz: Authorizer, task: UserTask89, body: Response89): unknown[] {
  const asTask: Task = task;
  const claimable: UserTask89[] = authz.filter(body.items, "claim");
  const [filtered, text]: [UserTask89[], string] = searchResponse(authz, body);
  return [asTask, claimable, filtered, text, decide(authz, task, body.items)];
}

export function v810(authz: Authorizer, task: UserTask810, body: Response810): unknown[] {
  const asTask: Task = task;
  const claimable: UserTask810[] = authz.filter(body.items, "claim");
  const [filtered, text]: [UserTask810[], string] = searchResponse(authz, body);
  return [asTask, claimable, filtered, text, decide(authz, task, body.items)];
}

// The task type still refuses what is not a task.
export function refused(authz: Authorizer, task: UserTask89): unknown[] {
  return [
    // @ts-expect-error a state is a string
    authz.can("claim", { ...task, state: 2 }),
    // @ts-expect-error candidate groups are an array of group ids
    authz.actions({ ...task, candidateGroups: "sales" }),
    // @ts-expect-error a task key is a decimal string
    authz.filter([{ ...task, userTaskKey: 2251799813685249 }]),
  ];
}
