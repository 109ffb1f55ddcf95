// The authorizer a grant session hands out while it holds no valid grant set (still loading, the
// first fetch failed, or the grant set expired): it denies every operation and every resource,
// and its explanations say why, naming the session's error code. It is not an `Authorizer` (so
// `instanceof Authorizer` tells the two apart), has no payload, and cannot be built from one.

import { AuthzError, BUTTONS, OPERATIONS } from "../core/index.js";
import type { Actions, ButtonName, Buttons, DecisionParams, Operation, Task } from "../core/index.js";
import type { SessionErrorCode } from "./errors.js";

/** Why a fail-closed authorizer denied: the session has no valid grant set. */
export type DeniedCode = "no-verified-grants";

/** A decision of a fail-closed authorizer: always a deny. */
export interface DeniedDecision {
  allowed: false;
  code: DeniedCode;
  /** One technical sentence, naming the session's error code when there is one. */
  reason: string;
  /** One short sentence for a person ("Your permissions are still loading."). */
  message: string;
  /** Nothing: no grant set to decide by. */
  params: DecisionParams;
  /** The session's error code (`null` while the first grant set is still loading). */
  error: SessionErrorCode | null;
}

/** `explain`'s answer from a fail-closed authorizer. */
export interface DeniedExplanation extends DeniedDecision {
  operation: Operation;
}

/** `explainButton`'s answer from a fail-closed authorizer (the cluster's permission is unknown). */
export interface DeniedButtonExplanation extends DeniedExplanation {
  button: ButtonName;
  refusedBy: "permission";
}

/**
 * What `session.authorizer` is while the session holds no valid grant set: the same methods as
 * an `Authorizer`, every answer a deny. `verified` is `false` (and `payload` is `null`).
 */
export interface DeniedAuthorizer {
  readonly verified: false;
  /** The session's error code, or `null` while loading. */
  readonly error: SessionErrorCode | null;
  /** Why everything is denied. */
  readonly reason: string;
  readonly payload: null;
  can<T extends Task>(operation: Operation, task: T): false;
  actions<T extends Task>(task: T): Actions;
  filter<T extends Task>(tasks: readonly T[], operation?: Operation): T[];
  masks<T extends Task>(tasks: readonly T[]): Uint8Array;
  explain<T extends Task>(operation: Operation, task: T): DeniedExplanation;
  buttons<T extends Task>(task: T): Buttons;
  explainButton<T extends Task>(button: ButtonName, task: T): DeniedButtonExplanation;
  isAuthorized(resourceType: string, permissionType: string, resourceId: string): false;
  explainAuthorized(resourceType: string, permissionType: string, resourceId: string): DeniedDecision;
  filterSearchResponse(responseJson: string, operation?: Operation): string;
}

const NONE: Actions = Object.freeze({ get: false, search: false, getForm: false, claim: false, assign: false, unassign: false, complete: false, update: false });
const NO_BUTTONS: Buttons = Object.freeze({ assignToMe: false, unassign: false, complete: false });
/** Each button's operation (as `Authorizer.explainButton` reports it). */
const BUTTON_OPERATION: Readonly<Record<ButtonName, Operation>> = Object.freeze({ assignToMe: "claim", unassign: "unassign", complete: "complete" });

function checkOperation(operation: unknown): void {
  if (!(OPERATIONS as readonly unknown[]).includes(operation)) {
    throw new AuthzError("ERR_OPERATION_UNKNOWN", typeof operation === "string" ? `unknown operation \`${operation}\`` : "an operation must be a string");
  }
}

function checkButton(button: unknown): void {
  if (!(BUTTONS as readonly unknown[]).includes(button)) {
    throw new AuthzError("ERR_OPERATION_UNKNOWN", typeof button === "string" ? `unknown button \`${button}\`` : "a button must be a string");
  }
}

/** The short message of a fail-closed decision, from the session's error code. */
function messageOf(error: SessionErrorCode | null): string {
  if (error === null) return "Your permissions are still loading.";
  if (error === "ERR_GRANTS_EXPIRED") return "Your permissions expired and could not be renewed.";
  return "Your permissions could not be loaded.";
}

function checkTask(task: unknown): void {
  if (typeof task !== "object" || task === null || Array.isArray(task)) {
    throw new AuthzError("ERR_TASK_INVALID", `a task must be an object, not ${task === null ? "null" : Array.isArray(task) ? "an array" : typeof task}`);
  }
}

/** A fail-closed authorizer; `reason` should say what the session is missing and why. */
export function deniedAuthorizer(error: SessionErrorCode | null, reason: string): DeniedAuthorizer {
  const message = messageOf(error);
  const decision = (): DeniedDecision => ({ allowed: false, code: "no-verified-grants", reason, message, params: {}, error });
  return Object.freeze({
    verified: false as const,
    error,
    reason,
    payload: null,
    can(operation: Operation, task: Task): false {
      checkOperation(operation);
      checkTask(task);
      return false;
    },
    actions(task: Task): Actions {
      checkTask(task);
      return { ...NONE };
    },
    filter<T extends Task>(tasks: readonly T[], operation: Operation = "search"): T[] {
      checkOperation(operation);
      if (!Array.isArray(tasks)) throw new AuthzError("ERR_TASK_INVALID", "tasks must be an array");
      return [];
    },
    masks(tasks: readonly Task[]): Uint8Array {
      if (!Array.isArray(tasks)) throw new AuthzError("ERR_TASK_INVALID", "tasks must be an array");
      return new Uint8Array(tasks.length);
    },
    explain(operation: Operation, task: Task): DeniedExplanation {
      checkOperation(operation);
      checkTask(task);
      return { ...decision(), operation };
    },
    buttons(task: Task): Buttons {
      checkTask(task);
      return { ...NO_BUTTONS };
    },
    explainButton(button: ButtonName, task: Task): DeniedButtonExplanation {
      checkButton(button);
      checkTask(task);
      return { ...decision(), operation: BUTTON_OPERATION[button], button, refusedBy: "permission" };
    },
    isAuthorized(): false {
      return false;
    },
    explainAuthorized(): DeniedDecision {
      return decision();
    },
    filterSearchResponse(responseJson: string, operation: Operation = "search"): string {
      checkOperation(operation);
      let response: unknown;
      try {
        response = typeof responseJson === "string" ? JSON.parse(responseJson) : undefined;
      } catch {
        response = undefined;
      }
      if (typeof response !== "object" || response === null || !Array.isArray((response as { items?: unknown }).items)) {
        throw new AuthzError("ERR_ARGUMENT_INVALID", "a search response must be the JSON text of an object with an `items` array");
      }
      return JSON.stringify({ ...response, items: [] });
    },
  });
}
