// The WebAssembly module: what it loads from, loading it (`init`, `initSync`), and every call
// into it (`call`), which turns whatever it throws into an AuthzError.

// The glue's types are the full build's (`./x build` keeps them in target/ts-glue/, which
// tsconfig's rootDirs merges with this package); the browser build's stubs take fewer parameters.
import wbgInit, * as glue from "../wasm/camunda_authz.js";
import { AuthzError, asAuthzError } from "./errors.js";
import type { ErrorCode, Thrown } from "./errors.js";

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

/** The module's linear memory as it is now (it moves when it grows); only after `ready()`. */
export function memory(): ArrayBuffer {
  return wasm!.memory.buffer;
}

/** Throws ERR_INIT until the module is loaded. */
export function ready(): void {
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
export function call<R>(fn: () => R, code: ErrorCode = "ERR_ARGUMENT_INVALID"): R {
  ready();
  try {
    return fn();
  } catch (error) {
    throw asAuthzError(error, code);
  }
}
