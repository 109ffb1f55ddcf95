// Type declarations of core.js, the module every entry re-exports (browser, bundlers, Node.js ESM and
// CommonJS, Deno, workerd, Vercel Edge). No `any`; no DOM or Node.js types are required.

export {};

// --- Platform types, taken from the consumer's globals when it has them ---------------------

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

// --- Camunda 8.9 model (docs/rules.md in the repository) ------------------------------------

/** The user-task operations, in the order of `OPERATIONS` and of the bits of `masks()`. */
export type Operation = "get" | "search" | "getForm" | "claim" | "assign" | "unassign" | "complete" | "update";

/** Every operation's answer for one task. */
export type Actions = { [K in Operation]: boolean };

/** The resource types the package knows (8.8 to 8.10; `camundaVersion` says which count). */
export type ResourceType =
  | "AUDIT_LOG"
  | "AUTHORIZATION"
  | "BATCH"
  | "CLUSTER_VARIABLE"
  | "COMPONENT"
  | "DECISION_DEFINITION"
  | "DECISION_REQUIREMENTS_DEFINITION"
  | "DOCUMENT"
  | "EXPRESSION"
  | "GLOBAL_LISTENER"
  | "GROUP"
  | "MAPPING_RULE"
  | "MESSAGE"
  | "PROCESS_DEFINITION"
  | "RESOURCE"
  | "ROLE"
  | "SECRET"
  | "SYSTEM"
  | "TENANT"
  | "USER"
  | "USER_TASK";

/** The permission types the package knows (8.8 to 8.10; `camundaVersion` says which count). */
export type PermissionType =
  | "ACCESS"
  | "CANCEL_PROCESS_INSTANCE"
  | "CLAIM"
  | "CLAIM_USER_TASK"
  | "COMPLETE"
  | "COMPLETE_USER_TASK"
  | "CREATE"
  | "CREATE_BATCH_OPERATION_CANCEL_PROCESS_INSTANCE"
  | "CREATE_BATCH_OPERATION_DELETE_DECISION_DEFINITION"
  | "CREATE_BATCH_OPERATION_DELETE_DECISION_INSTANCE"
  | "CREATE_BATCH_OPERATION_DELETE_PROCESS_DEFINITION"
  | "CREATE_BATCH_OPERATION_DELETE_PROCESS_INSTANCE"
  | "CREATE_BATCH_OPERATION_MIGRATE_PROCESS_INSTANCE"
  | "CREATE_BATCH_OPERATION_MODIFY_PROCESS_INSTANCE"
  | "CREATE_BATCH_OPERATION_RESOLVE_INCIDENT"
  | "CREATE_BATCH_OPERATION_SUSPEND_PROCESS_INSTANCE"
  | "CREATE_DECISION_INSTANCE"
  | "CREATE_PROCESS_INSTANCE"
  | "CREATE_TASK_LISTENER"
  | "DELETE"
  | "DELETE_DECISION_INSTANCE"
  | "DELETE_DRD"
  | "DELETE_FORM"
  | "DELETE_PROCESS"
  | "DELETE_PROCESS_INSTANCE"
  | "DELETE_RESOURCE"
  | "DELETE_TASK_LISTENER"
  | "EVALUATE"
  | "MODIFY_PROCESS_INSTANCE"
  | "READ"
  | "READ_DECISION_DEFINITION"
  | "READ_DECISION_INSTANCE"
  | "READ_JOB_METRIC"
  | "READ_PROCESS_DEFINITION"
  | "READ_PROCESS_INSTANCE"
  | "READ_TASK_LISTENER"
  | "READ_USAGE_METRIC"
  | "READ_USER_TASK"
  | "REVEAL"
  | "SUSPEND_PROCESS_INSTANCE"
  | "UPDATE"
  | "UPDATE_PROCESS_INSTANCE"
  | "UPDATE_TASK_LISTENER"
  | "UPDATE_USER_TASK";

/** Who an authorization belongs to. */
export type OwnerType = "USER" | "CLIENT" | "GROUP" | "ROLE" | "MAPPING_RULE";

/** The user-task properties a USER_TASK authorization can be scoped by. */
export type TaskProperty = "assignee" | "candidateUsers" | "candidateGroups";

/**
 * A known name, or any other string: newer Camunda versions add types, and an unknown one never
 * grants anything and never makes a grant set unreadable.
 */
