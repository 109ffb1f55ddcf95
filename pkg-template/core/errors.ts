// AuthzError and its stable codes: every failure the package throws, and how a foreign error
// (one thrown inside the module or by the runtime) becomes one.

/** The stable codes of `AuthzError` (see README). */
export type ErrorCode =
  | "ERR_INIT"
  | "ERR_ARGUMENT_INVALID"
  | "ERR_GRANTS_MALFORMED"
  | "ERR_GRANTS_TOO_LARGE"
  | "ERR_GRANTS_ALG"
  | "ERR_GRANTS_TYP"
  | "ERR_GRANTS_KEY_NOT_FOUND"
  | "ERR_GRANTS_SIGNATURE"
  | "ERR_GRANTS_EXPIRED"
  | "ERR_GRANTS_NOT_YET_VALID"
  | "ERR_GRANTS_ISSUER"
  | "ERR_GRANTS_AUDIENCE"
  | "ERR_GRANTS_PHYSICAL_TENANT"
  | "ERR_GRANTS_UNVERIFIED"
  | "ERR_GRANTS_UNAVAILABLE"
  | "ERR_GRANTS_REFUSED"
  | "ERR_GRANTS_SUBJECT"
  | "ERR_GRANTS_STALE"
  | "ERR_JWKS_INVALID"
  | "ERR_JWKS_UNAVAILABLE"
  | "ERR_KEY_INVALID"
  | "ERR_TASK_INVALID"
  | "ERR_OPERATION_UNKNOWN"
  | "ERR_UNSUPPORTED"
  | "ERR_ISSUER_AUTH"
  | "ERR_ISSUER_PRINCIPAL"
  | "ERR_ISSUER_UPSTREAM";

/** An error with a stable `code` (see README). A deny is an answer, never an AuthzError. */
export class AuthzError extends Error {
  override readonly name = "AuthzError";
  declare readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** What a caught value may hold: anything, read for its `message` when it has one. */
export type Thrown = { message?: unknown; code?: unknown } | null | undefined;

/**
 * `error` as an AuthzError: the core's errors (thrown by `into_error` in src/wasm.rs, named
 * `AuthzError`) keep their code; anything else gets `code`, the caller's documented code.
 */
export function asAuthzError(error: unknown, code: ErrorCode): AuthzError {
  if (error instanceof AuthzError) return error;
  // The core's codes are ErrorCode values (src/wasm.rs).
  if (error instanceof Error && error.name === "AuthzError" && typeof (error as Error & Thrown).code === "string") return new AuthzError((error as Error & { code: ErrorCode }).code, error.message);
  return new AuthzError(code, `camunda-authz could not complete the call: ${(error as Thrown)?.message ?? error}`, { cause: error });
}
