// The issuer's failures: AuthzErrors with one of three codes. A message names the request and
// the status, never a secret, a token or a response body (which could echo one).
import { AuthzError } from "../core/index.js";

export type IssuerErrorCode = "ERR_ISSUER_AUTH" | "ERR_ISSUER_PRINCIPAL" | "ERR_ISSUER_UPSTREAM";

/** The HTTP status the grants endpoint answers for an issuer error (kept off the message). */
const STATUS = new WeakMap<AuthzError, number>();

export function issuerError(code: IssuerErrorCode, message: string, options: { cause?: unknown; status?: number } = {}): AuthzError {
  const error = new AuthzError(code, message, options.cause === undefined ? undefined : { cause: options.cause });
  if (options.status !== undefined) STATUS.set(error, options.status);
  return error;
}

/** The status to answer for an error: 401 for a refused user token, 403 for an unknown user, else 502. */
export function statusOf(error: unknown): number {
  if (!(error instanceof AuthzError)) return 500;
  const explicit = STATUS.get(error);
  if (explicit !== undefined) return explicit;
  if (error.code === "ERR_ISSUER_PRINCIPAL") return 403;
  if (error.code === "ERR_ISSUER_AUTH" || error.code === "ERR_ISSUER_UPSTREAM") return 502;
  return 500;
}