export type OrOther<Known extends string> = Known | (string & {});

interface AuthorizationCommon {
  /** Kept for explanations when the REST API returned it. */
  authorizationKey?: string;
  ownerType: OrOther<OwnerType>;
  ownerId: string;
  resourceType: OrOther<ResourceType>;
  permissionTypes: readonly OrOther<PermissionType>[];
}

/** An authorization on one resource id, or on every one with `"*"`. */
export interface ResourceIdAuthorization extends AuthorizationCommon {
  resourceId: string;
  resourcePropertyName?: "" | null;
}

/** A USER_TASK authorization scoped by a task property. */
export interface PropertyAuthorization extends AuthorizationCommon {
  resourcePropertyName: OrOther<TaskProperty>;
  resourceId?: "" | null;
}

/**
 * One authorization, as Camunda's REST API v2 returns it from `/v2/authorizations/search`:
 * exactly one of `resourceId` and `resourcePropertyName`.
 */
export type Authorization = ResourceIdAuthorization | PropertyAuthorization;

/** Who the grant set is for, with effective groups, roles, tenants and mapping rules. */
export interface Principal {
  type: "USER" | "CLIENT";
  /** The username (USER) or client id (CLIENT). */
  id: string;
  /** Group ids. */
  groups?: readonly string[];
  roles?: readonly string[];
  tenants?: readonly string[];
  mappingRules?: readonly string[];
}

/** The payload of a signed grant set. Unknown fields are ignored. */
export interface GrantSetPayload {
  iss?: string;
  aud?: string | readonly string[];
  sub?: string;
  /** Seconds since the epoch. */
  iat?: number;
  /** Seconds since the epoch; required. */
  exp: number;
  nbf?: number;
  jti?: string;
  /** The grant-set format version. */
  ver: 1;
  camundaVersion?: string;
  /** `false`: every operation is allowed. */
  authorizationsEnabled: boolean;
  /** `true`: a task outside the principal's tenants is denied. */
  multiTenancyEnabled?: boolean;
  principal: Principal;
  authorizations?: readonly Authorization[];
}

/** What `signGrants` takes: a payload whose `exp` and `ver` it may fill in. */
export type GrantSetInput = Omit<GrantSetPayload, "exp" | "ver"> & { exp?: number; ver?: 1 };

/**
 * A Camunda REST API v2 user task (`/v2/user-tasks/search` items). Only these fields are read;
 * any others are ignored and left untouched. Keys are decimal strings. A missing, `null` or
 * `undefined` field counts as absent, so the `UserTask` types of Camunda's own schemas
 * (`@camunda/camunda-api-zod-schemas`, 8.8: optional fields; 8.9 and later: nullable ones) fit
 * unchanged, with or without `exactOptionalPropertyTypes`.
 */
export interface Task {
  userTaskKey?: string | null | undefined;
  processDefinitionId?: string | null | undefined;
  assignee?: string | null | undefined;
  candidateUsers?: readonly string[] | null | undefined;
  candidateGroups?: readonly string[] | null | undefined;
  tenantId?: string | null | undefined;
  /** One of Camunda's `UserTaskStateEnum` values; absent counts as `CREATED`. */
  state?: string | null | undefined;
}

// --- Decisions ------------------------------------------------------------------------------

/**
 * Why a decision came out as it did, for programs (`reason` says it for people). A denial names
 * the first step that refuses, in this order: `tenant-not-assigned`, `no-grant`,
 * `task-not-active` (the task is not in state `CREATED`), `assigned-to-other` (a claim of a task
 * assigned to someone else).
 */
export type ReasonCode =
  | "granted"
  | "authorizations-disabled"
  | "tenant-not-assigned"
  | "no-grant"
  | "task-not-active"
  | "assigned-to-other";

/** What made the deciding grant apply. */
export type MatchedBy =
  | "resourceId"
  | "processDefinitionId"
  | "userTaskKey"
  | "wildcard"
  | "assignee"
  | "candidateUsers"
  | "candidateGroups";

/** A decision with its reason (`isAuthorized`'s, through `explainAuthorized`). */
export interface Decision {
  allowed: boolean;
  code: ReasonCode;
  /** One sentence for people. */
  reason: string;
  /** The authorization that granted it. */
  grant?: Authorization;
  matchedBy?: MatchedBy;
  resourceType?: ResourceType;
  permissionType?: PermissionType;
}

