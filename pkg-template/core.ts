// camunda-authz: the JavaScript face of the Rust core. Every JS concern lives here: init, errors,
// and moving tasks across the wasm boundary in bulk. Task strings are interned once per
// Authorizer (a Map from the few strings the grant set names to small integers) and written as
// integer records straight into a scratch buffer in wasm memory; the decision itself is Rust.
// The public types come first: `./x build` emits pkg/core.js and its declarations, pkg/core.d.ts,
// from this file.

// The glue's types are the full build's (`./x build` keeps them in target/ts-glue/, which
// tsconfig's rootDirs merges with this directory); the browser build's stubs take fewer parameters.
import wbgInit, * as glue from "./wasm/camunda_authz.js";

// --- Platform types, taken from the consumer's globals when it has them ---------------------
// The declarations emitted from this file require no DOM or Node.js types: these aliases resolve
// against whatever lib the consumer compiles with.

/**
 * `WebAssembly.Module` where the consumer's lib declares it. Its interface there is empty, so
 * `object` keeps at least strings and numbers out.
 */
type WasmModule = typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M & object : never;
/** `Response` where the consumer's lib declares it (DOM, WebWorker or Node.js types). */
type FetchResponse = typeof globalThis extends { Response: { prototype: infer R } } ? R : never;
/** `Request` where the consumer's lib declares it. */
type FetchRequest = typeof globalThis extends { Request: { prototype: infer R } } ? R : never;
/** `URL` where the consumer's lib declares it. */
type WebURL = typeof globalThis extends { URL: { prototype: infer U } } ? U : never;

/** The module's bytes. */
export type WasmBytes = ArrayBuffer | ArrayBufferView;
/** What `init()` loads the WebAssembly module from. */
export type InitInput = string | WebURL | FetchRequest | FetchResponse | WasmBytes | WasmModule;

// --- Camunda 8.9 model (docs/rules.md in the repository) ------------------------------------

/** The user-task operations, in the order of `OPERATIONS` and of the bits of `masks()`. */
export type Operation = "get" | "search" | "getForm" | "claim" | "assign" | "unassign" | "complete" | "update";

/** Every operation's answer for one task. */
export type Actions = { [K in Operation]: boolean };

/** The resource types the package knows (8.8 to 8.10; `camundaVersion` says which count). */
export type ResourceType =
  | "AUDIT_LOG"
  | "AUTHORIZATION"
  | "BATCH"
  | "CLUSTER_VARIABLE"
  | "COMPONENT"
  | "DECISION_DEFINITION"
  | "DECISION_REQUIREMENTS_DEFINITION"
  | "DOCUMENT"
  | "EXPRESSION"
  | "GLOBAL_LISTENER"
  | "GROUP"
  | "MAPPING_RULE"
  | "MESSAGE"
  | "PROCESS_DEFINITION"
  | "RESOURCE"
  | "ROLE"
  | "SECRET"
  | "SYSTEM"
  | "TENANT"
  | "USER"
  | "USER_TASK";

/** The permission types the package knows (8.8 to 8.10; `camundaVersion` says which count). */
export type PermissionType =
  | "ACCESS"
  | "CANCEL_PROCESS_INSTANCE"
  | "CLAIM"
  | "CLAIM_USER_TASK"
  | "COMPLETE"
  | "COMPLETE_USER_TASK"
  | "CREATE"
  | "CREATE_BATCH_OPERATION_CANCEL_PROCESS_INSTANCE"
  | "CREATE_BATCH_OPERATION_DELETE_DECISION_DEFINITION"
  | "CREATE_BATCH_OPERATION_DELETE_DECISION_INSTANCE"
  | "CREATE_BATCH_OPERATION_DELETE_PROCESS_DEFINITION"
  | "CREATE_BATCH_OPERATION_DELETE_PROCESS_INSTANCE"
  | "CREATE_BATCH_OPERATION_MIGRATE_PROCESS_INSTANCE"
  | "CREATE_BATCH_OPERATION_MODIFY_PROCESS_INSTANCE"
  | "CREATE_BATCH_OPERATION_RESOLVE_INCIDENT"
  | "CREATE_BATCH_OPERATION_SUSPEND_PROCESS_INSTANCE"
  | "CREATE_DECISION_INSTANCE"
  | "CREATE_PROCESS_INSTANCE"
  | "CREATE_TASK_LISTENER"
  | "DELETE"
  | "DELETE_DECISION_INSTANCE"
  | "DELETE_DRD"
  | "DELETE_FORM"
  | "DELETE_PROCESS"
  | "DELETE_PROCESS_INSTANCE"
  | "DELETE_RESOURCE"
  | "DELETE_TASK_LISTENER"
  | "EVALUATE"
  | "MODIFY_PROCESS_INSTANCE"
  | "READ"
  | "READ_DECISION_DEFINITION"
  | "READ_DECISION_INSTANCE"
  | "READ_JOB_METRIC"
  | "READ_PROCESS_DEFINITION"
  | "READ_PROCESS_INSTANCE"
  | "READ_TASK_LISTENER"
  | "READ_USAGE_METRIC"
  | "READ_USER_TASK"
  | "REVEAL"
  | "SUSPEND_PROCESS_INSTANCE"
  | "UPDATE"
  | "UPDATE_PROCESS_INSTANCE"
  | "UPDATE_TASK_LISTENER"
  | "UPDATE_USER_TASK";

/** Who an authorization belongs to. */
export type OwnerType = "USER" | "CLIENT" | "GROUP" | "ROLE" | "MAPPING_RULE";

/** The user-task properties a USER_TASK authorization can be scoped by. */
export type TaskProperty = "assignee" | "candidateUsers" | "candidateGroups";

