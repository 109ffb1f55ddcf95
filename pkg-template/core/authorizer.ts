// The Authorizer: decides user-task operations (`can`, `actions`, `filter`, `masks`, `explain`)
// and any resource (`isAuthorized`) for one verified grant set, locally and synchronously.
import * as glue from "../wasm/camunda_authz.js";
import { buttonName, jsonText, operationBit } from "./arguments.js";
import { AuthzError } from "./errors.js";
import { VerifiedGrants, grantsHandle } from "./grants.js";
import { call, memory, ready } from "./module.js";
import { MAX_TASK_CHARS, objectPrototypeHoldsFields, plainTask, taskError, taskFields } from "./task-reader.js";
import type { Actions, ButtonExplanation, ButtonName, Buttons, Decision, Explanation, GrantSetPayload, Operation, OrOther, PermissionType, ResourceType, Task } from "./types.js";
import { CHUNK_WORDS, TaskRecords, copyText, taskCount } from "./wasm-inputs.js";

/** At most this many characters (UTF-16 code units) in one `filterSearchResponse` text. */
const MAX_RESPONSE_CHARS = 1 << 27;

function reentered(): AuthzError {
  return new AuthzError("ERR_ARGUMENT_INVALID", "a task's getter, proxy trap or toJSON called back into the Authorizer that was reading it");
}

const TRUSTED = Symbol("trusted");

/** The constructor as `fromUnverifiedPayload` calls it: with the engine of a payload it trusts. */
type TrustedConstructor = new (engine: glue.Engine, trusted: typeof TRUSTED) => Authorizer;

/** Decides user-task operations for one verified grant set, locally and synchronously. */
export class Authorizer {
  #engine: glue.Engine;
  #records: TaskRecords;
  /**
   * Counts the calls that write records: a getter, trap or `toJSON` that calls back into this
   * Authorizer while it reads a task overwrites the scratch buffer, and the outer call, seeing
   * the count move, refuses instead of deciding on records it did not write.
   */
  #calls = 0;

  /** @param grants the result of `verifyGrants` */
  constructor(grants: VerifiedGrants);
  // `fromUnverifiedPayload` passes an engine with TRUSTED.
  constructor(grants: VerifiedGrants | glue.Engine, trusted?: typeof TRUSTED) {
    ready();
    if (trusted === TRUSTED) {
      this.#engine = grants as glue.Engine;
    } else if (grants instanceof VerifiedGrants) {
      this.#engine = call(() => glue.Engine.fromGrants(grantsHandle(grants)));
    } else {
      throw new AuthzError(
        "ERR_GRANTS_UNVERIFIED",
        "new Authorizer() takes the result of verifyGrants(); for a payload you trust (tests, the issuing server) use Authorizer.fromUnverifiedPayload()",
      );
    }
    this.#records = new TaskRecords(this.#engine);
  }

  /**
   * An Authorizer from a payload WITHOUT verifying any signature: only for tests and for the
   * trusted server that issues grant sets. A client must use `new Authorizer(verifyGrants(...))`.
   */
  static fromUnverifiedPayload(payload: GrantSetPayload | string): Authorizer {
    const text = jsonText(payload, "ERR_GRANTS_MALFORMED", "the grant-set payload");
    return new (Authorizer as unknown as TrustedConstructor)(call(() => glue.Engine.fromUnverifiedPayload(text), "ERR_GRANTS_MALFORMED"), TRUSTED);
  }

  /** The task's record at the start of the scratch buffer; returns its length in words. */
  #encodeOne(task: unknown): number {
    ready();
    const entry = ++this.#calls;
    let end: number;
    try {
      end = this.#records.encode(task, 0, !objectPrototypeHoldsFields());
    } catch (error) {
      throw taskError(error);
    }
    if (entry !== this.#calls) throw reentered();
    return end;
  }