/** A user-task decision with its reason (`explain`'s). */
export interface Explanation extends Decision {
  operation: Operation;
}

// --- Errors ---------------------------------------------------------------------------------

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
  | "ERR_GRANTS_UNVERIFIED"
  | "ERR_GRANTS_UNAVAILABLE"
  | "ERR_JWKS_INVALID"
  | "ERR_JWKS_UNAVAILABLE"
  | "ERR_KEY_INVALID"
  | "ERR_TASK_INVALID"
  | "ERR_OPERATION_UNKNOWN"
  | "ERR_UNSUPPORTED"
  | "ERR_ISSUER_AUTH"
  | "ERR_ISSUER_PRINCIPAL"
  | "ERR_ISSUER_UPSTREAM";

/** An error with a stable `code`. A deny is an answer, never an AuthzError. */
export declare class AuthzError extends Error {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown });
  readonly name: "AuthzError";
  readonly code: ErrorCode;
}

// --- Keys and grant sets --------------------------------------------------------------------

/** A public key in a JWKS (RFC 7517). Keys other than Ed25519 signature keys are skipped. */
export interface PublicJwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: readonly string[];
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  x5u?: string;
  x5c?: readonly string[];
  x5t?: string;
  "x5t#S256"?: string;
  /** A JWKS is published: private key material in it is refused (`ERR_JWKS_INVALID`). */
  d?: never;
}

/** An Ed25519 public key as a JWK (RFC 8037). */
export interface Ed25519PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid?: string;
  alg?: "EdDSA";
  use?: "sig";
}

/** An Ed25519 private key as a JWK (RFC 8037). Keep it on the server. */
export interface Ed25519PrivateJwk extends Ed25519PublicJwk {
  d: string;
}

/** A JWK Set: the issuer's public keys. */
export interface Jwks {
  keys: readonly PublicJwk[];
}

/** What `generateSigningKey` returns. */
export interface SigningKey {
  kid: string;
  /** Keep it on the server. */
  privateJwk: Ed25519PrivateJwk & { kid: string; alg: "EdDSA"; use: "sig" };
  publicJwk: Ed25519PublicJwk & { kid: string; alg: "EdDSA"; use: "sig" };
  /** `{ keys: [publicJwk] }`, ready to publish. */
  jwks: { keys: [Ed25519PublicJwk & { kid: string; alg: "EdDSA"; use: "sig" }] };
}

/** The protected header of a verified grant set. */
export interface GrantSetHeader {
  alg: "EdDSA";
  typ: "camunda-grants+jwt";
  kid: string;
  crit?: null;
}

/** Options of `verifyGrants`. */
export interface VerifyOptions {
  /** The expected `iss` (required); `null` skips the issuer check on purpose. */
  issuer: string | null;
  /** The expected `aud`, one of which must be in the token's (required); `null` skips the audience check on purpose. */
  audience: string | readonly string[] | null;
  /** The current time, in seconds since the epoch or as a Date (default: the clock). */
  now?: number | Date;
  /** Seconds of leeway for `exp` and `nbf`: 0 to 3600 (default 0). */
  clockTolerance?: number;
  /** The size bound, checked before the token is copied or parsed: 0 to 64 MiB (default 1 MiB). */
  maxTokenBytes?: number;
}

/** Options of `signGrants`. */
export interface SignOptions {
  /** Seconds: sets `iat` = now and `exp` = now + ttl (default: keep `exp`, or 900 s). */
  ttl?: number;
  /** Sets `iss`. */
  issuer?: string;
  /** Sets `aud`. */
  audience?: string | readonly string[];
  /** The current time, in seconds since the epoch or as a Date (default: the clock). */
  now?: number | Date;
}

/** A grant set whose signature and claims verified. Only `verifyGrants` makes one. */
export declare class VerifiedGrants {
  #private;
  private constructor();
  /** The verified payload (frozen). */
  readonly payload: Readonly<GrantSetPayload>;
  readonly header: GrantSetHeader;
  readonly expiresAt: Date;
}

/** What `inspectGrants` returns: the token decoded, NOT verified. */
export interface InspectedGrants {
  header: { readonly [member: string]: unknown };
  /** Whatever JSON the payload holds; nothing about it is checked. */
  payload: unknown;
  verified: false;
}