/**
 * A known name, or any other string: newer Camunda versions add types, and an unknown one never
 * grants anything and never makes a grant set unreadable.
 */
export type OrOther<Known extends string> = Known | (string & {});

interface AuthorizationCommon {
  /** Kept for explanations when the REST API returned it. */
  authorizationKey?: string;
  ownerType: OrOther<OwnerType>;
  ownerId: string;
  resourceType: OrOther<ResourceType>;
  permissionTypes: readonly OrOther<PermissionType>[];
}

/** An authorization on one resource id, or on every one with `"*"`. */
export interface ResourceIdAuthorization extends AuthorizationCommon {
  resourceId: string;
  resourcePropertyName?: "" | null;
}

/** A USER_TASK authorization scoped by a task property. */
export interface PropertyAuthorization extends AuthorizationCommon {
  resourcePropertyName: OrOther<TaskProperty>;
  resourceId?: "" | null;
}

/**
 * One authorization, as Camunda's REST API v2 returns it from `/v2/authorizations/search`:
 * exactly one of `resourceId` and `resourcePropertyName`.
 */
export type Authorization = ResourceIdAuthorization | PropertyAuthorization;

/** Who the grant set is for, with effective groups, roles, tenants and mapping rules. */
export interface Principal {
  type: "USER" | "CLIENT";
  /** The username (USER) or client id (CLIENT). */
  id: string;
  /** Group ids. */
  groups?: readonly string[];
  roles?: readonly string[];
  tenants?: readonly string[];
  mappingRules?: readonly string[];
}

/** The payload of a signed grant set. Unknown fields are ignored. */
export interface GrantSetPayload {
  iss?: string;
  aud?: string | readonly string[];
  sub?: string;
  /** Seconds since the epoch. */
  iat?: number;
  /** Seconds since the epoch; required. */
  exp: number;
  nbf?: number;
  jti?: string;
  /** The grant-set format version. */
  ver: 1;
  camundaVersion?: string;
  /** `false`: every operation is allowed. */
  authorizationsEnabled: boolean;
  /** `true`: a task outside the principal's tenants is denied. */
  multiTenancyEnabled?: boolean;
  principal: Principal;
  authorizations?: readonly Authorization[];
}

/** What `signGrants` takes: a payload whose `exp` and `ver` it may fill in. */
export type GrantSetInput = Omit<GrantSetPayload, "exp" | "ver"> & { exp?: number; ver?: 1 };

/**
 * A Camunda REST API v2 user task (`/v2/user-tasks/search` items). Only these fields are read;
 * any others are ignored and left untouched. Keys are decimal strings. A missing, `null` or
 * `undefined` field counts as absent, so the `UserTask` types of Camunda's own schemas
 * (`@camunda/camunda-api-zod-schemas`, 8.8: optional fields; 8.9 and later: nullable ones) fit
 * unchanged, with or without `exactOptionalPropertyTypes`.
 */
export interface Task {
  userTaskKey?: string | null | undefined;
  processDefinitionId?: string | null | undefined;
  assignee?: string | null | undefined;
  candidateUsers?: readonly string[] | null | undefined;
  candidateGroups?: readonly string[] | null | undefined;
  tenantId?: string | null | undefined;
  /** One of Camunda's `UserTaskStateEnum` values; absent counts as `CREATED`. */
  state?: string | null | undefined;
}

// --- Decisions ------------------------------------------------------------------------------

/**
 * Why a decision came out as it did, for programs (`reason` says it for people). A denial names
 * the first step that refuses, in this order: `tenant-not-assigned`, `no-grant`,
 * `task-not-active` (the task is not in state `CREATED`), `assigned-to-other` (a claim of a task
 * assigned to someone else).
 */
export type ReasonCode =
  | "granted"
  | "authorizations-disabled"
  | "tenant-not-assigned"
  | "no-grant"
  | "task-not-active"
  | "assigned-to-other";

/** What made the deciding grant apply. */
export type MatchedBy =
  | "resourceId"
  | "processDefinitionId"
  | "userTaskKey"
  | "wildcard"
  | "assignee"
  | "candidateUsers"
  | "candidateGroups";

/** A decision with its reason (`isAuthorized`'s, through `explainAuthorized`). */
export interface Decision {
  allowed: boolean;
  code: ReasonCode;
  /** One sentence for people. */
  reason: string;
  /** The authorization that granted it. */
  grant?: Authorization;
  matchedBy?: MatchedBy;
  resourceType?: ResourceType;
  permissionType?: PermissionType;
}

/** A user-task decision with its reason (`explain`'s). */
export interface Explanation extends Decision {
  operation: Operation;
}

// --- Errors ---------------------------------------------------------------------------------

/** The stable codes of `AuthzError` (see README). */
export type ErrorCode =
  | "ERR_INIT"
  | "ERR_ARGUMENT_INVALID"
  | "ERR_GRANTS_MALFORMED"
  | "ERR_GRANTS_TOO_LARGE"
  | "ERR_GRANTS_ALG"
  | "ERR_GRANTS_TYP"
  | "ERR_GRANTS_KEY_NOT_FOUND"
  | "ERR_GRANTS_SIGNATURE"
  | "ERR_GRANTS_EXPIRED"
  | "ERR_GRANTS_NOT_YET_VALID"
  | "ERR_GRANTS_ISSUER"
  | "ERR_GRANTS_AUDIENCE"
  | "ERR_GRANTS_UNVERIFIED"
  | "ERR_GRANTS_UNAVAILABLE"
  | "ERR_JWKS_INVALID"
  | "ERR_JWKS_UNAVAILABLE"
  | "ERR_KEY_INVALID"
  | "ERR_TASK_INVALID"
  | "ERR_OPERATION_UNKNOWN"
  | "ERR_UNSUPPORTED"
  | "ERR_ISSUER_AUTH"
  | "ERR_ISSUER_PRINCIPAL"
  | "ERR_ISSUER_UPSTREAM";

