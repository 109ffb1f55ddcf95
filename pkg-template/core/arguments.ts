// The arguments callers pass, checked and converted for the core: operation names and their mask
// bits, JSON text within a bound, seconds, optional strings, audiences.
import * as glue from "../wasm/camunda_authz.js";
import { AuthzError } from "./errors.js";
import type { ErrorCode, Thrown } from "./errors.js";
import { call } from "./module.js";
import type { ButtonName, Operation } from "./types.js";

/** The user-task operations, in mask-bit order. */
export const OPERATIONS = Object.freeze(["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"] as const satisfies readonly Operation[]);
const OPERATION_BIT = new Map<string, number>(OPERATIONS.map((op, i) => [op, 1 << i]));

/** The mask bit of `op`; throws ERR_OPERATION_UNKNOWN for anything but an operation. */
export function operationBit(op: unknown): number {
  const bit = OPERATION_BIT.get(op as string);
  if (bit !== undefined) return bit;
  if (typeof op !== "string") throw new AuthzError("ERR_OPERATION_UNKNOWN", `an operation must be a string, not ${op === null ? "null" : typeof op}`);
  if (op.length > 64) throw new AuthzError("ERR_OPERATION_UNKNOWN", `unknown operation \`${op.slice(0, 64)}…\``);
  call(() => glue.checkOperation(op), "ERR_OPERATION_UNKNOWN");
  throw new AuthzError("ERR_OPERATION_UNKNOWN", `unknown operation \`${op}\``);
}

/** Tasklist's buttons, in mask-bit order. */
export const BUTTONS = Object.freeze(["assignToMe", "unassign", "complete"] as const satisfies readonly ButtonName[]);

/** `name` checked as one of BUTTONS; throws ERR_OPERATION_UNKNOWN for anything else. */
export function buttonName(name: unknown): ButtonName {
  if ((BUTTONS as readonly unknown[]).includes(name)) return name as ButtonName;
  if (typeof name !== "string") throw new AuthzError("ERR_OPERATION_UNKNOWN", `a button must be a string, not ${name === null ? "null" : typeof name}`);
  throw new AuthzError("ERR_OPERATION_UNKNOWN", `unknown button \`${name.slice(0, 64)}\`; expected one of ${BUTTONS.join(", ")}`);
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
export function jsonText(value: unknown, code: ErrorCode, what: string, max = MAX_PAYLOAD_CHARS): string {
  const text = typeof value === "string" ? value : stringify(value, code, what);
  if (text === undefined) throw new AuthzError(code, `${what} is not JSON data`);
  if (text.length > max) throw new AuthzError(code, `${what} is ${text.length} characters, more than the bound of ${max}`);
  return text;
}

/** At most this many characters in a payload or private key given to `signGrants` or `fromUnverifiedPayload`. */
export const MAX_PAYLOAD_CHARS = 1 << 26;

/** A time or duration in seconds (a Date counts as its time), or `fallback` when absent. */
export function seconds<F extends number | undefined>(value: unknown, name: string, fallback: F): number | F {
  if (value === undefined || value === null) return fallback;
  if (value instanceof Date) value = value.getTime() / 1000;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${name}\` must be a finite number of seconds${name === "now" ? " or a Date" : ""}`);
  }
  return value;
}

/** A string option, or undefined when absent. */
export function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${name}\` must be a string`);
  return value;
}

/** `audience` as the JSON text of an array of strings, or undefined. */
export function audienceText(audience: unknown): string | undefined {
  if (audience === undefined || audience === null) return undefined;
  const list = typeof audience === "string" ? [audience] : audience;
  if (!Array.isArray(list) || !list.every((a) => typeof a === "string")) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", "`audience` must be a string or an array of strings");
  }
  return JSON.stringify(list);
}
