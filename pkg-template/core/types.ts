// The package's public types: Camunda's model (operations, resource and permission types,
// authorizations, principals, grant-set payloads, tasks), decisions, keys and the options of
// verifying and signing. Types only: nothing here runs.

// --- Camunda's model (docs/rules.md in the repository) -----------------------------------

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
  /**
   * The state of the task's process instance (`ACTIVE`, `SUSPENDED`, `COMPLETED`, `TERMINATED`,
   * as the process-instance API reports it), which Camunda's user-task object does not carry:
   * add it where you know it. Absent counts as `ACTIVE`; any other value refuses every write
   * (8.10 rejects commands on a task whose process instance is suspended).
   */
  processInstanceState?: string | null | undefined;
}

// --- Decisions ------------------------------------------------------------------------------

/**
 * Why a decision came out as it did, for programs (`reason` is the technical sentence, `message`
 * the short one for people). A denial names the first step that refuses, in this order:
 * `task-not-active` for a write on a task the engine no longer holds (`COMPLETED`, `CANCELED`) or
 * whose process instance is not active, `tenant-not-assigned`, `no-grant`, `task-not-active` (the
 * task is not in state `CREATED`), `assigned-to-other` (a claim of a task assigned to someone
 * else).
 */
export type ReasonCode =
  | "granted"
  | "authorizations-disabled"
  | "tenant-not-assigned"
  | "no-grant"
  | "task-not-active"
  | "assigned-to-other";

/**
 * The codes of `explainButton`: an operation's (`ReasonCode`), or the screen rule of Tasklist's
 * that refused: `already-assigned` ("Assign to me" on an assigned task), `not-assigned`
 * ("Unassign" on an unassigned one), `not-assignee` ("Complete" on a task that is not the
 * principal's).
 */
export type ButtonReasonCode = ReasonCode | "already-assigned" | "not-assigned" | "not-assignee";

/** What made the deciding grant apply. */
export type MatchedBy =
  | "resourceId"
  | "processDefinitionId"
  | "userTaskKey"
  | "wildcard"
  | "assignee"
  | "candidateUsers"
  | "candidateGroups";

/**
 * The facts a decision was made from, each present when the input had it: for an app that
 * words its own message per `code`.
 */
export interface DecisionParams {
  userTaskKey?: string;
  processDefinitionId?: string;
  /** The task's assignee (absent when the task has none). */
  assignee?: string;
  /** With an assignee: whether it is the principal. */
  assignedToPrincipal?: boolean;
  state?: string;
  processInstanceState?: string;
  tenantId?: string;
  /** `explainAuthorized`: the resource asked about. */
  resourceId?: string;
}

/** A decision with its reason (`isAuthorized`'s, through `explainAuthorized`). */
export interface Decision {
  allowed: boolean;
  code: ReasonCode;
  /** One technical sentence: the step that refused, or the grant that allowed and how. */
  reason: string;
  /** One short sentence for a person, e.g. "Assigned to marek: only the assignee can complete it." */
  message: string;
  /** What `message` was made from. */
  params: DecisionParams;
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

/** Camunda Tasklist's buttons on a task, in the order of the bits of a buttons mask. */
export type ButtonName = "assignToMe" | "unassign" | "complete";

/** Each of Tasklist's buttons: shown (and enabled) for the principal, or not. */
export type Buttons = { [K in ButtonName]: boolean };

/**
 * `explainButton`'s answer: the decision on the button's operation (`operation`: claim,
 * unassign, complete), or the refusal of Tasklist's screen rule; `refusedBy` says which refused.
 */
export interface ButtonExplanation extends Omit<Explanation, "code"> {
  code: ButtonReasonCode;
  button: ButtonName;
  /** With `allowed: false`: `"screen"` when Tasklist's own rule hides the button, else `"permission"`. */
  refusedBy?: "screen" | "permission";
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

/** What `inspectGrants` returns: the token decoded, NOT verified. */
export interface InspectedGrants {
  header: { readonly [member: string]: unknown };
  /** Whatever JSON the payload holds; nothing about it is checked. */
  payload: unknown;
  verified: false;
}

