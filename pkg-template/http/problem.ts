// A problem response (RFC 9457, application/problem+json) with camunda-authz's stable `code`,
// never cached: how the search proxy and the issuer's handler answer every failure.
import { toResponse } from "./answer.js";
import type { Answer } from "./answer.js";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Content Too Large",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The title RFC 9110 gives `status`, for the problem's `title`. */
export function statusTitle(status: number): string {
  return TITLES[status] ?? "Error";
}

/** `{ type, title, status, code, detail, instance? }` as an answer with `status` and `headers`. */
export function problemAnswer(status: number, code: string, detail: string, headers: Record<string, string> = {}, instance?: string): Answer {
  const body = { type: "about:blank", title: statusTitle(status), status, code, detail, ...(instance === undefined ? {} : { instance }) };
  return { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers }, body: JSON.stringify(body) };
}

/** The same as a response. */
export function problemResponse(status: number, code: string, detail: string, headers: Record<string, string> = {}, instance?: string): Response {
  return toResponse(problemAnswer(status, code, detail, headers, instance));
}
