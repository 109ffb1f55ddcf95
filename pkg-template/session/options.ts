// Reading createGrantSession's options: each bad one is an ERR_ARGUMENT_INVALID naming it.

import { AuthzError } from "../core/index.js";

/** A duration option in seconds, `fallback` when left out. */
export function secondsOption(value: unknown, name: string, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > max) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${name}\` must be a number of seconds from 0 to ${max}`);
  }
  return value;
}

/** `issuer` or `audience`: required, with `null` as the explicit way to skip the check. */
export function nullableOption<T>(value: T | null | undefined, name: string, ok: (v: T) => boolean): T | null {
  if (value === null) return null;
  if (value === undefined || !ok(value)) {
    throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${name}\` is required: the expected value, or \`null\` to skip the check on purpose`);
  }
  return value;
}

/** Exactly one of the options `urlName` (a URL) and `fnName` (a function), as a function (of what the request is for). */
export function source<A, T>(url: unknown, fn: unknown, urlName: string, fnName: string, fromUrl: (url: string, request: A) => Promise<T>): (request: A) => Promise<T> {
  if ((url === undefined) === (fn === undefined)) throw new AuthzError("ERR_ARGUMENT_INVALID", `pass exactly one of \`${urlName}\` and \`${fnName}\``);
  if (fn !== undefined) {
    if (typeof fn !== "function") throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${fnName}\` must be a function`);
    return fn as (request: A) => Promise<T>;
  }
  if (typeof url !== "string" || url === "") throw new AuthzError("ERR_ARGUMENT_INVALID", `\`${urlName}\` must be a non-empty string`);
  return (request) => fromUrl(url, request);
}
