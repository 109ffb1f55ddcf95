// What crosses into wasm memory: tasks as integer records (`TaskRecords`, one per Authorizer) and
// search-response text as UTF-8 (`copyText`).
import * as glue from "../wasm/camunda_authz.js";
import { AuthzError } from "./errors.js";
import { call, memory } from "./module.js";
import { MAX_CANDIDATES, MAX_TASK_CHARS, isKey, keyField, listEntry, listField, listLength, readTask, stringField, taskFields, tooManyChars } from "./task-reader.js";
import type { RawTask } from "./task-reader.js";

// A task crosses into wasm as a record of integers (see `Authorizer::masks_from_records`):
// [key, process, assignee, tenant, state, instance, nUsers, nGroups], then the candidate users
// and groups that the grant set names, as symbols. Strings the grant set does not name are 0,
// except a non-empty assignee (OTHER: someone else may hold the task) and the two states (OTHER:
// not one the core knows); state codes come from the core (`taskStates()` and
// `instanceStates()`: code i + 1 is entry i).
const RECORD_HEADER = 8;
const OTHER = 0xffffffff;
let stateCodes: Map<string, number> | null = null; // Map of state name -> record code, read from the core once
let instanceCodes: Map<string, number> | null = null; // the same for process-instance states
/** `masks` hands records to wasm in chunks of about this many words. */
export const CHUNK_WORDS = 1 << 16;
/** The scratch buffer never holds more: a chunk plus one task with both lists at their bound. */
const MAX_RECORD_WORDS = CHUNK_WORDS + RECORD_HEADER + 2 * MAX_CANDIDATES;
/** A scratch buffer grown past this many words (by a task with huge lists) is released after the call. */
const RELEASE_WORDS = 1 << 18;
/** At most this many tasks in one `filter` or `masks` call. */
const MAX_TASKS = 1 << 24;

function outOfMemory(bytes: number): AuthzError {
  return new AuthzError("ERR_ARGUMENT_INVALID", `camunda-authz cannot reserve ${bytes} bytes of WebAssembly memory for this input`);
}

/** The address of the engine's text buffer, grown to `len` bytes. */
function textBuffer(engine: glue.Engine, len: number): number {
  const ptr = call(() => engine.textBuffer(len));
  if (ptr === 0) throw outOfMemory(len);
  return ptr;
}

/** A list's length as a count of tasks (ToLength, as for candidate lists), within MAX_TASKS. */
export function taskCount(tasks: readonly unknown[]): number {
  const raw = tasks.length;
  let n = typeof raw === "number" ? raw : Number(raw);
  n = n > 0 ? Math.floor(n) : 0;
  if (n > MAX_TASKS) throw new AuthzError("ERR_ARGUMENT_INVALID", `a task list holds at most ${MAX_TASKS} tasks, not ${n}`);
  return n;
}

/**
 * @internal The records of one Authorizer's tasks: its vocabulary (the strings its grant set names, as
 * symbols) and a scratch buffer in wasm memory that `encode` writes and the engine decides.
 */
export class TaskRecords {
  #engine: glue.Engine;
  #syms: Map<string, number>;
  #view: Uint32Array = new Uint32Array(0);
  #fields = taskFields();

  constructor(engine: glue.Engine) {
    this.#engine = engine;
    this.#syms = new Map(engine.vocabulary().map((s, i) => [s, i + 1]));
    stateCodes ??= new Map(glue.taskStates().map((s, i) => [s, i + 1]));
    instanceCodes ??= new Map(glue.instanceStates().map((s, i) => [s, i + 1]));
  }