  #mask(task: unknown): number {
    const mask = this.#engine.maskOne(this.#encodeOne(task)); // infallible: > 0xff means a malformed record
    if (mask > 0xff) throw new AuthzError("ERR_TASK_INVALID", "the task could not be read"); // fail closed
    return mask;
  }

  /** May the principal perform `operation` on `task`. */
  can<T extends Task>(operation: Operation, task: T): boolean {
    const bit = operationBit(operation);
    return (this.#mask(task) & bit) !== 0;
  }

  /** All eight operations for one task. */
  // `{ get, search, getForm, claim, assign, unassign, complete, update }`, from the mask's bits.
  actions<T extends Task>(task: T): Actions {
    const m = this.#mask(task);
    return {
      get: (m & 1) !== 0,
      search: (m & 2) !== 0,
      getForm: (m & 4) !== 0,
      claim: (m & 8) !== 0,
      assign: (m & 16) !== 0,
      unassign: (m & 32) !== 0,
      complete: (m & 64) !== 0,
      update: (m & 128) !== 0,
    };
  }

  /**
   * Camunda Tasklist's buttons on `task` for the principal: each is the cluster's permission for
   * its request (`assignToMe`: claim, `unassign`, `complete`) AND Tasklist's screen rule for it
   * ("Assign to me" only on a task without an assignee; "Unassign" only on an assigned one;
   * "Complete" only for the task's assignee). Use `actions` for what the cluster permits.
   */
  buttons<T extends Task>(task: T): Buttons {
    const m = this.#engine.buttonsOne(this.#encodeOne(task)); // infallible: > 0xff means a malformed record
    if (m > 0xff) throw new AuthzError("ERR_TASK_INVALID", "the task could not be read"); // fail closed
    return { assignToMe: (m & 1) !== 0, unassign: (m & 2) !== 0, complete: (m & 4) !== 0 };
  }

  /** Why Tasklist's `button` is shown on `task` or not: its screen rule first, then its operation (`refusedBy` says which refused). */
  explainButton<T extends Task>(button: ButtonName, task: T): ButtonExplanation {
    const name = buttonName(button);
    return JSON.parse(call(() => this.#engine.explainButton(name, this.#taskText(task)), "ERR_TASK_INVALID"));
  }

  /** The tasks on which `operation` (default `"search"`) is allowed: the same objects, in order. */
  filter<T extends Task>(tasks: readonly T[], operation: Operation = "search"): T[] {
    const bit = operationBit(operation);
    const read: { tasks: T[] | null } = { tasks: null };
    const masks = this.#masks(tasks, read);
    const out: T[] = [];
    for (let i = 0; i < masks.length; i++) if ((masks[i]! & bit) !== 0) out.push(read.tasks![i]!);
    return out;
  }

  /** One actions mask per task (bit i = `OPERATIONS[i]`). */
  // For callers that want every answer at once. Records go to wasm in chunks of about
  // CHUNK_WORDS words, so the scratch buffer stays small whatever the number of tasks; the core
  // must decide every record of a chunk, or the call throws (a mask is never read from a
  // previous call).
  masks<T extends Task>(tasks: readonly T[]): Uint8Array {
    return this.#masks(tasks, null);
  }

  /** `masks`; with `read`, also keeps each task as it was read (once) from `tasks` in `read.tasks`. */
  #masks(tasks: unknown, read: { tasks: unknown[] | null } | null): Uint8Array {
    if (!Array.isArray(tasks)) throw new AuthzError("ERR_TASK_INVALID", `tasks must be an array, not ${tasks === null ? "null" : typeof tasks}`);
    ready();
    const entry = ++this.#calls;
    let first = 0; // the first task of the current chunk
    let end = 0;
    const clean = !objectPrototypeHoldsFields();
    try {
      const n = taskCount(tasks);
      const out = new Uint8Array(n);
      const kept = read === null ? null : (read.tasks = new Array<unknown>(n));
      for (let i = 0; i < n; i++) {
        const task = tasks[i];
        if (kept !== null) kept[i] = task;
        end = this.#records.encode(task, end, clean);
        if (end >= CHUNK_WORDS || i === n - 1) {
          if (entry !== this.#calls) throw reentered();
          this.#decide(out, first, i + 1 - first, end);
          first = i + 1;
          end = 0;
        }
      }
      return out;
    } catch (error) {
      throw taskError(error);
    } finally {
      this.#records.release();
    }
  }

  /** Decides `count` task records (`len` words) in the scratch buffer into `out` at `at`. */
  #decide(out: Uint8Array, at: number, count: number, len: number): void {
    const engine = this.#engine;
    const ptr = call(() => engine.maskMany(len, count), "ERR_TASK_INVALID");
    out.set(new Uint8Array(memory(), ptr, count), at);
  }

  /**
   * A Camunda REST API v2 user-task search response (`POST /v2/user-tasks/search`) as JSON text,
   * returned as JSON text with only the `items` on which `operation` (default `"search"`) is
   * allowed, in order; every other member, page totals included, is left unchanged. Throws
   * `ERR_ARGUMENT_INVALID` when the text is not a JSON object with an `items` array, and
   * `ERR_TASK_INVALID` for an item that is not a valid task.
   */
  // The edge path: the items are kept byte for byte. Page totals (`page.totalItems`, cursors)
  // are NOT adjusted: they still count the unfiltered page, so what to tell the client is the
  // caller's choice. One pass in wasm, no `JSON.parse`. ERR_ARGUMENT_INVALID also for a text
  // longer than MAX_RESPONSE_CHARS; ERR_TASK_INVALID names the item's index.
  filterSearchResponse(responseJson: string, operation: Operation = "search"): string {
    ready();
    operationBit(operation);
    if (typeof responseJson !== "string") {
      throw new AuthzError("ERR_ARGUMENT_INVALID", `a search response must be given as JSON text (a string), not ${responseJson === null ? "null" : typeof responseJson}`);
    }
    const n = responseJson.length;
    if (n > MAX_RESPONSE_CHARS) {
      throw new AuthzError("ERR_ARGUMENT_INVALID", `the search response is ${n} characters, more than the bound of ${MAX_RESPONSE_CHARS}`);
    }
    // UTF-8 straight into a buffer in wasm memory.
    const engine = this.#engine;
    const written = copyText(engine, responseJson);
    return call(() => engine.filterSearchText(operation, written));
  }


  /** The decision with its reason. */
  // `{ allowed, operation, code, reason, grant?, matchedBy?, resourceType?, permissionType? }`.
  explain<T extends Task>(operation: Operation, task: T): Explanation {
    operationBit(operation);
    return JSON.parse(call(() => this.#engine.explain(operation, this.#taskText(task)), "ERR_TASK_INVALID"));
  }

  /** The task's decision fields as JSON text, read as `JSON.stringify` reads them. */
  #taskText(task: unknown): string {
    ready();
    try {
      return JSON.stringify(plainTask(task, taskFields()));
    } catch (error) {
      throw taskError(error);
    }
  }

  /** Any resource: `isAuthorized("PROCESS_DEFINITION", "CREATE_PROCESS_INSTANCE", "invoice")`. */
  isAuthorized(resourceType: OrOther<ResourceType>, permissionType: OrOther<PermissionType>, resourceId: string): boolean {
    resourceArguments(resourceType, permissionType, resourceId);
    return call(() => this.#engine.isAuthorized(resourceType, permissionType, resourceId));
  }

  /** `isAuthorized` with its reason. */
  explainAuthorized(resourceType: OrOther<ResourceType>, permissionType: OrOther<PermissionType>, resourceId: string): Decision {
    resourceArguments(resourceType, permissionType, resourceId);
    return JSON.parse(call(() => this.#engine.explainAuthorized(resourceType, permissionType, resourceId)));
  }

  /** The grant-set payload this Authorizer decides by. */
  get payload(): GrantSetPayload {
    return JSON.parse(call(() => this.#engine.payload()));
  }
}

/** `isAuthorized`'s arguments must be strings (no coercion: `undefined` is not the id "undefined"). */
function resourceArguments(...args: unknown[]): void {
  const names = ["resourceType", "permissionType", "resourceId"];
  for (let i = 0; i < 3; i++) {
    const value = args[i];
    if (typeof value !== "string") throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${names[i]}\` must be a string, not ${value === null ? "null" : typeof value}`);
    if (value.length > MAX_TASK_CHARS) throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${names[i]}\` is ${value.length} characters, more than the bound of ${MAX_TASK_CHARS}`);
  }
}