// --- Keys and grant sets --------------------------------------------------------------------

/** A public key in a JWKS (RFC 7517). Keys other than Ed25519 signature keys are skipped. */
export interface PublicJwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: readonly string[];
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  x5u?: string;
  x5c?: readonly string[];
  x5t?: string;
  "x5t#S256"?: string;
  /** A JWKS is published: private key material in it is refused (`ERR_JWKS_INVALID`). */
  d?: never;
}

/** An Ed25519 public key as a JWK (RFC 8037). */
export interface Ed25519PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid?: string;
  alg?: "EdDSA";
  use?: "sig";
}

/** An Ed25519 private key as a JWK (RFC 8037). Keep it on the server. */
export interface Ed25519PrivateJwk extends Ed25519PublicJwk {
  d: string;
}

/** A JWK Set: the issuer's public keys. */
export interface Jwks {
  keys: readonly PublicJwk[];
}

/** What `generateSigningKey` returns. */
export interface SigningKey {
  kid: string;
  /** Keep it on the server. */
  privateJwk: Ed25519PrivateJwk & { kid: string; alg: "EdDSA"; use: "sig" };
  publicJwk: Ed25519PublicJwk & { kid: string; alg: "EdDSA"; use: "sig" };
  /** `{ keys: [publicJwk] }`, ready to publish. */
  jwks: { keys: [Ed25519PublicJwk & { kid: string; alg: "EdDSA"; use: "sig" }] };
}

/** The protected header of a verified grant set. */
export interface GrantSetHeader {
  alg: "EdDSA";
  typ: "camunda-grants+jwt";
  kid: string;
  crit?: null;
}

/** Options of `verifyGrants`. */
export interface VerifyOptions {
  /** The expected `iss` (required); `null` skips the issuer check on purpose. */
  issuer: string | null;
  /** The expected `aud`, one of which must be in the token's (required); `null` skips the audience check on purpose. */
  audience: string | readonly string[] | null;
  /** The current time, in seconds since the epoch or as a Date (default: the clock). */
  now?: number | Date;
  /** Seconds of leeway for `exp` and `nbf`: 0 to 3600 (default 0). */
  clockTolerance?: number;
  /** The size bound, checked before the token is copied or parsed: 0 to 64 MiB (default 1 MiB). */
  maxTokenBytes?: number;
}

/** Options of `signGrants`. */
export interface SignOptions {
  /** Seconds: sets `iat` = now and `exp` = now + ttl (default: keep `exp`, or 900 s). */
  ttl?: number;
  /** Sets `iss`. */
  issuer?: string;
  /** Sets `aud`. */
  audience?: string | readonly string[];
  /** The current time, in seconds since the epoch or as a Date (default: the clock). */
  now?: number | Date;
}

/** What `inspectGrants` returns: the token decoded, NOT verified. */
export interface InspectedGrants {
  header: { readonly [member: string]: unknown };
  /** Whatever JSON the payload holds; nothing about it is checked. */
  payload: unknown;
  verified: false;
}


// --- Errors and loading ---------------------------------------------------------------------

