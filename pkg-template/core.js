// camunda-authz: the JavaScript face of the Rust core. Every JS concern lives here: init, errors,
// and moving tasks across the wasm boundary in bulk. Task strings are interned once per
// Authorizer (a Map from the few strings the grant set names to small integers) and written as
// integer records straight into a scratch buffer in wasm memory; the decision itself is Rust.

import wbgInit, * as glue from "./wasm/camunda_authz.js";

/** An error with a stable `code` (see README). A deny is an answer, never an AuthzError. */
export class AuthzError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = "AuthzError";
    this.code = code;
  }
}

let wasm = null; // the instance's exports once initialized
let starting = null;

/**
 * Loads the WebAssembly module. Harmless to call again, and concurrent calls share one load.
 * Without an argument it finds the `.wasm` next to the glue through `import.meta.url` (bundlers
 * such as Vite and webpack follow that reference and emit the file); it also accepts a URL, the
 * bytes, a `Response` (or a promise of one) or a compiled `WebAssembly.Module`, as workerd and
 * Vercel Edge import it. The Node.js, Deno, workerd and Vercel Edge entries load it on import,
 * so there `init()` resolves at once.
 */
export default async function init(input) {
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
async function load(input) {
  const value = sameRealmModule(await input);
  return wbgInit(value === undefined ? undefined : { module_or_path: value });
}

/**
 * Loads the module synchronously from its bytes or a compiled `WebAssembly.Module`. Harmless to
 * call again. In a browser, prefer `await init()`: it compiles while the bytes download, off the
 * main thread.
 */
export function initSync(input) {
  if (wasm !== null) return;
  if (starting !== null) {
    throw new AuthzError("ERR_INIT", "`init()` is already loading the module: await it instead of calling `initSync()`");
  }
  try {
    wasm = glue.initSync({ module: sameRealmModule(input) });
  } catch (error) {
    throw initError(error);
  }
}

function initError(error) {
  return new AuthzError(
    "ERR_INIT",
    `cannot load the camunda-authz WebAssembly module: ${error?.message ?? error} (pass the module to init(): a URL, its bytes, a Response or a WebAssembly.Module)`,
    { cause: error },
  );
}

/**
 * A `WebAssembly.Module` compiled in another realm (a sandbox that injects the module, as
 * Next.js's edge runtime does) fails the glue's `instanceof` test and would be taken for bytes;
 * give it this realm's prototype. Anything else passes through unchanged.
 */
function sameRealmModule(input) {
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
export function wasmMemoryBytes() {
  return wasm === null ? 0 : wasm.memory.buffer.byteLength;
}

function ready() {
  if (wasm === null) {
    throw new AuthzError("ERR_INIT", "camunda-authz is not initialized: call `await init()` first (the Node.js, Deno, workerd and Vercel Edge entries do it on import)");
  }
}

/** Runs a call into wasm, turning a thrown core error into an AuthzError. */
function call(fn) {
  ready();
  try {
    return fn();
  } catch (error) {
    if (error instanceof AuthzError) throw error;
    if (error instanceof Error && typeof error.code === "string") throw new AuthzError(error.code, error.message);
    throw error;
  }
}

export const OPERATIONS = Object.freeze(["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"]);
const OPERATION_BIT = new Map(OPERATIONS.map((op, i) => [op, 1 << i]));

function operationBit(op) {
  const bit = OPERATION_BIT.get(op);
  if (bit !== undefined) return bit;
  if (typeof op !== "string") throw new AuthzError("ERR_OPERATION_UNKNOWN", `an operation must be a string, not ${op === null ? "null" : typeof op}`);
  call(() => glue.checkOperation(op));
  throw new AuthzError("ERR_OPERATION_UNKNOWN", `unknown operation \`${op}\``);
}

/** `JSON.stringify`, with a failure (a cycle, a BigInt) thrown as an AuthzError with `code`. */
function stringify(value, code, what) {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new AuthzError(code, `${what} is not JSON data: ${error?.message ?? error}`, { cause: error });
  }
}

/** JSON text for the core: strings pass as they are (already JSON), anything else is stringified. */
function jsonText(value, code, what) {
  if (typeof value === "string") return value;
  const text = stringify(value, code, what);
  if (text === undefined) throw new AuthzError(code, `${what} is not JSON data`);
  return text;
}

/** A task as JSON text; a task that is a string stays a (JSON) string, which the core refuses. */
function taskText(task) {
  return stringify(task, "ERR_TASK_INVALID", "the task") ?? "null";
}

function invalidTask(task) {
  call(() => glue.checkTask(taskText(task)));
  // The core accepted what the encoder refused: still refuse (fail closed).
  return new AuthzError("ERR_TASK_INVALID", "the task could not be read");
}

function isKey(s) {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

// A task record: [key, process, assignee, tenant, state, nUsers, nGroups, ...users, ...groups]
// (see RECORD_HEADER in src/authorizer.rs). The state codes come from the core, read once.
const RECORD_HEADER = 7;
const OTHER = 0xffffffff; // a non-empty assignee not in the vocabulary; an unknown state
let stateCodes = null; // Map of state name -> record code (glue.taskStates(): code i + 1 is entry i)
const TRUSTED = Symbol("trusted");

/** Decides user-task operations for one verified grant set, locally and synchronously. */
export class Authorizer {
  #engine;
  #syms;
  #view = new Uint32Array(0);

  /** @param grants the result of `verifyGrants` */
  constructor(grants, trusted) {
    ready();
    if (trusted === TRUSTED) {
      this.#engine = grants;
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
   * Builds an Authorizer from a grant-set payload object WITHOUT verifying any signature.
   * Only for tests and for the trusted server that issues grant sets; a client must use
   * `new Authorizer(verifyGrants(token, jwks))`.
   */
  static fromUnverifiedPayload(payload) {
    const text = jsonText(payload, "ERR_GRANTS_MALFORMED", "the grant-set payload");
    return new Authorizer(call(() => glue.Engine.fromUnverifiedPayload(text)), TRUSTED);
  }

  /** The scratch view over wasm memory with room for `len` words (re-made when memory moved). */
  #room(len) {
    let view = this.#view;
    // When wasm memory grows its old buffer is detached and this view's length drops to 0,
    // so the length test also catches a moved memory (no extra call per task).
    if (view.length < len) {
      const size = Math.max(len, view.length * 2, 256);
      const ptr = this.#engine.scratch(size);
      view = this.#view = new Uint32Array(wasm.memory.buffer, ptr, size);
    }
    return view;
  }

  /** Writes one task record at `at`; returns the end, or -1 when the task is malformed. */
  #encode(task, at) {
    if (typeof task !== "object" || task === null || Array.isArray(task)) return -1;
    const syms = this.#syms;
    const { userTaskKey: key, processDefinitionId: process, assignee, tenantId: tenant, state, candidateUsers: users, candidateGroups: groups } = task;
    let k = 0, p = 0, a = 0, t = 0, st = 0, nu = 0, ng = 0;
    if (key != null) {
      if (typeof key !== "string" || !isKey(key)) return -1;
      k = syms.get(key) ?? 0;
    }
    if (process != null) {
      if (typeof process !== "string") return -1;
      p = syms.get(process) ?? 0;
    }
    if (assignee != null) {
      if (typeof assignee !== "string") return -1;
      if (assignee !== "") a = syms.get(assignee) ?? OTHER;
    }
    if (tenant != null) {
      if (typeof tenant !== "string") return -1;
      t = syms.get(tenant) ?? 0;
    }
    if (state != null) {
      if (typeof state !== "string") return -1;
      st = stateCodes.get(state) ?? OTHER;
    }
    if (users != null) {
      if (!Array.isArray(users)) return -1;
      nu = users.length;
    }
    if (groups != null) {
      if (!Array.isArray(groups)) return -1;
      ng = groups.length;
    }
    const view = this.#room(at + RECORD_HEADER + nu + ng);
    view[at] = k;
    view[at + 1] = p;
    view[at + 2] = a;
    view[at + 3] = t;
    view[at + 4] = st;
    let w = at + RECORD_HEADER;
    for (let i = 0; i < nu; i++) {
      const u = users[i];
      if (typeof u !== "string") return -1;
      const s = syms.get(u);
      if (s !== undefined) view[w++] = s;
    }
    const cu = w - at - RECORD_HEADER;
    for (let i = 0; i < ng; i++) {
      const g = groups[i];
      if (typeof g !== "string") return -1;
      const s = syms.get(g);
      if (s !== undefined) view[w++] = s;
    }
    view[at + 5] = cu;
    view[at + 6] = w - at - RECORD_HEADER - cu;
    return w;
  }

  #mask(task) {
    ready();
    const end = this.#encode(task, 0);
    if (end < 0) throw invalidTask(task);
    const mask = this.#engine.maskOne(end); // infallible: > 0xff means a malformed record
    if (mask > 0xff) throw invalidTask(task);
    return mask;
  }

  /** May the principal perform `operation` on `task`. */
  can(operation, task) {
    const bit = operationBit(operation);
    return (this.#mask(task) & bit) !== 0;
  }

  /** All eight operations for one task: `{ get, search, getForm, claim, assign, unassign, complete, update }`. */
  actions(task) {
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

  /** The tasks on which `operation` (default `search`) is allowed: the same objects, in order. */
  filter(tasks, operation = "search") {
    const bit = operationBit(operation);
    const masks = this.masks(tasks);
    const out = [];
    for (let i = 0; i < masks.length; i++) if ((masks[i] & bit) !== 0) out.push(tasks[i]);
    return out;
  }

  /** One actions mask per task (bit i = OPERATIONS[i]), for callers that want every answer at once. */
  masks(tasks) {
    ready();
    if (!Array.isArray(tasks)) throw new AuthzError("ERR_TASK_INVALID", `tasks must be an array, not ${tasks === null ? "null" : typeof tasks}`);
    let end = 0;
    for (let i = 0; i < tasks.length; i++) {
      end = this.#encode(tasks[i], end);
      if (end < 0) throw invalidTask(tasks[i]);
    }
    const ptr = call(() => this.#engine.maskMany(end));
    return new Uint8Array(wasm.memory.buffer, ptr, tasks.length).slice();
  }

  static #utf8 = null;

  /**
   * The edge path: filters a `/v2/user-tasks/search` response given as JSON text and returns JSON
   * text of the same object with `items` holding only the items on which `operation` (default
   * `search`) is allowed, in order and byte for byte; every other member is left unchanged. Page
   * totals (`page.totalItems`, cursors) are NOT adjusted: they still count the unfiltered page,
   * so what to tell the client is the caller's choice. One pass in wasm, no `JSON.parse`.
   * Throws ERR_ARGUMENT_INVALID when the text is not a JSON object with one `items` array, and
   * ERR_TASK_INVALID (naming the item's index) for an item that is not a valid task.
   */
  filterSearchResponse(responseJson, operation = "search") {
    ready();
    const utf8 = (Authorizer.#utf8 ??= new TextEncoder());
    operationBit(operation);
    if (typeof responseJson !== "string") {
      throw new AuthzError("ERR_ARGUMENT_INVALID", `a search response must be given as JSON text (a string), not ${responseJson === null ? "null" : typeof responseJson}`);
    }
    // UTF-8 straight into a buffer in wasm memory: room for ASCII first, more only if needed.
    const n = responseJson.length;
    const engine = this.#engine;
    const at = call(() => engine.textBuffer(n)); // may grow memory: take the buffer after it
    let { read, written } = utf8.encodeInto(responseJson, new Uint8Array(wasm.memory.buffer, at, n));
    if (read < n) {
      // A lone surrogate would reach the core as U+FFFD, which a grant could name: refuse it.
      if (typeof responseJson.isWellFormed === "function" && !responseJson.isWellFormed()) {
        throw new AuthzError("ERR_ARGUMENT_INVALID", "the search response holds a lone UTF-16 surrogate, which has no UTF-8 form");
      }
      const room = (n - read) * 3;
      const ptr = call(() => engine.textBuffer(written + room));
      written += utf8.encodeInto(responseJson.slice(read), new Uint8Array(wasm.memory.buffer, ptr + written, room)).written;
    }
    return call(() => engine.filterSearchText(operation, written));
  }

  /** The decision with its reason: `{ allowed, operation, code, reason, grant?, matchedBy?, resourceType?, permissionType? }`. */
  explain(operation, task) {
    operationBit(operation);
    const text = taskText(task);
    return call(() => this.#engine.explain(operation, text));
  }

  /** Any resource: `isAuthorized("PROCESS_DEFINITION", "CREATE_PROCESS_INSTANCE", "invoice")`. */
  isAuthorized(resourceType, permissionType, resourceId) {
    return call(() => this.#engine.isAuthorized(String(resourceType), String(permissionType), String(resourceId)));
  }

  /** `isAuthorized` with its reason. */
  explainAuthorized(resourceType, permissionType, resourceId) {
    return call(() => this.#engine.explainAuthorized(String(resourceType), String(permissionType), String(resourceId)));
  }

  /** The grant-set payload this Authorizer decides by. */
  get payload() {
    return call(() => this.#engine.payload());
  }
}

// --- Signed grant sets ---------------------------------------------------------------------

const HANDLE = Symbol("handle");
let grantsHandle; // set by VerifiedGrants' static block: reads the private handle

/** A grant set whose signature and claims verified. Only `verifyGrants` makes one. */
export class VerifiedGrants {
  #grants;
  #payload;
  constructor(handle, token) {
    if (token !== HANDLE) throw new AuthzError("ERR_GRANTS_UNVERIFIED", "VerifiedGrants come only from verifyGrants()");
    this.#grants = handle;
  }
  /** The verified payload (a fresh copy on first read, then the same frozen object). */
  get payload() {
    this.#payload ??= deepFreeze(call(() => this.#grants.payload()));
    return this.#payload;
  }
  /** The protected header: `{ alg, typ, kid }`. */
  get header() {
    return call(() => this.#grants.header());
  }
  /** When the grant set expires, as a Date. */
  get expiresAt() {
    return new Date(this.payload.exp * 1000);
  }
  static {
    grantsHandle = (grants) => grants.#grants;
  }
}

function deepFreeze(value) {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function seconds(value, name, fallback) {
  if (value === undefined || value === null) return fallback;
  if (value instanceof Date) value = value.getTime() / 1000;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${name}\` must be a finite number of seconds${name === "now" ? " or a Date" : ""}`);
  }
  return value;
}

function optionalString(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${name}\` must be a string`);
  return value;
}

/** `audience` as the JSON text of an array of strings, or undefined. */
function audienceText(audience) {
  if (audience === undefined || audience === null) return undefined;
  const list = typeof audience === "string" ? [audience] : audience;
  if (!Array.isArray(list) || !list.every((a) => typeof a === "string")) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", "`audience` must be a string or an array of strings");
  }
  return JSON.stringify(list);
}

// Key sets are read once per JWKS object (or JSON text) and reused.
const keySets = new WeakMap();
let lastText = null;
let lastTextKeys = null;

function keySet(jwks) {
  if (typeof jwks === "string") {
    if (jwks !== lastText) {
      lastTextKeys = call(() => new glue.Keys(jwks));
      lastText = jwks;
    }
    return lastTextKeys;
  }
  if (jwks === null || typeof jwks !== "object") throw new AuthzError("ERR_JWKS_INVALID", "a JWKS must be an object with a `keys` array");
  let keys = keySets.get(jwks);
  if (keys === undefined) {
    const text = jsonText(jwks, "ERR_JWKS_INVALID", "the JWKS");
    keys = call(() => new glue.Keys(text));
    keySets.set(jwks, keys);
  }
  return keys;
}

/**
 * Verifies a signed grant set against the issuer's public keys (a JWKS) and returns it.
 * Options: `issuer`, `audience` (string or array), `now` (seconds or a Date; default the
 * current time), `clockTolerance` (seconds, default 0), `maxTokenBytes` (default 1 MiB).
 */
export function verifyGrants(token, jwks, options = {}) {
  ready();
  if (typeof token !== "string") throw new AuthzError("ERR_GRANTS_MALFORMED", `a grant set is a compact JWS string, not ${token === null ? "null" : typeof token}`);
  const { issuer, audience, now, clockTolerance, maxTokenBytes } = options ?? {};
  const keys = keySet(jwks);
  const at = seconds(now, "now", Date.now() / 1000);
  const tolerance = seconds(clockTolerance, "clockTolerance", 0);
  const max = seconds(maxTokenBytes, "maxTokenBytes", undefined);
  if (max !== undefined && (max < 0 || max > 0xffffffff)) throw new AuthzError("ERR_ARGUMENT_INVALID", "`maxTokenBytes` must be between 0 and 4294967295");
  const iss = optionalString(issuer, "issuer");
  const aud = audienceText(audience);
  const handle = call(() => glue.verify(token, keys, at, tolerance, iss, aud, max === undefined ? undefined : Math.floor(max)));
  return new VerifiedGrants(handle, HANDLE);
}

/**
 * Signs a grant-set payload with a private Ed25519 JWK. With `ttl` (seconds) it sets `iat` = now
 * and `exp` = now + ttl; without, it keeps the payload's `exp` or gives 900 s. Fills `ver` when
 * missing, and `iss` / `aud` from `issuer` / `audience`.
 */
export function signGrants(payload, privateJwk, options = {}) {
  ready();
  const { ttl, issuer, audience, now } = options ?? {};
  const at = seconds(now, "now", Date.now() / 1000);
  const life = seconds(ttl, "ttl", undefined);
  const payloadText = jsonText(payload, "ERR_GRANTS_MALFORMED", "the payload");
  const keyText = jsonText(privateJwk, "ERR_KEY_INVALID", "the private key");
  const iss = optionalString(issuer, "issuer");
  const aud = audienceText(audience);
  return call(() => glue.sign(payloadText, keyText, at, life, iss, aud));
}

/** A new Ed25519 signing key: `{ kid, privateJwk, publicJwk, jwks }`. Keep `privateJwk` on the server. */
export function generateSigningKey(kid) {
  if (typeof kid !== "string" || kid === "") throw new AuthzError("ERR_ARGUMENT_INVALID", "generateSigningKey(kid) needs a non-empty key id");
  return call(() => glue.generateSigningKey(kid));
}

/** Decodes a grant set WITHOUT verifying it (for debugging): `{ header, payload, verified: false }`. */
export function inspectGrants(token) {
  if (typeof token !== "string") throw new AuthzError("ERR_GRANTS_MALFORMED", "a grant set is a compact JWS string");
  return JSON.parse(call(() => glue.inspectGrants(token)));
}

/** The default `task-worker` role's authorizations (USER_TASK READ, CLAIM, COMPLETE by each task property), for issuers. */
export const TASK_WORKER_ROLE = Object.freeze(
  ["assignee", "candidateUsers", "candidateGroups"].map((resourcePropertyName) =>
    Object.freeze({
      ownerType: "ROLE",
      ownerId: "task-worker",
      resourceType: "USER_TASK",
      resourcePropertyName,
      permissionTypes: Object.freeze(["READ", "CLAIM", "COMPLETE"]),
    }),
  ),
);
