// A small Tasklist: the task list and a task's detail, with the buttons Camunda's Tasklist shows
// (Assign to me, Unassign, Complete task), each shown only when the grant set allows it. The
// grant session keeps the grant set fresh; when none is valid, everything is denied and the
// banner says why. When the cluster refuses an action the grant set allowed (an authorization
// revoked since it was issued), the session renews at once and the button goes, without a reload.

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Can, useAuthorizer, useButtons, useGrantSession } from "camunda-authz/react";
import type { ButtonName } from "camunda-authz";
import { perform, searchTasks, signIn } from "./api.ts";
import type { Persona, TaskAction, UserTask } from "./api.ts";

const time = (d: Date | undefined) => (d === undefined ? "" : d.toISOString().slice(11, 19) + " UTC");

function SessionStatus() {
  const state = useGrantSession();
  const kid = state.session.grants?.header.kid ?? "";
  let text: string;
  // The state is a union on `status`: "verified" always has `subject` and `expiresAt`.
  if (state.status === "loading") text = "Loading your authorizations…";
  else if (state.status === "verified" && state.lastError !== undefined) text = `Server unreachable: keeping ${state.subject}'s grant set (valid until ${time(state.expiresAt)}), retrying at ${time(state.retryAt)}`;
  else if (state.status === "verified") text = `Signed in as ${state.subject} · grant set valid until ${time(state.expiresAt)}`;
  else if (state.code === "ERR_GRANTS_REFUSED") text = `Signed out: the server refused your grant set (HTTP ${state.httpStatus}${state.issuerCode === undefined ? "" : `, ${state.issuerCode}`}). Sign in again.`;
  else text = `No valid grant set (${state.code}): ${state.message}. Every action is hidden until the server answers again.`;
  const tone = state.status === "verified" ? (state.lastError === undefined ? "ok" : "warn") : state.status === "error" ? "bad" : "wait";
  return (
    <p className={`status ${tone}`} role="status" data-testid="session" data-status={state.status} data-code={state.code ?? ""} data-kid={kid} data-expires={state.expiresAt?.toISOString() ?? ""}>
      {text}
    </p>
  );
}

function assigneeLabel(task: UserTask, me: string | undefined): string {
  if (!task.assignee) return "Unassigned";
  return task.assignee === me ? "Assigned to me" : `Assigned to ${task.assignee}`;
}

// Tasklist's buttons, in its order, with the action each one performs.
const BUTTON_ACTIONS: [ButtonName, TaskAction, string][] = [
  ["assignToMe", "claim", "Assign to me"],
  ["unassign", "unassign", "Unassign"],
  ["complete", "complete", "Complete task"],
];

function TaskActions({ task, onAction, busy }: { task: UserTask; onAction: (a: TaskAction) => void; busy: boolean }) {
  // useButtons: what the cluster permits *and* what Tasklist shows (Complete only for the
  // assignee, Assign to me only while nobody holds the task, Unassign only while somebody does).
  const buttons = useButtons(task);
  const authz = useAuthorizer();
  const shown = BUTTON_ACTIONS.filter(([button]) => buttons[button]);
  // The button a person looks for on this task, said in words when it is not there.
  const main: ButtonName = task.assignee ? "complete" : "assignToMe";
  const why = buttons[main] ? undefined : authz.explainButton(main, task);
  return (
    <>
      {shown.length > 0 && (
        <div className="actions" data-testid="actions">
          {shown.map(([button, action, label]) => (
            <button key={button} type="button" className={button === "complete" ? "primary" : "secondary"} disabled={busy} onClick={() => onAction(action)}>
              {label}
            </button>
          ))}
        </div>
      )}
      {why !== undefined && (
        <p className="why" data-testid="why" data-code={why.code} title={why.reason}>
          {why.message}
        </p>
      )}
    </>
  );
}