  /** The scratch view over wasm memory with room for `len` words (re-made when memory moved). */
  #room(len: number): Uint32Array {
    let view = this.#view;
    // When wasm memory grows its old buffer is detached and this view's length drops to 0,
    // so the length test also catches a moved memory (no extra call per task).
    if (view.length < len) {
      if (len > MAX_RECORD_WORDS) throw new AuthzError("ERR_TASK_INVALID", `a task's record needs ${len} words, more than the bound of ${MAX_RECORD_WORDS}`);
      const size = Math.min(Math.max(len, view.length * 2, 256), MAX_RECORD_WORDS);
      const ptr = this.#engine.scratch(size);
      if (ptr === 0) throw outOfMemory(size * 4);
      view = this.#view = new Uint32Array(memory(), ptr, size);
    }
    return view;
  }

  /**
   * Writes the record of one task at `at` (see RECORD_HEADER) and returns its end. `clean`:
   * `Object.prototype` holds no task field (checked once per call, not once per task).
   */
  encode(task: unknown, at: number, clean: boolean): number {
    const f = this.#fields;
    let key: string | null = null, process: string | null = null, assignee: string | null = null, tenant: string | null = null, state: string | null = null, instance: string | null = null;
    let users: readonly unknown[] | null = null, groups: readonly unknown[] | null = null;
    let nUsers = 0, nGroups = 0, chars = 0, proto;
    if (typeof task === "object" && task !== null && ((proto = Object.getPrototypeOf(task)) === null || (proto === Object.prototype && clean)) && (task as RawTask).toJSON === undefined) {
      // The fast path of `readTask` for a plain task (see the top of "Reading tasks"): the
      // fields read directly, strings and arrays inline, any other value through its reader
      // (which counts its characters in `f.chars`).
      f.chars = 0;
      let v: unknown, n: number;
      if ((v = (task as RawTask).userTaskKey) !== undefined) {
        if (typeof v === "string" && isKey(v)) (key = v), (chars += v.length);
        else key = keyField(f, v);
      }
      if ((v = (task as RawTask).processDefinitionId) !== undefined) {
        if (typeof v === "string") (process = v), (chars += v.length);
        else process = stringField(f, v, "processDefinitionId");
      }
      if ((v = (task as RawTask).assignee) !== undefined) {
        if (typeof v === "string") (assignee = v), (chars += v.length);
        else assignee = stringField(f, v, "assignee");
      }
      if ((v = (task as RawTask).tenantId) !== undefined) {
        if (typeof v === "string") (tenant = v), (chars += v.length);
        else tenant = stringField(f, v, "tenantId");
      }
      if ((v = (task as RawTask).state) !== undefined) {
        if (typeof v === "string") (state = v), (chars += v.length);
        else state = stringField(f, v, "state");
      }
      if ((v = (task as RawTask).processInstanceState) !== undefined) {
        if (typeof v === "string") (instance = v), (chars += v.length);
        else instance = stringField(f, v, "processInstanceState");
      }
      if ((v = (task as RawTask).candidateUsers) !== undefined) {
        if (Array.isArray(v) && (v as RawTask).toJSON === undefined && (n = v.length) >>> 0 === n && n <= MAX_CANDIDATES) (users = v), (nUsers = n);
        else nUsers = listLength((users = listField(v, "candidateUsers")), "candidateUsers");
      }
      if ((v = (task as RawTask).candidateGroups) !== undefined) {
        if (Array.isArray(v) && (v as RawTask).toJSON === undefined && (n = v.length) >>> 0 === n && n <= MAX_CANDIDATES) (groups = v), (nGroups = n);
        else nGroups = listLength((groups = listField(v, "candidateGroups")), "candidateGroups");
      }
      chars += f.chars;
    } else {
      readTask(task, f);
      ({ key, process, assignee, tenant, state, instance, users, nUsers, groups, nGroups, chars } = f);
    }
    const syms = this.#syms;
    let view = this.#room(at + RECORD_HEADER);
    view[at] = key === null ? 0 : (syms.get(key) ?? 0);
    view[at + 1] = process === null ? 0 : (syms.get(process) ?? 0);
    view[at + 2] = assignee === null || assignee === "" ? 0 : (syms.get(assignee) ?? OTHER);
    view[at + 3] = tenant === null ? 0 : (syms.get(tenant) ?? 0);
    view[at + 4] = state === null ? 0 : (stateCodes!.get(state) ?? OTHER);
    view[at + 5] = instance === null ? 0 : (instanceCodes!.get(instance) ?? OTHER);
    // Only candidates the grant set names are written (the others can never match). Entries
    // that are not strings go through `listEntry`, which throws or converts them as JSON does.
    let w = at + RECORD_HEADER;
    for (let i = 0; i < nUsers; i++) {
      let u = users![i];
      if (typeof u !== "string") u = listEntry(u, i, "candidateUsers");
      chars += (u as string).length;
      const s = syms.get(u as string);
      if (s !== undefined) {
        if (w >= view.length) view = this.#room(w + 1);
        view[w++] = s;
      }
    }
    const cu = w - at - RECORD_HEADER;
    for (let i = 0; i < nGroups; i++) {
      let g = groups![i];
      if (typeof g !== "string") g = listEntry(g, i, "candidateGroups");
      chars += (g as string).length;
      const s = syms.get(g as string);
      if (s !== undefined) {
        if (w >= view.length) view = this.#room(w + 1);
        view[w++] = s;
      }
    }
    if (chars > MAX_TASK_CHARS) throw tooManyChars();
    if (view.length === 0) view = this.#room(w); // a getter above grew wasm memory: re-make the view
    view[at + 6] = cu;
    view[at + 7] = w - at - RECORD_HEADER - cu;
    return w;
  }

  /** Gives back a scratch buffer that a task with huge lists grew past RELEASE_WORDS. */
  release(): void {
    if (this.#view.length > RELEASE_WORDS) {
      this.#view = new Uint32Array(0);
      this.#engine.releaseScratch();
    }
  }
}

/** @internal `text` as UTF-8 in the engine's text buffer; returns its length in bytes. */
// Room for ASCII first, more only if needed.
export function copyText(engine: glue.Engine, text: string): number {
  const n = text.length;
  const utf8 = (encoder ??= new TextEncoder());
  const at = textBuffer(engine, n); // may grow memory: take the buffer after it
  let { read, written } = utf8.encodeInto(text, new Uint8Array(memory(), at, n));
  if (read < n) {
    // A lone surrogate would reach the core as U+FFFD, which a grant could name: refuse it.
    if (typeof (text as WellFormed).isWellFormed === "function" && !(text as string & Required<WellFormed>).isWellFormed()) {
      throw new AuthzError("ERR_ARGUMENT_INVALID", "the search response holds a lone UTF-16 surrogate, which has no UTF-8 form");
    }
    const room = (n - read) * 3;
    const ptr = textBuffer(engine, written + room);
    written += utf8.encodeInto(text.slice(read), new Uint8Array(memory(), ptr + written, room)).written;
  }
  return written;
}

let encoder: TextEncoder | null = null;

/** `String.prototype.isWellFormed` (ES2024), where the runtime has it. */
type WellFormed = { isWellFormed?: () => boolean };
