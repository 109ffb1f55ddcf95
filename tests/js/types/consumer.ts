// A consumer of every API, type-checked with `tsc --noEmit --strict`. Each `@ts-expect-error`
// line must fail to compile (tsc reports an unused one), so the types reject these misuses.
import init, {
  init as namedInit,
  initSync,
  wasmMemoryBytes,
  Authorizer,
  AuthzError,
  VerifiedGrants,
  verifyGrants,
  signGrants,
  generateSigningKey,
  inspectGrants,
  OPERATIONS,
  BUTTONS,
  TASK_WORKER_ROLE,
  type Actions,
  type ButtonExplanation,
  type ButtonName,
  type ButtonReasonCode,
  type Buttons,
  type DecisionParams,
  type Authorization,
  type Decision,
  type ErrorCode,
  type Explanation,
  type GrantSetHeader,
  type GrantSetInput,
  type GrantSetPayload,
  type InitInput,
  type InspectedGrants,
  type Jwks,
  type Operation,
  type SigningKey,
  type Task,
} from "camunda-authz";

// init: nothing, a URL, bytes, a Response (or its promise), a compiled module.
await init();
await namedInit(new URL("https://cdn.example/camunda_authz_bg.wasm"));
await init("/camunda_authz_bg.wasm");
await init(fetch("/camunda_authz_bg.wasm"));
await init(await fetch("/camunda_authz_bg.wasm"));
await init(new Uint8Array(8));
await init(new ArrayBuffer(8));
await init(await WebAssembly.compile(new Uint8Array(8)));
const input: InitInput = new Uint8Array(8);
initSync(input as Uint8Array);
initSync(new WebAssembly.Module(new Uint8Array(8)));
// @ts-expect-error initSync cannot fetch
initSync("/camunda_authz_bg.wasm");
// @ts-expect-error init takes no number
await init(42);
const bytes: number = wasmMemoryBytes();