/** An error with a stable `code` (see README). A deny is an answer, never an AuthzError. */
export class AuthzError extends Error {
  override readonly name = "AuthzError";
  declare readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** What a caught value may hold: anything, read for its `message` when it has one. */
type Thrown = { message?: unknown; code?: unknown } | null | undefined;

let wasm: glue.InitOutput | null = null; // the instance's exports once initialized
let starting: Promise<void> | null = null;

/**
 * Loads the WebAssembly module. Harmless to call again, and concurrent calls share one load.
 * Without an argument it finds the `.wasm` next to the glue through `import.meta.url` (bundlers
 * such as Vite and webpack follow that reference and emit the file); it also accepts a URL, the
 * bytes, a `Response` (or a promise of one) or a compiled `WebAssembly.Module`, as workerd and
 * Vercel Edge import it. The Node.js, Deno, workerd and Vercel Edge entries load it on import,
 * so there `init()` resolves at once.
 */
export default async function init(input?: InitInput | Promise<InitInput>): Promise<void> {
  if (wasm !== null) return;
  starting ??= load(input).then(
    (exports) => {
      wasm = exports;
    },
    (error) => {
      starting = null;
      throw initError(error);
    },
  );
  await starting;
}
export { init };

/** Awaits a promised input (such as an unawaited `fetch()`) before handing it on. */
async function load(input: InitInput | Promise<InitInput> | undefined): Promise<glue.InitOutput> {
  const value = sameRealmModule(await input);
  return wbgInit(value === undefined ? undefined : { module_or_path: value as glue.InitInput });
}

/**
 * Loads the module synchronously from its bytes or a compiled `WebAssembly.Module`. Harmless to
 * call again. In a browser, prefer `await init()`: it compiles while the bytes download, off the
 * main thread.
 */
export function initSync(input: WasmBytes | WasmModule): void {
  if (wasm !== null) return;
  if (starting !== null) {
    throw new AuthzError("ERR_INIT", "`init()` is already loading the module: await it instead of calling `initSync()`");
  }
  try {
    wasm = glue.initSync({ module: sameRealmModule(input) as glue.SyncInitInput });
  } catch (error) {
    throw initError(error);
  }
}

function initError(error: unknown): AuthzError {
  return new AuthzError(
    "ERR_INIT",
    `cannot load the camunda-authz WebAssembly module: ${(error as Thrown)?.message ?? error} (pass the module to init(): a URL, its bytes, a Response or a WebAssembly.Module)`,
    { cause: error },
  );
}

/**
 * A `WebAssembly.Module` compiled in another realm (a sandbox that injects the module, as
 * Next.js's edge runtime does) fails the glue's `instanceof` test and would be taken for bytes;
 * give it this realm's prototype. Anything else passes through unchanged.
 */
function sameRealmModule<T>(input: T): T {
  if (
    typeof input === "object" &&
    input !== null &&
    !(input instanceof WebAssembly.Module) &&
    Object.prototype.toString.call(input) === "[object WebAssembly.Module]"
  ) {
    Object.setPrototypeOf(input, WebAssembly.Module.prototype);
  }
  return input;
}

/** Diagnostics: the size of the module's linear memory in bytes (0 before init). */
export function wasmMemoryBytes(): number {
  return wasm === null ? 0 : wasm.memory.buffer.byteLength;
}

function ready(): void {
  if (wasm === null) {
    throw new AuthzError("ERR_INIT", "camunda-authz is not initialized: call `await init()` first (the Node.js, Deno, workerd and Vercel Edge entries do it on import)");
  }
}

/**
 * Runs a call into wasm. The core's errors (thrown by `into_error` in src/wasm.rs, named
 * `AuthzError`) keep their code; anything else (an allocation the engine refused, a string too
 * long for the runtime, a bug) becomes an AuthzError with `code`, the caller's documented code
 * for its input, so no foreign code such as Node's `ERR_STRING_TOO_LONG` reaches the caller.
 */
function call<R>(fn: () => R, code: ErrorCode = "ERR_ARGUMENT_INVALID"): R {
  ready();
  try {
    return fn();
  } catch (error) {
    throw asAuthzError(error, code);
  }
}

function asAuthzError(error: unknown, code: ErrorCode): AuthzError {
  if (error instanceof AuthzError) return error;
  // The core's codes are ErrorCode values (src/wasm.rs).
  if (error instanceof Error && error.name === "AuthzError" && typeof (error as Error & Thrown).code === "string") return new AuthzError((error as Error & { code: ErrorCode }).code, error.message);
  return new AuthzError(code, `camunda-authz could not complete the call: ${(error as Thrown)?.message ?? error}`, { cause: error });
}

/** The user-task operations, in mask-bit order. */
export const OPERATIONS = Object.freeze(["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"] as const satisfies readonly Operation[]);
const OPERATION_BIT = new Map<string, number>(OPERATIONS.map((op, i) => [op, 1 << i]));

function operationBit(op: unknown): number {
  const bit = OPERATION_BIT.get(op as string);
  if (bit !== undefined) return bit;
  if (typeof op !== "string") throw new AuthzError("ERR_OPERATION_UNKNOWN", `an operation must be a string, not ${op === null ? "null" : typeof op}`);
  if (op.length > 64) throw new AuthzError("ERR_OPERATION_UNKNOWN", `unknown operation \`${op.slice(0, 64)}…\``);
  call(() => glue.checkOperation(op), "ERR_OPERATION_UNKNOWN");
  throw new AuthzError("ERR_OPERATION_UNKNOWN", `unknown operation \`${op}\``);
}

/** `JSON.stringify`, with a failure (a cycle, a BigInt) thrown as an AuthzError with `code`. */
function stringify(value: unknown, code: ErrorCode, what: string): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new AuthzError(code, `${what} is not JSON data: ${(error as Thrown)?.message ?? error}`, { cause: error });
  }
}

/**
 * JSON text for the core: strings pass as they are (already JSON), anything else is stringified;
 * at most `max` characters (so that nothing larger is copied into wasm memory).
 */
function jsonText(value: unknown, code: ErrorCode, what: string, max = MAX_PAYLOAD_CHARS): string {
  const text = typeof value === "string" ? value : stringify(value, code, what);
  if (text === undefined) throw new AuthzError(code, `${what} is not JSON data`);
  if (text.length > max) throw new AuthzError(code, `${what} is ${text.length} characters, more than the bound of ${max}`);
  return text;
}

/** At most this many characters in a payload or private key given to `signGrants` or `fromUnverifiedPayload`. */
const MAX_PAYLOAD_CHARS = 1 << 26;

// --- Reading tasks ---------------------------------------------------------------------------
// Every method that takes a task (`can`, `actions`, `filter`, `masks`, `explain`) reads it here,
// as `JSON.stringify` would see it, so that a decision on a task object equals the decision on
// `JSON.parse(JSON.stringify(task))` and on the same task in a search response: the task's (and
// each value's) `toJSON`, boxed primitives unboxed, only own enumerable string-keyed properties
// (never the prototype chain), each field read once, `undefined`, functions and symbols absent
// (null in a list), non-finite numbers null, a list's length as `JSON.stringify` takes it
// (ToLength). The bounds (docs/bounds.md) are checked before anything is copied.
//
// The fast path reads the six fields directly, which is what JSON reads when the task is a
// plain object (prototype `Object.prototype`, which holds none of the fields nor `toJSON`, or
// null) without `toJSON`: then a field is either the task's own property or absent. Anything
// else (a class instance, `Object.create(proto)`, a polluted `Object.prototype`, `toJSON`)
// takes the exact path, which walks `Object.keys` as JSON does. The one thing the fast path
// cannot see is an own property made non-enumerable with `Object.defineProperty`: it is read
// (see docs/bounds.md).

/** At most this many entries in one candidate list. */
const MAX_CANDIDATES = 65536;
/** At most this many characters (UTF-16 code units) in the strings a task's decision reads. */
const MAX_TASK_CHARS = 1 << 22;

/** The decision fields of a task being read: strings, or null when absent; lists as read, with their lengths. */
interface TaskFields {
  key: string | null;
  process: string | null;
  assignee: string | null;
  tenant: string | null;
  state: string | null;
  users: readonly unknown[] | null;
  nUsers: number;
  groups: readonly unknown[] | null;
  nGroups: number;
  /** The characters read so far, for MAX_TASK_CHARS. */
  chars: number;
}

