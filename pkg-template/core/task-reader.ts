// The task reader: a task as `JSON.stringify` sees it, its decision fields checked against the
// bounds before anything is copied into wasm memory.
import * as glue from "../wasm/camunda_authz.js";
import { AuthzError } from "./errors.js";
import type { Thrown } from "./errors.js";
import { call } from "./module.js";

// Every method that takes a task (`can`, `actions`, `filter`, `masks`, `explain`) reads it here,
// as `JSON.stringify` would see it, so that a decision on a task object equals the decision on
// `JSON.parse(JSON.stringify(task))` and on the same task in a search response: the task's (and
// each value's) `toJSON`, boxed primitives unboxed, only own enumerable string-keyed properties
// (never the prototype chain), each field read once, `undefined`, functions and symbols absent
// (null in a list), non-finite numbers null, a list's length as `JSON.stringify` takes it
// (ToLength). The bounds (docs/bounds.md) are checked before anything is copied.
//
// The fast path reads the fields directly, which is what JSON reads when the task is a
// plain object (prototype `Object.prototype`, which holds none of the fields nor `toJSON`, or
// null) without `toJSON`: then a field is either the task's own property or absent. Anything
// else (a class instance, `Object.create(proto)`, a polluted `Object.prototype`, `toJSON`)
// takes the exact path, which walks `Object.keys` as JSON does. The one thing the fast path
// cannot see is an own property made non-enumerable with `Object.defineProperty`: it is read
// (see docs/bounds.md).

/** At most this many entries in one candidate list. */
export const MAX_CANDIDATES = 65536;
/** At most this many characters (UTF-16 code units) in the strings a task's decision reads. */
export const MAX_TASK_CHARS = 1 << 22;

/** The decision fields of a task being read: strings, or null when absent; lists as read, with their lengths. */
export interface TaskFields {
  key: string | null;
  process: string | null;
  assignee: string | null;
  tenant: string | null;
  state: string | null;
  instance: string | null;
  users: readonly unknown[] | null;
  nUsers: number;
  groups: readonly unknown[] | null;
  nGroups: number;
  /** The characters read so far, for MAX_TASK_CHARS. */
  chars: number;
}

/** A task's fields as the readers look them up (any value: the readers check each). */
export interface RawTask {
  readonly userTaskKey?: unknown;
  readonly processDefinitionId?: unknown;
  readonly assignee?: unknown;
  readonly tenantId?: unknown;
  readonly state?: unknown;
  readonly processInstanceState?: unknown;
  readonly candidateUsers?: unknown;
  readonly candidateGroups?: unknown;
  readonly toJSON?: unknown;
}

/** The decision fields of a task being read (each Authorizer reuses one: no allocation per task). */
export function taskFields(): TaskFields {
  return { key: null, process: null, assignee: null, tenant: null, state: null, instance: null, users: null, nUsers: 0, groups: null, nGroups: 0, chars: 0 };
}

/**
 * Reads `task` into `f` (from `taskFields`) on the exact path; throws ERR_TASK_INVALID (with the
 * core's wording) for a task the core would refuse. List entries are read later, once each,
 * through `listEntry`. With `readField`, and the fast path in `Authorizer#encode` (which reads
 * the same fields directly from a plain task), the one place where the fields of a task are
 * read. A new field goes into `taskFields`, `FIELD_NAMES`, `readField`, the fast path,
 * `objectPrototypeHoldsFields`, `plainTask` and the record.
 */
export function readTask(task: unknown, f: TaskFields): TaskFields {
  f.key = f.process = f.assignee = f.tenant = f.state = f.instance = f.users = f.groups = null;
  f.nUsers = f.nGroups = f.chars = 0;
  readTaskExactly(task, f);
  if (f.chars > MAX_TASK_CHARS) throw tooManyChars();
  return f;
}

/** The fields of `task` as `JSON.stringify` walks it: its `toJSON`, then `Object.keys`. */
function readTaskExactly(task: unknown, f: TaskFields): void {
  task = jsonValue(task, "");
  if (typeof task !== "object" || task === null || Array.isArray(task)) throw refused(placeholder(task));
  const names = Object.keys(task);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (FIELD_NAMES.has(name)) readField(f, name, (task as Record<string, unknown>)[name]);
  }
}

