// The issuer's failures: AuthzErrors with one of three codes. A message names the request, its
// URL (never credentials, a query or a fragment) and the status, never a secret, a token or a
// response body (which could echo one). Messages are for the operator; the handler shows end
// users a fixed text per code instead (handler.ts), since a message may name other owners or
// the service account's missing permissions.
import { AuthzError } from "../core/index.js";

export type IssuerErrorCode = "ERR_ISSUER_AUTH" | "ERR_ISSUER_PRINCIPAL" | "ERR_ISSUER_UPSTREAM";

/** What an issuer error carries besides its message (kept off the message). */
interface Details {
  /** The HTTP status the grants endpoint answers. */
  status?: number;
  /** Seconds after which a retry may succeed (503: the cluster is being given time). */
  retryAfter?: number;
  /** A search returned more items than `maxSearchItems`. */
  tooMany?: boolean;
}

const DETAILS = new WeakMap<AuthzError, Details>();

export function issuerError(code: IssuerErrorCode, message: string, options: { cause?: unknown } & Details = {}): AuthzError {
  const { cause, ...details } = options;
  const error = new AuthzError(code, message, cause === undefined ? undefined : { cause });
  DETAILS.set(error, details);
  return error;
}

/** The status to answer for an error: 401 for a refused user token, 403 for an unknown user, else 502. */
export function statusOf(error: unknown): number {
  if (!(error instanceof AuthzError)) return 500;
  const explicit = DETAILS.get(error)?.status;
  if (explicit !== undefined) return explicit;
  if (error.code === "ERR_ISSUER_PRINCIPAL") return 403;
  if (error.code === "ERR_ISSUER_AUTH" || error.code === "ERR_ISSUER_UPSTREAM") return 502;
  return 500;
}

export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof AuthzError ? DETAILS.get(error)?.retryAfter : undefined;
}

export function isTooMany(error: unknown): boolean {
  return error instanceof AuthzError && DETAILS.get(error)?.tooMany === true;
}

/**
 * What a failed fetch may say about its cause: the system error code (`ECONNREFUSED`,
 * `ENOTFOUND`, ...), found in the cause chain of undici's `TypeError: fetch failed` (or of
 * another runtime's error), and nothing else: the original error's message may hold the URL.
 */
export function networkCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e !== null && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    const errors = (e as { errors?: unknown }).errors;
    e = Array.isArray(errors) && errors.length > 0 ? errors[0] : (e as { cause?: unknown }).cause;
  }
  return undefined;
}