/** A task's fields as the readers look them up (any value: the readers check each). */
interface RawTask {
  readonly userTaskKey?: unknown;
  readonly processDefinitionId?: unknown;
  readonly assignee?: unknown;
  readonly tenantId?: unknown;
  readonly state?: unknown;
  readonly candidateUsers?: unknown;
  readonly candidateGroups?: unknown;
  readonly toJSON?: unknown;
}

/** The decision fields of a task being read (each Authorizer reuses one: no allocation per task). */
function taskFields(): TaskFields {
  return { key: null, process: null, assignee: null, tenant: null, state: null, users: null, nUsers: 0, groups: null, nGroups: 0, chars: 0 };
}

/**
 * Reads `task` into `f` (from `taskFields`) on the exact path; throws ERR_TASK_INVALID (with the
 * core's wording) for a task the core would refuse. List entries are read later, once each,
 * through `listEntry`. With `readField`, and the fast path in `Authorizer#encode` (which reads
 * the same fields directly from a plain task), the one place where the fields of a task are
 * read. A new field goes into `taskFields`, `FIELD_NAMES`, `readField`, the fast path,
 * `objectPrototypeHoldsFields`, `plainTask` and the record.
 */
function readTask(task: unknown, f: TaskFields): TaskFields {
  f.key = f.process = f.assignee = f.tenant = f.state = f.users = f.groups = null;
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

const FIELD_NAMES = new Set(["userTaskKey", "processDefinitionId", "assignee", "tenantId", "state", "candidateUsers", "candidateGroups"]);

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
    case "candidateUsers":
      f.nUsers = listLength((f.users = listField(value, name)), name);
      break;
    case "candidateGroups":
      f.nGroups = listLength((f.groups = listField(value, name)), name);
      break;
  }
}

/** `userTaskKey`: a decimal string, or null. */
function keyField(f: TaskFields, value: unknown): string | null {
  const key = stringField(f, value, "userTaskKey");
  if (key !== null && !isKey(key)) throw refusedField("userTaskKey", JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key));
  return key;
}

/** Whether someone added a task field or `toJSON` to `Object.prototype` (prototype pollution). */
function objectPrototypeHoldsFields(): boolean {
  const p = Object.prototype;
  return "userTaskKey" in p || "processDefinitionId" in p || "assignee" in p || "tenantId" in p || "state" in p || "candidateUsers" in p || "candidateGroups" in p || "toJSON" in p;
}

/** A string field's value, or null when JSON would leave it out or make it null. */
function stringField(f: TaskFields, value: unknown, name: string): string | null {
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
function listField(value: unknown, name: string): readonly unknown[] | null {
  if (Array.isArray(value) && (value as RawTask).toJSON === undefined) return value;
  if (value === undefined || value === null) return null;
  value = jsonValue(value, name);
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined || typeof value === "function" || typeof value === "symbol") return null;
  throw refusedField(name, placeholder(value));
}