const FIELD_NAMES = new Set(["userTaskKey", "processDefinitionId", "assignee", "tenantId", "state", "processInstanceState", "candidateUsers", "candidateGroups"]);

/** Sets field `name` of `f` from the task's `value` (as read, before JSON's conversions). */
function readField(f: TaskFields, name: string, value: unknown): void {
  switch (name) {
    case "userTaskKey":
      f.key = keyField(f, value);
      break;
    case "processDefinitionId":
      f.process = stringField(f, value, name);
      break;
    case "assignee":
      f.assignee = stringField(f, value, name);
      break;
    case "tenantId":
      f.tenant = stringField(f, value, name);
      break;
    case "state":
      f.state = stringField(f, value, name);
      break;
    case "processInstanceState":
      f.instance = stringField(f, value, name);
      break;
    case "candidateUsers":
      f.nUsers = listLength((f.users = listField(value, name)), name);
      break;
    case "candidateGroups":
      f.nGroups = listLength((f.groups = listField(value, name)), name);
      break;
  }
}

/** `userTaskKey`: a decimal string, or null. */
export function keyField(f: TaskFields, value: unknown): string | null {
  const key = stringField(f, value, "userTaskKey");
  if (key !== null && !isKey(key)) throw refusedField("userTaskKey", JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key));
  return key;
}

/** Whether someone added a task field or `toJSON` to `Object.prototype` (prototype pollution). */
export function objectPrototypeHoldsFields(): boolean {
  const p = Object.prototype;
  return "userTaskKey" in p || "processDefinitionId" in p || "assignee" in p || "tenantId" in p || "state" in p || "processInstanceState" in p || "candidateUsers" in p || "candidateGroups" in p || "toJSON" in p;
}

/** A string field's value, or null when JSON would leave it out or make it null. */
export function stringField(f: TaskFields, value: unknown, name: string): string | null {
  if (typeof value === "string") {
    f.chars += value.length;
    return value;
  }
  if (value === undefined || value === null) return null;
  value = jsonValue(value, name);
  if (typeof value === "string") {
    f.chars += value.length;
    return value;
  }
  if (value === null || value === undefined || typeof value === "function" || typeof value === "symbol") return null;
  throw refusedField(name, placeholder(value));
}

/** A candidate list (an array as `Array.isArray` sees it), or null when absent. */
export function listField(value: unknown, name: string): readonly unknown[] | null {
  if (Array.isArray(value) && (value as RawTask).toJSON === undefined) return value;
  if (value === undefined || value === null) return null;
  value = jsonValue(value, name);
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined || typeof value === "function" || typeof value === "symbol") return null;
  throw refusedField(name, placeholder(value));
}

/** A list's length as `JSON.stringify` reads it (ToLength), within MAX_CANDIDATES; 0 for no list. */
export function listLength(list: readonly unknown[] | null, name: string): number {
  if (list === null) return 0;
  const raw = list.length;
  let n = typeof raw === "number" ? raw : Number(raw);
  n = n > 0 ? Math.floor(n) : 0; // NaN, negatives and -0 are 0; fractions are cut
  if (n > MAX_CANDIDATES) {
    throw new AuthzError("ERR_TASK_INVALID", `task field \`${name}\` has ${n} entries, more than the bound of ${MAX_CANDIDATES}`);
  }
  return n;
}

/**
 * Entry `i` of a candidate list as a string (the caller has read `list[i]` as `value`, once,
 * and counts its characters); throws for anything JSON would not make a string.
 */
export function listEntry(value: unknown, i: number, name: string): string {
  if (typeof value !== "string") {
    value = jsonValue(value, String(i));
    if (typeof value !== "string") throw refusedField(name, `[${placeholder(value)}]`);
  }
  return value;
}

export function tooManyChars(): AuthzError {
  return new AuthzError("ERR_TASK_INVALID", `the task's decision fields hold more than ${MAX_TASK_CHARS} characters, the bound`);
}

