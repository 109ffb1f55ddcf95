// The Tasklist actions the demo offers, shared by the page (app.js) and the server
// (server.mjs) so both sides agree on what a button means. Each maps to one package
// operation; whether it is *allowed* is always `authz.can(operation, task)` from camunda-authz.
// `applies` is task lifecycle only (you cannot claim a task that already has an assignee,
// nor act on a completed one); it never looks at who is asking.

export const ACTIONS = Object.freeze([
  { id: "claim", label: "Claim", operation: "claim", applies: (t) => open(t) && !t.assignee },
  { id: "unassign", label: "Unassign", operation: "unassign", applies: (t) => open(t) && !!t.assignee },
  { id: "assign", label: "Assign", operation: "assign", applies: open },
  { id: "complete", label: "Complete", operation: "complete", applies: open },
  { id: "update", label: "Update", operation: "update", applies: open },
]);

function open(task) {
  return task.state === "CREATED";
}

/**
 * For one task: every applicable action with the package's decision and explanation,
 * `[{ id, label, operation, allowed, explanation }]`.
 */
export function taskActions(authz, task) {
  return ACTIONS.filter((a) => a.applies(task)).map((a) => {
    const explanation = authz.explain(a.operation, task);
    return { id: a.id, label: a.label, operation: a.operation, allowed: explanation.allowed, explanation };
  });
}

/** The ids of the actions a Tasklist would offer on `task` (applicable and allowed). */
export function offeredActions(authz, task) {
  return ACTIONS.filter((a) => a.applies(task) && authz.can(a.operation, task)).map((a) => a.id);
}