/** A list's length as `JSON.stringify` reads it (ToLength), within MAX_CANDIDATES; 0 for no list. */
function listLength(list: readonly unknown[] | null, name: string): number {
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
function listEntry(value: unknown, i: number, name: string): string {
  if (typeof value !== "string") {
    value = jsonValue(value, String(i));
    if (typeof value !== "string") throw refusedField(name, `[${placeholder(value)}]`);
  }
  return value;
}

function tooManyChars(): AuthzError {
  return new AuthzError("ERR_TASK_INVALID", `the task's decision fields hold more than ${MAX_TASK_CHARS} characters, the bound`);
}

/** Camunda keys are decimal strings of 1 to 20 digits. */
function isKey(s: string): boolean {
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
function taskError(error: unknown): AuthzError {
  if (error instanceof AuthzError) return error;
  return new AuthzError("ERR_TASK_INVALID", `the task could not be read: ${(error as Thrown)?.message ?? error}`, { cause: error });
}

/** The decision fields of a task as a plain object, each list entry read once (for `explain`). */
function plainTask(task: unknown, f: TaskFields): Record<string, string | string[]> {
  readTask(task, f);
  const out: Record<string, string | string[]> = {};
  if (f.key !== null) out.userTaskKey = f.key;
  if (f.process !== null) out.processDefinitionId = f.process;
  if (f.assignee !== null) out.assignee = f.assignee;
  if (f.tenant !== null) out.tenantId = f.tenant;
  if (f.state !== null) out.state = f.state;
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

// --- Task records ----------------------------------------------------------------------------
// A task crosses into wasm as a record of integers (see `Authorizer::masks_from_records`):
// [key, process, assignee, tenant, state, nUsers, nGroups], then the candidate users and groups
// that the grant set names, as symbols. Strings the grant set does not name are 0, except a
// non-empty assignee (OTHER: someone else may hold the task) and a state (OTHER: not one the
// core knows); state codes come from the core (`taskStates()`: code i + 1 is entry i).
const RECORD_HEADER = 7;
const OTHER = 0xffffffff;
let stateCodes: Map<string, number> | null = null; // Map of state name -> record code, read from the core once
/** `masks` hands records to wasm in chunks of about this many words. */
const CHUNK_WORDS = 1 << 16;
/** The scratch buffer never holds more: a chunk plus one task with both lists at their bound. */
const MAX_RECORD_WORDS = CHUNK_WORDS + RECORD_HEADER + 2 * MAX_CANDIDATES;
/** A scratch buffer grown past this many words (by a task with huge lists) is released after the call. */
const RELEASE_WORDS = 1 << 18;
/** At most this many tasks in one `filter` or `masks` call. */
const MAX_TASKS = 1 << 24;
/** At most this many characters (UTF-16 code units) in one `filterSearchResponse` text. */
const MAX_RESPONSE_CHARS = 1 << 27;

function reentered(): AuthzError {
  return new AuthzError("ERR_ARGUMENT_INVALID", "a task's getter, proxy trap or toJSON called back into the Authorizer that was reading it");
}

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
function taskCount(tasks: readonly unknown[]): number {
  const raw = tasks.length;
  let n = typeof raw === "number" ? raw : Number(raw);
  n = n > 0 ? Math.floor(n) : 0;
  if (n > MAX_TASKS) throw new AuthzError("ERR_ARGUMENT_INVALID", `a task list holds at most ${MAX_TASKS} tasks, not ${n}`);
  return n;
}

const TRUSTED = Symbol("trusted");

/** The constructor as `fromUnverifiedPayload` calls it: with the engine of a payload it trusts. */
type TrustedConstructor = new (engine: glue.Engine, trusted: typeof TRUSTED) => Authorizer;

/** Decides user-task operations for one verified grant set, locally and synchronously. */
export class Authorizer {
  #engine: glue.Engine;
  #syms: Map<string, number>;
  #view: Uint32Array = new Uint32Array(0);
  #fields = taskFields();
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
    this.#syms = new Map(this.#engine.vocabulary().map((s, i) => [s, i + 1]));
    stateCodes ??= new Map(glue.taskStates().map((s, i) => [s, i + 1]));
  }

  /**
   * An Authorizer from a payload WITHOUT verifying any signature: only for tests and for the
   * trusted server that issues grant sets. A client must use `new Authorizer(verifyGrants(...))`.
   */
  static fromUnverifiedPayload(payload: GrantSetPayload | string): Authorizer {
    const text = jsonText(payload, "ERR_GRANTS_MALFORMED", "the grant-set payload");
    return new (Authorizer as unknown as TrustedConstructor)(call(() => glue.Engine.fromUnverifiedPayload(text), "ERR_GRANTS_MALFORMED"), TRUSTED);
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
      view = this.#view = new Uint32Array(wasm!.memory.buffer, ptr, size);
    }
    return view;
  }

  /**
   * Writes the record of one task at `at` (see RECORD_HEADER) and returns its end. `clean`:
   * `Object.prototype` holds no task field (checked once per call, not once per task).
   */
  #encode(task: unknown, at: number, clean: boolean): number {
    const f = this.#fields;
    let key: string | null = null, process: string | null = null, assignee: string | null = null, tenant: string | null = null, state: string | null = null;
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
      ({ key, process, assignee, tenant, state, users, nUsers, groups, nGroups, chars } = f);
    }
    const syms = this.#syms;
    let view = this.#room(at + RECORD_HEADER);
    view[at] = key === null ? 0 : (syms.get(key) ?? 0);
    view[at + 1] = process === null ? 0 : (syms.get(process) ?? 0);
    view[at + 2] = assignee === null || assignee === "" ? 0 : (syms.get(assignee) ?? OTHER);
    view[at + 3] = tenant === null ? 0 : (syms.get(tenant) ?? 0);
    view[at + 4] = state === null ? 0 : (stateCodes!.get(state) ?? OTHER);
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
    view[at + 5] = cu;
    view[at + 6] = w - at - RECORD_HEADER - cu;
    return w;
  }

  #mask(task: unknown): number {
    ready();
    const entry = ++this.#calls;
    let end: number;
    try {
      end = this.#encode(task, 0, !objectPrototypeHoldsFields());
    } catch (error) {
      throw taskError(error);
    }
    if (entry !== this.#calls) throw reentered();
    const mask = this.#engine.maskOne(end); // infallible: > 0xff means a malformed record
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
        end = this.#encode(task, end, clean);
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
      if (this.#view.length > RELEASE_WORDS) {
        this.#view = new Uint32Array(0);
        this.#engine.releaseScratch();
      }
    }
  }

  /** Decides `count` task records (`len` words) in the scratch buffer into `out` at `at`. */
  #decide(out: Uint8Array, at: number, count: number, len: number): void {
    const engine = this.#engine;
    const ptr = call(() => engine.maskMany(len, count), "ERR_TASK_INVALID");
    out.set(new Uint8Array(wasm!.memory.buffer, ptr, count), at);
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
    // UTF-8 straight into a buffer in wasm memory: room for ASCII first, more only if needed.
    const engine = this.#engine;
    const utf8 = (Authorizer.#utf8 ??= new TextEncoder());
    const at = textBuffer(engine, n); // may grow memory: take the buffer after it
    let { read, written } = utf8.encodeInto(responseJson, new Uint8Array(wasm!.memory.buffer, at, n));
    if (read < n) {
      // A lone surrogate would reach the core as U+FFFD, which a grant could name: refuse it.
      if (typeof (responseJson as WellFormed).isWellFormed === "function" && !(responseJson as string & Required<WellFormed>).isWellFormed()) {
        throw new AuthzError("ERR_ARGUMENT_INVALID", "the search response holds a lone UTF-16 surrogate, which has no UTF-8 form");
      }
      const room = (n - read) * 3;
      const ptr = textBuffer(engine, written + room);
      written += utf8.encodeInto(responseJson.slice(read), new Uint8Array(wasm!.memory.buffer, ptr + written, room)).written;
    }
    return call(() => engine.filterSearchText(operation, written));
  }

  static #utf8: TextEncoder | null = null;

  /** The decision with its reason. */
  // `{ allowed, operation, code, reason, grant?, matchedBy?, resourceType?, permissionType? }`.
  explain<T extends Task>(operation: Operation, task: T): Explanation {
    operationBit(operation);
    ready();
    let text: string;
    try {
      text = JSON.stringify(plainTask(task, taskFields()));
    } catch (error) {
      throw taskError(error);
    }
    return JSON.parse(call(() => this.#engine.explain(operation, text), "ERR_TASK_INVALID"));
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

/** `String.prototype.isWellFormed` (ES2024), where the runtime has it. */
type WellFormed = { isWellFormed?: () => boolean };

/** `isAuthorized`'s arguments must be strings (no coercion: `undefined` is not the id "undefined"). */
function resourceArguments(...args: unknown[]): void {
  const names = ["resourceType", "permissionType", "resourceId"];
  for (let i = 0; i < 3; i++) {
    const value = args[i];
    if (typeof value !== "string") throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${names[i]}\` must be a string, not ${value === null ? "null" : typeof value}`);
    if (value.length > MAX_TASK_CHARS) throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${names[i]}\` is ${value.length} characters, more than the bound of ${MAX_TASK_CHARS}`);
  }
}

// --- Signed grant sets ---------------------------------------------------------------------

const HANDLE = Symbol("handle");
let grantsHandle: (grants: VerifiedGrants) => glue.Grants; // set by VerifiedGrants' static block: reads the private handle
let verifiedGrants: (handle: glue.Grants) => VerifiedGrants; // set there too: calls the private constructor

/** A grant set whose signature and claims verified. Only `verifyGrants` makes one. */
export class VerifiedGrants {
  #grants: glue.Grants;
  #payload: Readonly<GrantSetPayload> | undefined;
  // Private in the types; at run time the HANDLE token keeps everyone but `verifyGrants` out.
  private constructor(handle: glue.Grants, token: typeof HANDLE) {
    if (token !== HANDLE) throw new AuthzError("ERR_GRANTS_UNVERIFIED", "VerifiedGrants come only from verifyGrants()");
    this.#grants = handle;
  }
  /** The verified payload (frozen). */
  // A fresh copy on first read, then the same frozen object.
  get payload(): Readonly<GrantSetPayload> {
    this.#payload ??= deepFreeze(JSON.parse(call(() => this.#grants.payload())));
    return this.#payload!;
  }
  /** The protected header: `{ alg, typ, kid }`. */
  get header(): GrantSetHeader {
    return JSON.parse(call(() => this.#grants.header()));
  }
  /** When the grant set expires, as a Date. */
  get expiresAt(): Date {
    return new Date(this.payload.exp * 1000);
  }
  static {
    grantsHandle = (grants) => grants.#grants;
    verifiedGrants = (handle) => new VerifiedGrants(handle, HANDLE);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The default `maxTokenBytes`: 1 MiB. */
const DEFAULT_MAX_TOKEN_BYTES = 1 << 20;

function seconds<F extends number | undefined>(value: unknown, name: string, fallback: F): number | F {
  if (value === undefined || value === null) return fallback;
  if (value instanceof Date) value = value.getTime() / 1000;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${name}\` must be a finite number of seconds${name === "now" ? " or a Date" : ""}`);
  }
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${name}\` must be a string`);
  return value;
}

/** `audience` as the JSON text of an array of strings, or undefined. */
function audienceText(audience: unknown): string | undefined {
  if (audience === undefined || audience === null) return undefined;
  const list = typeof audience === "string" ? [audience] : audience;
  if (!Array.isArray(list) || !list.every((a) => typeof a === "string")) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", "`audience` must be a string or an array of strings");
  }
  return JSON.stringify(list);
}

/** At most this many characters in a JWKS (as given, or as `JSON.stringify` writes it). */
const MAX_JWKS_CHARS = 1 << 20;
/** The largest `maxTokenBytes` a caller may set. */
const MAX_TOKEN_BYTES_LIMIT = 1 << 26;
/** The largest `clockTolerance`, in seconds (an hour). */
const MAX_CLOCK_TOLERANCE = 3600;

// Key sets are cached by their JSON text, never by object identity: a JWKS object changed in
// place (a key revoked, a key added) is read again. The few most recent texts are kept.
const KEY_SET_CACHE = 4;
const keySets = new Map<string, glue.Keys>();

function keySet(jwks: unknown): glue.Keys {
  if (typeof jwks !== "string" && (jwks === null || typeof jwks !== "object")) throw new AuthzError("ERR_JWKS_INVALID", "a JWKS must be an object with a `keys` array");
  const text = jsonText(jwks, "ERR_JWKS_INVALID", "the JWKS", MAX_JWKS_CHARS);
  let keys = keySets.get(text);
  if (keys !== undefined) {
    keySets.delete(text); // most recent last
  } else {
    keys = call(() => new glue.Keys(text), "ERR_JWKS_INVALID");
    if (keySets.size >= KEY_SET_CACHE) {
      const [oldest, old] = keySets.entries().next().value!;
      keySets.delete(oldest);
      old.free();
    }
  }
  keySets.set(text, keys);
  return keys;
}

/** `issuer` or `audience`: required, with `null` as the explicit way to skip the check. */
function expected(options: VerifyOptions, name: "issuer" | "audience", example: string): string | readonly string[] | null {
  const value = options[name];
  if (value === undefined) {
    throw new AuthzError(
      "ERR_ARGUMENT_INVALID",
      `verifyGrants needs the \`${name}\` option: the expected ${name} (${example}), or \`${name}: null\` to skip that check on purpose`,
    );
  }
  return value;
}

/**
 * Verifies a signed grant set (a compact JWS) against the issuer's public keys and returns it.
 * Throws `AuthzError` with the first failing check's code.
 */
// Options: `issuer` and `audience` (string or array) are required, `null` skips that check;
// `now` (seconds or a Date; default the current time), `clockTolerance` (seconds, 0 to 3600,
// default 0), `maxTokenBytes` (default 1 MiB, at most 64 MiB; checked before the token is
// copied anywhere).
export function verifyGrants(token: string, jwks: Jwks | PublicJwk | string, options: VerifyOptions): VerifiedGrants {
  ready();
  if (typeof token !== "string") throw new AuthzError("ERR_GRANTS_MALFORMED", `a grant set is a compact JWS string, not ${token === null ? "null" : typeof token}`);
  if (options === null || typeof options !== "object") {
    throw new AuthzError("ERR_ARGUMENT_INVALID", "verifyGrants(token, jwks, { issuer, audience }) needs its options: the expected `issuer` and `audience` (`null` skips a check on purpose)");
  }
  const issuer = expected(options, "issuer", 'e.g. "https://tasklist.example.com"');
  const audience = expected(options, "audience", 'e.g. "tasklist"');
  const { now, clockTolerance, maxTokenBytes } = options;
  const at = seconds(now, "now", Date.now() / 1000);
  const tolerance = seconds(clockTolerance, "clockTolerance", 0);
  if (!(tolerance >= 0 && tolerance <= MAX_CLOCK_TOLERANCE)) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", `\`clockTolerance\` must be between 0 and ${MAX_CLOCK_TOLERANCE} seconds, not ${tolerance}`);
  }
  const max = seconds(maxTokenBytes, "maxTokenBytes", DEFAULT_MAX_TOKEN_BYTES);
  if (!(max >= 0 && max <= MAX_TOKEN_BYTES_LIMIT)) throw new AuthzError("ERR_ARGUMENT_INVALID", `\`maxTokenBytes\` must be between 0 and ${MAX_TOKEN_BYTES_LIMIT}`);
  const bound = Math.floor(max);
  // Each UTF-16 code unit is at least one UTF-8 byte: a longer string is over the bound, and is
  // refused here, before it is copied into wasm memory.
  if (token.length > bound) throw new AuthzError("ERR_GRANTS_TOO_LARGE", `the grant set is at least ${token.length} bytes, over the bound of ${bound}`);
  const iss = optionalString(issuer, "issuer");
  const aud = audienceText(audience);
  const keys = keySet(jwks);
  const handle = call(() => glue.verify(token, keys, at, tolerance, iss, aud, bound), "ERR_GRANTS_MALFORMED");
  return verifiedGrants(handle);
}

