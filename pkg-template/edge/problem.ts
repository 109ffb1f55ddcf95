// Every failure of the search proxy is a problem response (RFC 9457, application/problem+json)
// with a stable `code`, never a stack trace: the proxy throws a Problem where it gives up, and the
// handler answers it. A detail names what failed (the request, the upstream status), never a
// token, a credential or an upstream body, which could echo one.
import { AuthzError } from "../core/index.js";
import type { SearchProxyCode, SearchProxyError } from "./types.js";
import { problemResponse } from "../http/problem.js";

/** A failure the proxy answers as a problem. */
export class Problem extends Error {
  readonly status: number;
  readonly code: SearchProxyCode | AuthzError["code"];
  readonly headers: Record<string, string>;
  constructor(status: number, code: SearchProxyCode | AuthzError["code"], detail: string, options: { cause?: unknown; headers?: Record<string, string> } = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
  }
}

/** What the proxy answers for a grant set that does not verify: 401, or 503 when the keys cannot be had. */
export function grantsProblem(error: AuthzError): Problem {
  const unavailable = error.code === "ERR_JWKS_UNAVAILABLE" || error.code === "ERR_JWKS_INVALID";
  return new Problem(unavailable ? 503 : 401, error.code, error.message, { cause: error, headers: unavailable ? {} : { "www-authenticate": 'Bearer error="invalid_token"' } });
}

/** Anything thrown as a Problem; anything else (a bug) as a 500 that says nothing of it. */
export function asProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  return new Problem(500, "ERR_INTERNAL", "the search could not be answered", { cause: error });
}

/** The problem's record for `onError`. */
export function problemRecord(problem: Problem): SearchProxyError {
  const record: SearchProxyError = { status: problem.status, code: problem.code, detail: problem.message };
  if (problem.cause !== undefined) record.cause = problem.cause;
  return record;
}

/** The problem as a response, never cached. */
export function problemAsResponse(problem: Problem): Response {
  return problemResponse(problem.status, problem.code, problem.message, problem.headers);
}
