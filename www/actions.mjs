// The task actions the demo offers, shared by the page (app.js) and the server (server.mjs) so
// both agree on what a button sends. The first three are Camunda Tasklist's buttons
// (`button`: the name `authz.buttons(task)` and `explainButton` use); the page shows them as
// Tasklist does, from the package's answer. `assign` (to someone else) and `update` are not in
// Tasklist's screen: the demo offers them as an admin console would, from `authz.can`.
// `open` is the demo's own rule: it offers no action on a task that is not open (Tasklist
// renders no button on a completed task either).

export const ACTIONS = Object.freeze([
  { id: "claim", label: "Assign to me", button: "assignToMe", operation: "claim" },
  { id: "unassign", label: "Unassign", button: "unassign", operation: "unassign" },
  { id: "complete", label: "Complete task", button: "complete", operation: "complete" },
  { id: "assign", label: "Assign…", operation: "assign" },
  { id: "update", label: "Update", operation: "update" },
]);

/** Whether the demo offers any action on `task` at all: it is open (`CREATED`). */
export function open(task) {
  return task.state === "CREATED";
}

/**
 * An action on `task` as the package decides it for `authz`: `{ shown, allowed, why }`. `shown`:
 * the task is open and, for a Tasklist button, Tasklist's screen rule lets it be there (its
 * explanation does not say `refusedBy: "screen"`); `allowed`: the cluster would accept it too.
 * `why` is the explanation (`message` for people, `reason` and `code` for the curious).
 */
export function decide(authz, action, task) {
  const why = action.button ? authz.explainButton(action.button, task) : authz.explain(action.operation, task);
  return { shown: open(task) && why.refusedBy !== "screen", allowed: open(task) && why.allowed, why };
}