function TaskDetail({ task, me, onChanged }: { task: UserTask; me: string; onChanged: (note: string) => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [busy, setBusy] = useState(false);
  const { session } = useGrantSession();
  const act = useCallback(
    async (action: TaskAction) => {
      setBusy(true);
      try {
        await perform(session, action, task, me);
        onChanged(action === "claim" ? "Task assigned to you" : action === "unassign" ? "Task unassigned" : "Task completed");
      } catch (error) {
        onChanged(`The server refused: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        setBusy(false);
        heading.current?.focus(); // keep focus in the detail when its buttons change
      }
    },
    [session, task, me, onChanged],
  );
  return (
    <article className="detail" aria-labelledby="detail-title">
      <h2 id="detail-title" ref={heading} tabIndex={-1}>
        {task.name}
      </h2>
      <dl>
        <dt>Process</dt>
        <dd>{task.processName}</dd>
        <dt>Assignee</dt>
        <dd>{assigneeLabel(task, me)}</dd>
        <dt>Candidates</dt>
        <dd>{[...(task.candidateGroups ?? []).map((g) => `group ${g}`), ...(task.candidateUsers ?? [])].join(", ") || "none"}</dd>
        <dt>Created</dt>
        <dd>{task.creationDate.slice(0, 16).replace("T", " ")} UTC</dd>
      </dl>
      <TaskActions task={task} onAction={act} busy={busy} />
      <Can operation="getForm" task={task} fallback={<p className="why">You may not open this task's form.</p>}>
        <p className="form-note">{task.assignee === me ? "The task's form opens here." : task.assignee ? `Only ${task.assignee} can fill in its form now.` : "Assign the task to yourself to fill in its form."}</p>
      </Can>
    </article>
  );
}

export function App({ personas }: { personas: Persona[] }) {
  const { subject, session } = useGrantSession();
  const authz = useAuthorizer();
  const [tasks, setTasks] = useState<UserTask[]>([]);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [note, setNote] = useState("");

  const reload = useCallback(async () => {
    try {
      setTasks(await searchTasks());
    } catch (error) {
      setNote(`Cannot load tasks: ${error instanceof Error ? error.message : String(error)}`);
    }
  }, []);
  useEffect(() => {
    if (subject !== undefined) void reload();
  }, [subject, reload]);
  // The cluster refused what the grant set allowed: the session has renewed it by now; say so.
  useEffect(
    () =>
      session.on("disagreement", (d) => {
        if (!d.after.allowed) setNote(`Camunda refused to ${d.operation} this task: your authorizations changed, and the page now shows what they allow.`);
      }),
    [session],
  );

  // The server already filtered the list; the client's grant set decides what it shows, so an
  // expired grant set hides everything at once.
  const visible = useMemo(() => authz.filter(tasks, "get"), [authz, tasks]);
  const selected = visible.find((t) => t.userTaskKey === selectedKey) ?? visible[0];

  const switchTo = async (id: string) => {
    try {
      await signIn(id);
      await session.refresh({ newLogin: true }); // another person: a grant set for another subject
      setSelectedKey(null);
      setNote("");
    } catch (error) {
      setNote(`Cannot switch: the server is unreachable (${error instanceof Error ? error.message : String(error)}); still signed in as ${subject ?? "nobody"}`);
    }
  };
  const changed = useCallback(
    (text: string) => {
      setNote(text);
      void reload();
    },
    [reload],
  );

  return (
    <div className="app">
      <header>
        <h1>Tasklist</h1>
        <label>
          Signed in as{" "}
          <select value={subject ?? ""} onChange={(e) => void switchTo(e.target.value)} data-testid="persona">
            {personas.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </header>
      <SessionStatus />
      {note !== "" && (
        <p className="note" role="alert">
          {note}
        </p>
      )}
      <main>
        <nav aria-label="Tasks" className="list">
          <h2>
            Tasks <span className="count">{visible.length}</span>
          </h2>
          {visible.length === 0 ? (
            <p className="empty">No tasks you may see.</p>
          ) : (
            <ul>
              {visible.map((task) => (
                <li key={task.userTaskKey}>
                  <button type="button" aria-current={task === selected} onClick={() => setSelectedKey(task.userTaskKey)} data-key={task.userTaskKey}>
                    <span className="name">{task.name}</span>
                    <span className="meta">
                      {task.processName} · {assigneeLabel(task, subject)}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </nav>
        {selected !== undefined && subject !== undefined && <TaskDetail key={selected.userTaskKey} task={selected} me={subject} onChanged={changed} />}
      </main>
    </div>
  );
}