// Signing (a Node server or an edge worker that issues grant sets).
const key: SigningKey = generateSigningKey("key-2026-11");
const kid: string = key.kid;
const d: string = key.privateJwk.d;
// @ts-expect-error a public JWK has no private part
key.publicJwk.d;
// @ts-expect-error the key id is required
generateSigningKey();
const payload: GrantSetPayload = {
  iss: "https://tasklist.example.com",
  aud: ["tasklist"],
  sub: "demo",
  iat: 1763800000,
  exp: 1763800900,
  ver: 1,
  camundaVersion: "8.9",
  authorizationsEnabled: true,
  multiTenancyEnabled: false,
  principal: { type: "USER", id: "demo", groups: ["sales"], roles: ["task-worker"], tenants: ["<default>"], mappingRules: [] },
  authorizations: [
    ...TASK_WORKER_ROLE,
    { ownerType: "USER", ownerId: "demo", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK"] },
    // Types newer servers add are strings the evaluator ignores.
    { ownerType: "USER", ownerId: "demo", resourceType: "FUTURE_TYPE", resourceId: "*", permissionTypes: ["FUTURE_PERMISSION"] },
  ],
};
const input2: GrantSetInput = { authorizationsEnabled: true, principal: { type: "CLIENT", id: "worker" } };
const token: string = signGrants(payload, key.privateJwk, { ttl: 900, issuer: "https://tasklist.example.com", audience: "tasklist", now: new Date() });
signGrants(input2, JSON.stringify(key.privateJwk));
// @ts-expect-error signing needs the private key
signGrants(payload, key.publicJwk);
// @ts-expect-error ttl is seconds, a number
signGrants(payload, key.privateJwk, { ttl: "15m" });
// @ts-expect-error the principal type is USER or CLIENT
const badPrincipal: GrantSetPayload = { ...payload, principal: { type: "ROBOT", id: "r2" } };
// @ts-expect-error an authorization has a resourceId or a resourcePropertyName, not both
const both: Authorization = { ownerType: "ROLE", ownerId: "r", resourceType: "USER_TASK", resourceId: "*", resourcePropertyName: "assignee", permissionTypes: ["READ"] };
// @ts-expect-error an authorization has one of them
const neither: Authorization = { ownerType: "ROLE", ownerId: "r", resourceType: "USER_TASK", permissionTypes: ["READ"] };
// @ts-expect-error a verified grant-set payload needs `exp`
const noExp: GrantSetPayload = { ver: 1, authorizationsEnabled: true, principal: { type: "USER", id: "u" } };

// Verifying (a frontend or an edge worker).
const jwks: Jwks = key.jwks;
const grants: VerifiedGrants = verifyGrants(token, jwks, { issuer: "https://tasklist.example.com", audience: ["tasklist", "operate"], now: 1763800100, clockTolerance: 5, maxTokenBytes: 65536 });
verifyGrants(token, JSON.stringify(jwks), { issuer: null, audience: null });
verifyGrants(token, { keys: [{ kty: "RSA", kid: "other", n: "x", e: "AQAB" }, key.publicJwk] }, { issuer: "https://tasklist.example.com", audience: null });
const header: GrantSetHeader = grants.header;
const alg: "EdDSA" = header.alg;
const exp: Date = grants.expiresAt;
const principalId: string = grants.payload.principal.id;
// @ts-expect-error the payload of verified grants is read-only
grants.payload.exp = 0;
// @ts-expect-error VerifiedGrants come only from verifyGrants
new VerifiedGrants();
// @ts-expect-error a JWKS is required
verifyGrants(token);
// @ts-expect-error a private key does not belong in a JWKS
verifyGrants(token, { keys: [key.privateJwk] }, { issuer: null, audience: null });
// @ts-expect-error `now` is seconds or a Date
verifyGrants(token, jwks, { issuer: null, audience: null, now: "2026-11-22" });
// @ts-expect-error the token is a string
verifyGrants(new Uint8Array(8), jwks, { issuer: null, audience: null });
// @ts-expect-error the expected issuer and audience are required (null skips a check)
verifyGrants(token, jwks);
// @ts-expect-error `issuer` is required: leaving it out is not the same as `issuer: null`
verifyGrants(token, jwks, { audience: "tasklist" });
const inspected: InspectedGrants = inspectGrants(token);
const notVerified: false = inspected.verified;
const what: unknown = inspected.payload;

// Deciding.
const authz = new Authorizer(grants);
const trusted: Authorizer = Authorizer.fromUnverifiedPayload(payload);
Authorizer.fromUnverifiedPayload(JSON.stringify(payload));
// @ts-expect-error the constructor takes verified grants, not a payload
new Authorizer(payload);
// @ts-expect-error nor a structural look-alike
new Authorizer({ payload, header, expiresAt: exp });

interface UserTask {
  userTaskKey: string;
  name: string;
  processDefinitionId: string;
  assignee?: string;
  candidateGroups: string[];
  candidateUsers: string[];
  tenantId: string;
  state: "CREATED" | "COMPLETED";
  creationDate: string;
}
const task: UserTask = { userTaskKey: "2251799813685249", name: "Approve", processDefinitionId: "invoice", candidateGroups: ["sales"], candidateUsers: [], tenantId: "<default>", state: "CREATED", creationDate: "2026-11-22T10:00:00Z" };
const asTask: Task = task;
const can: boolean = authz.can("claim", task);
authz.can("get", { userTaskKey: "1", processDefinitionId: "invoice", priority: 50 });
const actions: Actions = authz.actions(task);
const mayComplete: boolean = actions.complete;
const visible: UserTask[] = authz.filter([task], "search");
const visibleByDefault: UserTask[] = authz.filter([task]);
const masks: Uint8Array = authz.masks([task]);
const why: Explanation = authz.explain("unassign", task);
const op: Operation = why.operation;
const reason: string = why.reason;
const code: "granted" | "authorizations-disabled" | "tenant-not-assigned" | "no-grant" | "task-not-active" | "assigned-to-other" = why.code;
const grantUsed: Authorization | undefined = why.grant;
const forPeople: string = why.message;
const madeFrom: DecisionParams = why.params;
const heldBy: string | undefined = why.params.assignee;
const shown: Buttons = authz.buttons(task);
const mayClickComplete: boolean = shown.complete && shown.assignToMe !== undefined;
const names: readonly ButtonName[] = BUTTONS;
const whyHidden: ButtonExplanation = authz.explainButton("complete", task);
const buttonCode: ButtonReasonCode = whyHidden.code;
const refusedBy: "screen" | "permission" | undefined = whyHidden.refusedBy;
// @ts-expect-error not one of Tasklist's buttons
authz.explainButton("claim", task);
// @ts-expect-error a button's code is wider than an operation's
const narrowed: Explanation["code"] = whyHidden.code;
const matched = why.matchedBy;
const startable: boolean = authz.isAuthorized("PROCESS_DEFINITION", "CREATE_PROCESS_INSTANCE", "invoice");
const access: Decision = authz.explainAuthorized("COMPONENT", "ACCESS", "tasklist");
const filtered: string = authz.filterSearchResponse('{"items":[],"page":{"totalItems":0}}', "claim");
authz.filterSearchResponse("{}");
const decidedBy: GrantSetPayload = trusted.payload;
// @ts-expect-error not an operation
authz.can("teleport", task);
// @ts-expect-error not an operation
authz.filter([task], "delete");
// @ts-expect-error a task is an object
authz.can("get", "2251799813685249");
// @ts-expect-error a task key is a decimal string
authz.actions({ userTaskKey: 2251799813685249 });
// @ts-expect-error candidate groups are an array
authz.actions({ candidateGroups: "sales" });
// @ts-expect-error no such operation in Actions
actions.teleport;
// @ts-expect-error filterSearchResponse takes the JSON text
authz.filterSearchResponse({ items: [] });
// @ts-expect-error the filtered list keeps the caller's type
const wrong: number[] = authz.filter([task]);

// Constants.
const ops: readonly Operation[] = OPERATIONS;
const first: "get" = OPERATIONS[0];
// @ts-expect-error OPERATIONS is read-only
OPERATIONS.push("get");
const role: readonly Authorization[] = TASK_WORKER_ROLE;

// Errors: a real Error with a code from a closed set.
try {
  verifyGrants(token, jwks, { issuer: "https://tasklist.example.com", audience: "tasklist" });
} catch (error) {
  if (error instanceof AuthzError) {
    const e: Error = error;
    const c: ErrorCode = error.code;
    if (error.code === "ERR_GRANTS_EXPIRED") console.log("expired", error.message);
    // @ts-expect-error not an error code
    if (error.code === "ERR_NOPE") console.log("never");
  }
}
const made = new AuthzError("ERR_TASK_INVALID", "made by hand", { cause: new Error("x") });
// @ts-expect-error only known codes
new AuthzError("ERR_NOPE", "x");

export { bytes, kid, d, badPrincipal, both, neither, noExp, alg, principalId, notVerified, what, asTask, can, mayComplete, visible, visibleByDefault, masks, op, reason, code, grantUsed, matched, startable, access, filtered, decidedBy, ops, first, role, made, wrong };