/** Camunda keys are decimal strings of 1 to 20 digits. */
export function isKey(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** What JSON.stringify serializes for `value` under `key`: its `toJSON` result, then `serialized`. */
function jsonValue(value: unknown, key: string): unknown {
  if ((typeof value === "object" && value !== null) || typeof value === "bigint") {
    const toJSON = (value as RawTask).toJSON;
    if (typeof toJSON === "function") value = toJSON.call(value, key);
  }
  return serialized(value);
}

/** A value as JSON writes it: boxed primitives unboxed, non-finite numbers null, BigInt refused. */
function serialized(value: unknown): unknown {
  if (typeof value === "object" && value !== null) return unbox(value);
  if (typeof value === "bigint") throw new AuthzError("ERR_TASK_INVALID", "a task holds a BigInt, which JSON cannot represent");
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  return value;
}

const toStringTag = Object.prototype.toString;

/**
 * A Number, String, Boolean or BigInt object as its primitive (JSON tests the internal slot;
 * the tag is a cheap first test, so that other objects throw no exception here).
 */
function unbox(value: object): unknown {
  switch (toStringTag.call(value)) {
    case "[object Number]":
      if (hasSlot(Number.prototype.valueOf, value)) return serialized(Number(value));
      break;
    case "[object String]":
      if (hasSlot(String.prototype.valueOf, value)) return String(value);
      break;
    case "[object Boolean]":
      if (hasSlot(Boolean.prototype.valueOf, value)) return Boolean.prototype.valueOf.call(value);
      break;
    case "[object BigInt]":
      if (hasSlot(BigInt.prototype.valueOf, value)) return serialized(BigInt.prototype.valueOf.call(value));
      break;
  }
  return value;
}

function hasSlot(valueOf: () => unknown, value: object): boolean {
  try {
    valueOf.call(value);
    return true;
  } catch {
    return false;
  }
}

/** A small JSON value of the same kind as `value` (already what JSON serializes), for the core's message. */
function placeholder(value: unknown): string {
  switch (typeof value) {
    case "string":
      return '""';
    case "number":
      return "0";
    case "boolean":
      return "true";
    case "object":
      return value === null ? "null" : Array.isArray(value) ? "[]" : "{}";
    default:
      return "null"; // undefined, a function or a symbol: JSON writes nothing, or null in a list
  }
}

/** The core's ERR_TASK_INVALID for a task of the JSON text `text` (small: only the fault). */
function refused(text: string): AuthzError {
  call(() => glue.checkTask(text), "ERR_TASK_INVALID");
  return new AuthzError("ERR_TASK_INVALID", "the task could not be read"); // fail closed
}

function refusedField(name: string, valueText: string): AuthzError {
  return refused(`{"${name}":${valueText}}`);
}

/** A failure while reading a task (a getter, a trap or `toJSON` that threw) as an AuthzError. */
export function taskError(error: unknown): AuthzError {
  if (error instanceof AuthzError) return error;
  return new AuthzError("ERR_TASK_INVALID", `the task could not be read: ${(error as Thrown)?.message ?? error}`, { cause: error });
}

/** The decision fields of a task as a plain object, each list entry read once (for `explain`). */
export function plainTask(task: unknown, f: TaskFields): Record<string, string | string[]> {
  readTask(task, f);
  const out: Record<string, string | string[]> = {};
  if (f.key !== null) out.userTaskKey = f.key;
  if (f.process !== null) out.processDefinitionId = f.process;
  if (f.assignee !== null) out.assignee = f.assignee;
  if (f.tenant !== null) out.tenantId = f.tenant;
  if (f.state !== null) out.state = f.state;
  if (f.instance !== null) out.processInstanceState = f.instance;
  const entries = (list: readonly unknown[], n: number, name: string): string[] => {
    const values: string[] = [];
    for (let i = 0; i < n; i++) {
      const value = listEntry(list[i], i, name);
      if ((f.chars += value.length) > MAX_TASK_CHARS) throw tooManyChars();
      values.push(value);
    }
    return values;
  };
  if (f.users !== null) out.candidateUsers = entries(f.users, f.nUsers, "candidateUsers");
  if (f.groups !== null) out.candidateGroups = entries(f.groups, f.nGroups, "candidateGroups");
  return out;
}