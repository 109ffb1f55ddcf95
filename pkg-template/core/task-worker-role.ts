// The default `task-worker` role of Camunda's identity, as authorizations: offered to issuers, not
// assumed by any decision.
import type { PropertyAuthorization, TaskProperty } from "./types.js";

/** The default `task-worker` role's authorizations (USER_TASK READ, CLAIM, COMPLETE by each task property), for issuers. */
export const TASK_WORKER_ROLE: readonly Readonly<
  PropertyAuthorization & { ownerType: "ROLE"; ownerId: "task-worker"; resourceType: "USER_TASK"; resourcePropertyName: TaskProperty; permissionTypes: readonly ["READ", "CLAIM", "COMPLETE"] }
>[] = Object.freeze(
  (["assignee", "candidateUsers", "candidateGroups"] as const).map((resourcePropertyName) =>
    Object.freeze({
      ownerType: "ROLE",
      ownerId: "task-worker",
      resourceType: "USER_TASK",
      resourcePropertyName,
      permissionTypes: Object.freeze(["READ", "CLAIM", "COMPLETE"] as const),
    } as const),
  ),
);