/**
 * Signs a grant-set payload with a private Ed25519 JWK; returns the compact JWS. With `ttl`
 * (seconds) it sets `iat` = now and `exp` = now + ttl; without, it keeps the payload's `exp` or
 * gives 900 s. Fills `ver` when missing, and `iss` / `aud` from `issuer` / `audience`.
 */
export function signGrants(payload: GrantSetInput | string, privateJwk: Ed25519PrivateJwk | string, options: SignOptions = {}): string {
  ready();
  const { ttl, issuer, audience, now } = options ?? {};
  const at = seconds(now, "now", Date.now() / 1000);
  const life = seconds(ttl, "ttl", undefined);
  const payloadText = jsonText(payload, "ERR_GRANTS_MALFORMED", "the payload");
  const keyText = jsonText(privateJwk, "ERR_KEY_INVALID", "the private key", MAX_JWKS_CHARS);
  const iss = optionalString(issuer, "issuer");
  const aud = audienceText(audience);
  return call(() => glue.sign(payloadText, keyText, at, life, iss, aud), "ERR_GRANTS_MALFORMED");
}

/** The longest key id `generateSigningKey` takes. */
const MAX_KID_CHARS = 1024;

/** A new Ed25519 signing key: `{ kid, privateJwk, publicJwk, jwks }`. Keep `privateJwk` on the server; publish `jwks`. */
export function generateSigningKey(kid: string): SigningKey {
  if (typeof kid !== "string" || kid === "") throw new AuthzError("ERR_ARGUMENT_INVALID", "generateSigningKey(kid) needs a non-empty key id");
  if (kid.length > MAX_KID_CHARS) throw new AuthzError("ERR_ARGUMENT_INVALID", `a key id is at most ${MAX_KID_CHARS} characters, not ${kid.length}`);
  return call(() => glue.generateSigningKey(kid));
}

