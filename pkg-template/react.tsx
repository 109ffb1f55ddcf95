// camunda-authz/react: React 18 and 19 bindings for a grant session. A context holds the session;
// the hooks read it through useSyncExternalStore, so every component re-renders with the same
// grant set when it is renewed (no tearing), and server rendering reads the same snapshot.
// A few lines over the session: every decision is the Authorizer's. Nothing here touches
// `window` at import time.

import { createContext, useCallback, useContext, useMemo, useRef, useSyncExternalStore } from "react";
import type { ReactNode } from "react";
import { AuthzError } from "./index.js";
import type {
  Actions,
  Authorizer,
  ButtonExplanation,
  ButtonName,
  Buttons,
  DeniedAuthorizer,
  DeniedButtonExplanation,
  DeniedExplanation,
  Explanation,
  GrantSession,
  GrantSessionState,
  Operation,
  Task,
} from "./index.js";

const SessionContext = createContext<GrantSession | null>(null);
SessionContext.displayName = "GrantSession";

export interface GrantSessionProviderProps {
  /** From `createGrantSession`; the provider does not close it (whoever made it does). */
  session: GrantSession;
  children?: ReactNode;
}

/** Makes `session` the one the hooks and `<Can>` below it read. */
export function GrantSessionProvider({ session, children }: GrantSessionProviderProps): ReactNode {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

function useSession(hook: string): GrantSession {
  const session = useContext(SessionContext);
  if (session === null) throw new AuthzError("ERR_ARGUMENT_INVALID", `${hook} needs a <GrantSessionProvider session={...}> above it`);
  return session;
}

/** A value of the session that changes only when the session says so. */
function useSessionValue<T>(session: GrantSession, read: (session: GrantSession) => T): T {
  const subscribe = useCallback((onChange: () => void) => session.subscribe(onChange), [session]);
  const snapshot = () => read(session);
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

const readState = (session: GrantSession) => session.state;
const readAuthorizer = (session: GrantSession) => session.authorizer;

/** The session's state (`status`, `code`, `message`, `subject`, `expiresAt`, ...) and the session itself. */
export type GrantSessionView = GrantSessionState & { readonly session: GrantSession };

/** The session's current state; re-renders when it changes. */
export function useGrantSession(): GrantSessionView {
  const session = useSession("useGrantSession()");
  const state = useSessionValue(session, readState);
  return useMemo(() => ({ ...state, session }), [state, session]);
}

/** The current Authorizer, or the fail-closed one while no grant set is valid; re-renders on renewal. */
export function useAuthorizer(): Authorizer | DeniedAuthorizer {
  return useSessionValue(useSession("useAuthorizer()"), readAuthorizer);
}

/**
 * `next` itself, or `previous` when every answer in it is the same: an answer object stays the
 * same object while the decisions do, so it can be a dependency of other hooks.
 */
function useSameAnswers<T extends Record<string, boolean>>(next: T): T {
  const previous = useRef<T | null>(null);
  const held = previous.current;
  if (held !== null && Object.keys(next).every((key) => held[key] === next[key])) return held;
  previous.current = next;
  return next;
}

/**
 * Every operation's answer for `task` under the current grant set (what the cluster would
 * accept; for what Tasklist shows, `useButtons`). Decided from the task's content on every
 * render (a decision takes well under a microsecond), so a task changed in place is decided
 * again; the object stays the same while the answers do.
 */
export function useActions(task: Task): Actions {
  const authorizer = useSessionValue(useSession("useActions()"), readAuthorizer);
  return useSameAnswers(authorizer.actions(task));
}

/**
 * Camunda Tasklist's buttons on `task` for the principal (`assignToMe`, `unassign`, `complete`):
 * each the cluster's permission AND Tasklist's screen rule for it (`Authorizer.buttons`). Decided
 * from the task's content on every render, as `useActions`.
 */
export function useButtons(task: Task): Buttons {
  const authorizer = useSessionValue(useSession("useButtons()"), readAuthorizer);
  return useSameAnswers(authorizer.buttons(task));
}

/** May the principal perform `operation` on `task` now (decided from the task's content on every render). */
export function useCan(operation: Operation, task: Task): boolean {
  const authorizer = useSessionValue(useSession("useCan()"), readAuthorizer);
  return authorizer.can(operation, task);
}

interface CanCommon {
  task: Task;
  /** Shown when allowed. */
  children?: ReactNode;
}

/** `<Can operation="claim">`: what the cluster would accept. */
export interface CanOperationProps extends CanCommon {
  operation: Operation;
  button?: undefined;
  /** Shown when denied; a function gets the explanation (`message` for a person, `code` for a program). */
  fallback?: ReactNode | ((explanation: Explanation | DeniedExplanation) => ReactNode);
}

/** `<Can button="complete">`: what Camunda Tasklist shows (the permission and its screen rule). */
export interface CanButtonProps extends CanCommon {
  button: ButtonName;
  operation?: undefined;
  /** Shown when the button is not; a function gets the explanation (`refusedBy` says which refused). */
  fallback?: ReactNode | ((explanation: ButtonExplanation | DeniedButtonExplanation) => ReactNode);
}

export type CanProps = CanOperationProps | CanButtonProps;

/** Renders `children` when `operation` is allowed on `task` (or Tasklist shows `button`), else `fallback`. */
export function Can(props: CanProps): ReactNode {
  const authorizer = useSessionValue(useSession("<Can>"), readAuthorizer);
  const { task, children } = props;
  if (props.button !== undefined) {
    const { button, fallback = null } = props;
    if (authorizer.buttons(task)[button]) return <>{children}</>;
    return <>{typeof fallback === "function" ? fallback(authorizer.explainButton(button, task)) : fallback}</>;
  }
  const { operation, fallback = null } = props;
  if (authorizer.can(operation, task)) return <>{children}</>;
  return <>{typeof fallback === "function" ? fallback(authorizer.explain(operation, task)) : fallback}</>;
}
