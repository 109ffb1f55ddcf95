// The issuer over HTTP, as a fetch-style handler `(Request) => Promise<Response>` that Node.js
// (through toNodeListener), Hono, Deno.serve, workerd and Vercel Edge all take:
//   GET or POST {grantsPath} with `Authorization: Bearer <the user's token>`
//     200 { token, expiresAt } (expiresAt ISO 8601), Cache-Control: no-store
//     401 / 403 / 502 as application/problem+json with the error's `code`
//   GET {jwksPath}: the public keys, with a short max-age so a rotation reaches verifiers soon.
import { AuthzError } from "../core/index.js";
import { statusOf } from "./errors.js";
import type { Issuer } from "./issuer.js";

export interface HandlerOptions {
  /** Default `/grants`. */
  grantsPath?: string;
  /** Default `/.well-known/camunda-grants-jwks.json`. */
  jwksPath?: string;
  /** Seconds verifiers may cache the JWKS (default 300). */
  jwksMaxAge?: number;
  /** Called with each failure, for logging (messages never hold secrets). */
  onError?: (error: unknown) => void;
}

const TITLES: Record<number, string> = { 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 502: "Bad Gateway" };

function problem(status: number, code: string, detail: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: "about:blank", title: TITLES[status] ?? "Error", status, code, detail }), {
    status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers },
  });
}

function bearer(request: Request): string | undefined {
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  return m?.[1];
}

export function createIssuerHandler(issuer: Issuer, options: HandlerOptions = {}): (request: Request) => Promise<Response> {
  const grantsPath = options.grantsPath ?? "/grants";
  const jwksPath = options.jwksPath ?? "/.well-known/camunda-grants-jwks.json";
  const maxAge = options.jwksMaxAge ?? 300;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new AuthzError("ERR_ARGUMENT_INVALID", "`jwksMaxAge` must be a non-negative integer of seconds");
  const jwksText = JSON.stringify(issuer.jwks);

  return async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path === jwksPath) {
      if (request.method !== "GET" && request.method !== "HEAD") return problem(405, "ERR_METHOD", `\`${request.method}\` is not allowed here`, { allow: "GET, HEAD" });
      return new Response(request.method === "HEAD" ? null : jwksText, { headers: { "content-type": "application/jwk-set+json", "cache-control": `public, max-age=${maxAge}` } });
    }
    if (path !== grantsPath) return problem(404, "ERR_NOT_FOUND", `no route \`${path}\``);
    if (request.method !== "GET" && request.method !== "POST") return problem(405, "ERR_METHOD", `\`${request.method}\` is not allowed here`, { allow: "GET, POST" });
    const userToken = bearer(request);
    if (userToken === undefined) return problem(401, "ERR_ISSUER_PRINCIPAL", "send the user's token as `Authorization: Bearer <token>`", { "www-authenticate": "Bearer" });
    try {
      const { token, expiresAt } = await issuer.issue({ userToken });
      return new Response(JSON.stringify({ token, expiresAt: expiresAt.toISOString() }), { headers: { "content-type": "application/json", "cache-control": "no-store" } });
    } catch (error) {
      options.onError?.(error);
      const status = statusOf(error);
      if (status === 500 || !(error instanceof AuthzError)) return problem(500, "ERR_INTERNAL", "the grant set could not be issued");
      return problem(status, error.code, error.message, status === 401 ? { "www-authenticate": 'Bearer error="invalid_token"' } : {});
    }
  };
}