/** Decodes a grant set WITHOUT verifying it (for debugging): `{ header, payload, verified: false }`. */
export function inspectGrants(token: string): InspectedGrants {
  if (typeof token !== "string") throw new AuthzError("ERR_GRANTS_MALFORMED", "a grant set is a compact JWS string");
  if (token.length > DEFAULT_MAX_TOKEN_BYTES) throw new AuthzError("ERR_GRANTS_TOO_LARGE", `the grant set is at least ${token.length} bytes, over the bound of ${DEFAULT_MAX_TOKEN_BYTES}`);
  return JSON.parse(call(() => glue.inspectGrants(token)));
}

/** The default `task-worker` role's authorizations (USER_TASK READ, CLAIM, COMPLETE by each task property), for issuers. */
export const TASK_WORKER_ROLE: readonly Readonly<
  PropertyAuthorization & { ownerType: "ROLE"; ownerId: "task-worker"; resourceType: "USER_TASK"; resourcePropertyName: TaskProperty; permissionTypes: readonly ["READ", "CLAIM", "COMPLETE"] }
>[] = Object.freeze(
  (["assignee", "candidateUsers", "candidateGroups"] as const).map((resourcePropertyName) =>
    Object.freeze({
      ownerType: "ROLE",
      ownerId: "task-worker",
      resourceType: "USER_TASK",
      resourcePropertyName,
      permissionTypes: Object.freeze(["READ", "CLAIM", "COMPLETE"] as const),
    } as const),
  ),
);
