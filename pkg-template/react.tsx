// camunda-authz/react: React 18 and 19 bindings for a grant session. A context holds the session;
// the hooks read it through useSyncExternalStore, so every component re-renders with the same
// grant set when it is renewed (no tearing), and server rendering reads the same snapshot.
// A few lines over the session: every decision is the Authorizer's. Nothing here touches
// `window` at import time.

import { createContext, useCallback, useContext, useMemo, useSyncExternalStore } from "react";
import type { ReactNode } from "react";
import { AuthzError } from "./index.js";
import type { Actions, Authorizer, DeniedAuthorizer, DeniedExplanation, Explanation, GrantSession, GrantSessionState, Operation, Task } from "./index.js";

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

/** Every operation's answer for `task` under the current grant set. */
export function useActions(task: Task): Actions {
  const authorizer = useSessionValue(useSession("useActions()"), readAuthorizer);
  return useMemo(() => authorizer.actions(task), [authorizer, task]);
}

/** May the principal perform `operation` on `task` now. */
export function useCan(operation: Operation, task: Task): boolean {
  const authorizer = useSessionValue(useSession("useCan()"), readAuthorizer);
  return useMemo(() => authorizer.can(operation, task), [authorizer, operation, task]);
}

export interface CanProps {
  operation: Operation;
  task: Task;
  /** Shown when allowed. */
  children?: ReactNode;
  /** Shown when denied; a function gets the explanation (why it was denied). */
  fallback?: ReactNode | ((explanation: Explanation | DeniedExplanation) => ReactNode);
}

/** Renders `children` when `operation` is allowed on `task`, else `fallback`. */
export function Can({ operation, task, children, fallback = null }: CanProps): ReactNode {
  const authorizer = useSessionValue(useSession("<Can>"), readAuthorizer);
  if (authorizer.can(operation, task)) return <>{children}</>;
  return <>{typeof fallback === "function" ? fallback(authorizer.explain(operation, task)) : fallback}</>;
}
