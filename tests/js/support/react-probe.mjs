// What the React tests render, in Node and in a page alike (no Node.js imports here): a task, a
// grant that lets ana's group claim it, and a component that reads every hook of
// camunda-authz/react and every form of <Can> (an operation, a Tasklist button).

export const TASK = { userTaskKey: "1", processDefinitionId: "invoice", candidateGroups: ["sales"], state: "CREATED" };
export const CLAIM_BY_GROUP = [{ ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM"] }];

/** Who issues the tests' grant sets and for whom: the signer's and the session's options alike. */
export const ISSUED = { issuer: "https://i.example", audience: "tasklist" };

/** A grant payload for ana (group sales) with `authorizations`. */
export const payloadFor = (authorizations) => ({ sub: "ana", ver: 1, authorizationsEnabled: true, principal: { type: "USER", id: "ana", groups: ["sales"] }, authorizations });

/** A component that reads every hook and every form of `<Can>`; `h` is React's createElement. */
export function probeOf(h, { useGrantSession, useAuthorizer, useActions, useButtons, useCan, Can }) {
  return function Probe() {
    const { status, subject, code } = useGrantSession();
    const authz = useAuthorizer();
    const actions = useActions(TASK);
    const buttons = useButtons(TASK);
    const canClaim = useCan("claim", TASK);
    const on = (answers) => Object.keys(answers).filter((k) => answers[k]).join(",");
    return h(
      "div",
      null,
      h("p", { id: "state" }, `${status}:${subject ?? "-"}:${code ?? "-"}`),
      h("p", { id: "verified" }, String(authz.verified !== false)),
      h("p", { id: "actions" }, on(actions)),
      h("p", { id: "buttons" }, on(buttons)),
      h("p", { id: "claim" }, String(canClaim)),
      h(Can, { operation: "complete", task: TASK, fallback: (why) => h("em", null, `denied:${why.code}`) }, h("button", null, "Complete")),
      h(Can, { operation: "claim", task: TASK }, h("button", null, "Assign to me")),
      h(Can, { button: "complete", task: TASK, fallback: (why) => h("i", null, `hidden:${why.code}:${why.refusedBy}`) }, h("button", null, "Complete task")),
      h(Can, { button: "assignToMe", task: TASK }, h("button", null, "Assign to me (Tasklist)")),
    );
  };
}