/** Decides user-task operations for one verified grant set, locally and synchronously. */
export declare class Authorizer {
  #private;
  /** @param grants the result of `verifyGrants` */
  constructor(grants: VerifiedGrants);
  /**
   * An Authorizer from a payload WITHOUT verifying any signature: only for tests and for the
   * trusted server that issues grant sets. A client must use `new Authorizer(verifyGrants(...))`.
   */
  static fromUnverifiedPayload(payload: GrantSetPayload | string): Authorizer;
  /** May the principal perform `operation` on `task`. */
  can<T extends Task>(operation: Operation, task: T): boolean;
  /** All eight operations for one task. */
  actions<T extends Task>(task: T): Actions;
  /** The tasks on which `operation` (default `"search"`) is allowed: the same objects, in order. */
  filter<T extends Task>(tasks: readonly T[], operation?: Operation): T[];
  /** One actions mask per task (bit i = `OPERATIONS[i]`). */
  masks<T extends Task>(tasks: readonly T[]): Uint8Array;
  /** The decision with its reason. */
  explain<T extends Task>(operation: Operation, task: T): Explanation;
  /** Any resource: `isAuthorized("PROCESS_DEFINITION", "CREATE_PROCESS_INSTANCE", "invoice")`. */
  isAuthorized(resourceType: OrOther<ResourceType>, permissionType: OrOther<PermissionType>, resourceId: string): boolean;
  /** `isAuthorized` with its reason. */
  explainAuthorized(resourceType: OrOther<ResourceType>, permissionType: OrOther<PermissionType>, resourceId: string): Decision;
  /**
   * A Camunda REST API v2 user-task search response (`POST /v2/user-tasks/search`) as JSON text,
   * returned as JSON text with only the `items` on which `operation` (default `"search"`) is
   * allowed, in order; every other member, page totals included, is left unchanged. Throws
   * `ERR_ARGUMENT_INVALID` when the text is not a JSON object with an `items` array, and
   * `ERR_TASK_INVALID` for an item that is not a valid task.
   */
  filterSearchResponse(responseJson: string, operation?: Operation): string;
  /** The grant-set payload this Authorizer decides by. */
  readonly payload: GrantSetPayload;
}

// --- Functions ------------------------------------------------------------------------------

/**
 * Loads the WebAssembly module; harmless to call again, and concurrent calls share one load.
 * Without an argument it finds the `.wasm` through `import.meta.url`; it also accepts a URL, the
 * bytes, a `Response` (or a promise of one) or a compiled `WebAssembly.Module`. The Node.js,
 * Deno, workerd and Vercel Edge entries load it on import, so there it resolves at once.
 */
declare function init(input?: InitInput | Promise<InitInput>): Promise<void>;
export default init;
export { init };

/**
 * Loads the module synchronously from its bytes or a compiled `WebAssembly.Module`; harmless to
 * call again. In a browser, prefer `await init()` (it compiles while the bytes download).
 */
export declare function initSync(input: WasmBytes | WasmModule): void;

/** Diagnostics: the size of the module's linear memory in bytes (0 before init). */
export declare function wasmMemoryBytes(): number;

/** The user-task operations, in mask-bit order. */
export declare const OPERATIONS: readonly ["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"];

/** The default `task-worker` role's authorizations (USER_TASK READ, CLAIM, COMPLETE by each task property), for issuers. */
export declare const TASK_WORKER_ROLE: readonly Readonly<
  PropertyAuthorization & { ownerType: "ROLE"; ownerId: "task-worker"; resourceType: "USER_TASK"; resourcePropertyName: TaskProperty; permissionTypes: readonly ["READ", "CLAIM", "COMPLETE"] }
>[];

/**
 * Verifies a signed grant set (a compact JWS) against the issuer's public keys and returns it.
 * Throws `AuthzError` with the first failing check's code.
 */
export declare function verifyGrants(token: string, jwks: Jwks | PublicJwk | string, options: VerifyOptions): VerifiedGrants;

/** Signs a grant-set payload with a private Ed25519 JWK; returns the compact JWS. */
export declare function signGrants(payload: GrantSetInput | string, privateJwk: Ed25519PrivateJwk | string, options?: SignOptions): string;

/** A new Ed25519 signing key. Keep `privateJwk` on the server; publish `jwks`. */
export declare function generateSigningKey(kid: string): SigningKey;

/** Decodes a grant set WITHOUT verifying it (for debugging). */
export declare function inspectGrants(token: string): InspectedGrants;
