// The issuer over HTTP, as a fetch-style handler `(Request) => Promise<Response>` that Node.js
// (through toNodeListener), Hono, Deno.serve, workerd and Vercel Edge all take:
//   GET or POST {grantsPath} with `Authorization: Bearer <the user's token>`
//     200 { token, expiresAt } (expiresAt ISO 8601), Cache-Control: no-store
//     `?fresh=1`: the cluster refused an operation the grant set allowed (a grant session sends
//     it then): the principal's authorizations are read again (IssueOptions.fresh). Not
//     `Cache-Control: no-cache`, which browsers send with every `cache: "no-store"` fetch.
//     401 / 403 / 500 / 502 / 503 / 504 as application/problem+json with the error's `code`
//   GET {jwksPath}: the public keys, with a short max-age so a rotation reaches verifiers soon.
//   GET /healthz: the process answers (200). GET /readyz: the cluster answers and accepts the
//     service account (200), or not (503).
// A problem's `detail` is a fixed text per code: the error's message, which may name other
// owners or the service account's missing permissions, goes to `onError` for the operator, with
// the request id that the problem's `instance` also names.
import { AuthzError } from "../core/index.js";
import { answering } from "../http/answer.js";
import type { Answer, AnsweringHandler } from "../http/answer.js";
import { problemAnswer } from "../http/problem.js";
import { retryAfterOf, statusOf } from "./errors.js";
import type { IssueErrorEvent, IssueEvent } from "./events.js";
import { statsOfFailure } from "./issuer.js";
import type { Issuer } from "./issuer.js";

/** What the handler's hooks add to the issuer's events: the request and its id. */
export interface RequestInfo {
  request: Request;
  /** A UUID, also in the problem's `instance` (`urn:uuid:...`) of a failure. */
  requestId: string;
}

export interface HandlerOptions {
  /** Default `/grants`. */
  grantsPath?: string;
  /** Default `/.well-known/camunda-grants-jwks.json`. */
  jwksPath?: string;
  /** Default `/healthz`. */
  healthPath?: string;
  /** Default `/readyz`. */
  readyPath?: string;
  /** Seconds verifiers may cache the JWKS (default 300). */
  jwksMaxAge?: number;
  /** Called after each grant set the handler answers. */
  onIssue?: (event: IssueEvent & RequestInfo) => void;
  /** Called with each failure, with the full message for the operator's log (never a secret). */
  onError?: (event: IssueErrorEvent & RequestInfo) => void;
}

/** What end users are told, by code and status; the operator's log has the cause. */
function detailFor(code: string, status: number): string {
  if (code === "ERR_ISSUER_PRINCIPAL") return status === 401 ? "the cluster did not accept the user's token" : "the cluster refused to name this principal's authorizations";
  if (code === "ERR_ISSUER_AUTH") return "the cluster did not accept the issuer's service account; the issuer's log has the cause";
  if (code === "ERR_GRANTS_TOO_LARGE") return "the grant set would be larger than verifiers accept; the issuer's log has the cause";
  if (status === 503) return "the cluster is unavailable or busy; retry later";
  if (status === 504) return "the cluster did not answer in time";
  return "the cluster could not be read; the issuer's log has the cause";
}

/** A JSON text (or no body, for HEAD), never cached. */
export function jsonAnswer(status: number, text: string | null): Answer {
  return { status, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: text };
}

function bearer(request: Request): string | undefined {
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  return m?.[1];
}

function notify<E>(hook: ((event: E) => void) | undefined, event: E): void {
  try {
    hook?.(event);
  } catch {
    // a hook that throws never changes the answer
  }
}

export function createIssuerHandler(issuer: Issuer, options: HandlerOptions = {}): AnsweringHandler {
  const grantsPath = options.grantsPath ?? "/grants";
  const jwksPath = options.jwksPath ?? "/.well-known/camunda-grants-jwks.json";
  const healthPath = options.healthPath ?? "/healthz";
  const readyPath = options.readyPath ?? "/readyz";
  const maxAge = options.jwksMaxAge ?? 300;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new AuthzError("ERR_ARGUMENT_INVALID", "`jwksMaxAge` must be a non-negative integer of seconds");
  const jwksText = JSON.stringify(issuer.jwks);
  const onlyGet = (method: string) => method !== "GET" && method !== "HEAD";

  async function grants(request: Request, url: URL): Promise<Answer> {
    const userToken = bearer(request);
    if (userToken === undefined) return problemAnswer(401, "ERR_ISSUER_PRINCIPAL", "send the user's token as `Authorization: Bearer <token>`", { "www-authenticate": "Bearer" });
    const requestId = globalThis.crypto.randomUUID();
    try {
      const { token, payload, expiresAt, stats } = await issuer.issue({ userToken }, { fresh: url.searchParams.get("fresh") === "1" });
      notify(options.onIssue, { ...stats, subject: payload.sub ?? "", authorizations: payload.authorizations?.length ?? 0, tokenBytes: token.length, expiresAt, request, requestId });
      return jsonAnswer(200, JSON.stringify({ token, expiresAt: expiresAt.toISOString() }));
    } catch (error) {
      const known = error instanceof AuthzError;
      const status = statusOf(error);
      const code = known && status !== 500 ? error.code : known && error.code === "ERR_GRANTS_TOO_LARGE" ? error.code : "ERR_INTERNAL";
      const stats = statsOfFailure(error) ?? { durationMs: 0, cached: false, upstreamRequests: 0, tokenRequests: 0 };
      notify(options.onError, { ...stats, error, code, message: known ? error.message : String((error as Error | undefined)?.message ?? error), status, request, requestId });
      const headers: Record<string, string> = {};
      if (status === 401) headers["www-authenticate"] = 'Bearer error="invalid_token"';
      const retryAfter = retryAfterOf(error);
      if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
      return problemAnswer(status, code, code === "ERR_INTERNAL" ? "the grant set could not be issued" : detailFor(code, status), headers, `urn:uuid:${requestId}`);
    }
  }

  return answering(async (request: Request): Promise<Answer> => {
    const url = new URL(request.url);
    const path = url.pathname;
    const method = request.method;
    if (path === jwksPath || path === healthPath || path === readyPath) {
      if (onlyGet(method)) return problemAnswer(405, "ERR_METHOD", `\`${method}\` is not allowed here`, { allow: "GET, HEAD" });
      const body = (text: string) => (method === "HEAD" ? null : text);
      if (path === jwksPath) return { status: 200, headers: { "content-type": "application/jwk-set+json", "cache-control": `public, max-age=${maxAge}` }, body: body(jwksText) };
      if (path === healthPath) return jsonAnswer(200, body('{"status":"ok"}'));
      const readiness = await issuer.ready();
      const answer = readiness.ready ? { status: "ready" } : { status: "not-ready", code: readiness.code };
      return jsonAnswer(readiness.ready ? 200 : 503, body(JSON.stringify(answer)));
    }
    if (path !== grantsPath) return problemAnswer(404, "ERR_NOT_FOUND", `no route \`${path}\``);
    if (method !== "GET" && method !== "POST") return problemAnswer(405, "ERR_METHOD", `\`${method}\` is not allowed here`, { allow: "GET, POST" });
    return grants(request, url);
  });
}
