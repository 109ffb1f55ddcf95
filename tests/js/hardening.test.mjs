// The wrapper against the attacks of the adversarial review (issue 15): a JWKS changed in place,
// stale masks, inherited properties, input-reachable traps, pinned memory, verifyGrants' options.
// Each test failed on the package before the fix. The bounds are in docs/bounds.md.
import { test } from "node:test";
import assert from "node:assert/strict";

const PKG = process.env.CAMUNDA_AUTHZ_PKG ?? new URL("../../pkg/node.mjs", import.meta.url).href;
const lib = await import(PKG);
const glue = await import(new URL("wasm/camunda_authz.js", PKG).href);
const { Authorizer, AuthzError, verifyGrants, signGrants, generateSigningKey, wasmMemoryBytes } = lib;

const NOW = 1763800100;
const ISS = "https://tasklist.example.com";
const AUD = "tasklist";
const CHECKED = { now: NOW, issuer: ISS, audience: AUD };
/** The codes the package's README documents. */
const DOCUMENTED = new Set(
  "ERR_ARGUMENT_INVALID ERR_GRANTS_ALG ERR_GRANTS_AUDIENCE ERR_GRANTS_EXPIRED ERR_GRANTS_ISSUER ERR_GRANTS_KEY_NOT_FOUND ERR_GRANTS_MALFORMED ERR_GRANTS_NOT_YET_VALID ERR_GRANTS_SIGNATURE ERR_GRANTS_TOO_LARGE ERR_GRANTS_TYP ERR_GRANTS_UNVERIFIED ERR_INIT ERR_JWKS_INVALID ERR_KEY_INVALID ERR_OPERATION_UNKNOWN ERR_TASK_INVALID".split(" "),
);

export const PAYLOAD = {
  ver: 1, camundaVersion: "8.9", sub: "demo", iss: ISS, aud: AUD, iat: NOW - 100, exp: NOW + 800,
  authorizationsEnabled: true, multiTenancyEnabled: false,
  principal: { type: "USER", id: "demo", groups: ["sales"], roles: [] },
  authorizations: [
    { ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM"] },
    { ownerType: "USER", ownerId: "demo", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK"] },
  ],
};
const authz = Authorizer.fromUnverifiedPayload(PAYLOAD);
const ALLOWED = { userTaskKey: "1", candidateGroups: ["sales"] };
const DENIED = { userTaskKey: "2", candidateGroups: ["ops"] };

/** Runs `fn`, which must throw an AuthzError with `code` (and a documented one). */
function refuses(fn, code, what) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AuthzError, `${what}: expected AuthzError ${code}, got ${error === undefined ? "no error" : `${error?.name}: ${error?.message}`}`);
  assert.equal(error.code, code, `${what}: ${error.message}`);
  assert.ok(DOCUMENTED.has(error.code), `${what}: undocumented code ${error.code}`);
  return error;
}

/** What the wrapper answers for a JSON round trip of the task: the reference. */
const viaJson = (task) => authz.actions(JSON.parse(JSON.stringify(task)));

test("a JWKS changed in place is read again: a removed key no longer verifies, a pushed key is seen", () => {
  const a = generateSigningKey("a");
  const b = generateSigningKey("b");
  const token = signGrants(PAYLOAD, a.privateJwk);
  const jwks = { keys: [a.publicJwk, b.publicJwk] };
  assert.equal(verifyGrants(token, jwks, CHECKED).header.kid, "a");
  jwks.keys.splice(0, 1); // key `a` revoked
  refuses(() => verifyGrants(token, jwks, CHECKED), "ERR_GRANTS_KEY_NOT_FOUND", "revoked key");
  jwks.keys.push(a.publicJwk);
  assert.equal(verifyGrants(token, jwks, CHECKED).header.kid, "a", "a pushed key is seen");
  jwks.keys[1] = { ...b.publicJwk, kid: "a" }; // the key under kid `a` replaced
  refuses(() => verifyGrants(token, jwks, CHECKED), "ERR_GRANTS_SIGNATURE", "replaced key");
});

test("stale masks never fail open: whatever a list's length says, every task is decided or the call throws", () => {
  for (const length of [1000.5, NaN, -1, 2 ** 40, 2 ** 32 - 1, Infinity, "3", 0.5]) {
    authz.filter([ALLOWED, ALLOWED, ALLOWED, ALLOWED]); // leaves allow bits in the mask buffer
    const list = new Proxy(["ops"], { get: (target, key) => (key === "length" ? length : Reflect.get(target, key)) });
    const tricky = { userTaskKey: "3", candidateGroups: list };
    let result;
    try {
      result = authz.filter([DENIED, tricky, DENIED]);
    } catch (error) {
      assert.ok(error instanceof AuthzError && error.code === "ERR_TASK_INVALID", `length ${String(length)}: ${error}`);
      continue;
    }
    assert.deepEqual(result, [], `length ${String(length)}: a denied task came back`);
  }
});

test("the record decoder decodes exactly the tasks it is told, or throws (src/wasm.rs)", () => {
  const engine = glue.Engine.fromUnverifiedPayload(JSON.stringify(PAYLOAD));
  const sales = engine.vocabulary().indexOf("sales") + 1;
  const ptr = engine.scratch(16);
  // [key, process, assignee, tenant, state, instance, nUsers, nGroups, ...groups] (RECORD_HEADER).
  new Uint32Array(wasmBuffer(), ptr, 9).set([0, 0, 0, 0, 0, 0, 0, 1, sales]);
  const masks = new Uint8Array(wasmBuffer(), engine.maskMany(9, 1), 1);
  assert.equal(masks[0] & 2, 2, "one record decoded");
  assert.throws(() => engine.maskMany(9, 2), (e) => e.code === "ERR_TASK_INVALID", "one record where two are said");
  assert.throws(() => engine.maskMany(1 << 20, 1), (e) => e.code === "ERR_TASK_INVALID", "records beyond the buffer");
  assert.throws(() => engine.maskMany(0, 1), (e) => e.code === "ERR_TASK_INVALID", "no record where one is said");
  assert.ok(engine.maskOne(0) > 0xff, "maskOne of no record is the invalid mask");
  // Buffers grow with try_reserve: memory that cannot be had is refused (address 0), no trap.
  assert.equal(engine.scratch(2 ** 30), 0, "4 GiB of scratch");
  assert.equal(engine.textBuffer(2 ** 32 - 1), 0, "4 GiB of text");
  assert.equal(new Uint8Array(wasmBuffer(), engine.maskMany(9, 1), 1)[0], masks[0], "the engine still decides");
  engine.free();
});

/** The module's memory (the glue's initSync hands back the exports of the loaded instance). */
function wasmBuffer() {
  return glue.initSync({ module: new Uint8Array(0) }).memory.buffer;
}

test("tasks are read as JSON reads them: own enumerable properties, each read once, toJSON", () => {
  const polluted = (name, value, fn) => {
    Object.prototype[name] = value;
    try {
      fn();
    } finally {
      delete Object.prototype[name];
    }
  };
  const cases = [];
  polluted("candidateGroups", ["sales"], () => {
    const task = { userTaskKey: "5", processDefinitionId: "other" };
    cases.push(["Object.prototype.candidateGroups", authz.actions(task), authz.explain("claim", task).allowed, authz.filter([task]).length]);
  });
  const inherited = Object.create({ processDefinitionId: "invoice", candidateGroups: ["sales"] });
  inherited.userTaskKey = "6";
  cases.push(["a prototype holding the fields", authz.actions(inherited), authz.explain("search", inherited).allowed, authz.filter([inherited]).length]);
  for (const [what, actions, explained, filtered] of cases) {
    assert.deepEqual(actions, viaJson({ userTaskKey: "5" }), `${what}: actions`);
    assert.equal(explained, false, `${what}: explain`);
    assert.equal(filtered, 0, `${what}: filter`);
  }

  let own = 0;
  const counting = { userTaskKey: "7", get candidateGroups() { own++; return ["sales"]; } };
  assert.equal(authz.can("claim", counting), true);
  assert.equal(own, 1, "an own getter is read once by can");
  authz.filter([counting]);
  authz.actions(counting);
  authz.explain("claim", counting);
  assert.equal(own, 4, "an own getter is read once by each call");

  let inheritedReads = 0;
  class SdkTask {
    userTaskKey = "8";
    get processDefinitionId() {
      inheritedReads++;
      return "invoice";
    }
  }
  const sdk = new SdkTask();
  assert.deepEqual(authz.actions(sdk), viaJson(sdk), "a prototype getter is not a field");
  assert.equal(authz.can("search", sdk), false);
  assert.equal(authz.explain("search", sdk).allowed, false);
  assert.equal(inheritedReads, 0, "a prototype getter is never called");

  const withToJSON = { userTaskKey: "9", toJSON: () => ({ userTaskKey: "9", candidateGroups: ["sales"] }) };
  assert.equal(authz.can("claim", withToJSON), true, "toJSON decides, as in JSON");
  assert.equal(authz.explain("claim", withToJSON).allowed, true);
  assert.equal(authz.filter([withToJSON]).length, 1);
  const boxed = { userTaskKey: new String("10"), candidateGroups: [new String("sales")], assignee: NaN, tenantId: () => 1 };
  assert.deepEqual(authz.actions(boxed), viaJson(boxed), "boxed strings, NaN and functions as JSON writes them");
  assert.equal(authz.explain("claim", boxed).allowed, true);
});

test("no input-reachable trap: huge, sparse and deep lists and huge strings are clean AuthzErrors, and everything stays usable", () => {
  for (const n of [2 ** 29, 2 ** 30, 2 ** 31, 2 ** 32 - 1]) {
    const task = { userTaskKey: "1", candidateUsers: new Array(n) };
    refuses(() => authz.can("search", task), "ERR_TASK_INVALID", `candidateUsers of ${n}`);
    refuses(() => authz.filter([ALLOWED, task]), "ERR_TASK_INVALID", `filter, candidateUsers of ${n}`);
    refuses(() => authz.explain("search", task), "ERR_TASK_INVALID", `explain, candidateUsers of ${n}`);
    refuses(() => authz.actions({ candidateGroups: new Array(n).fill("x", 0, 10) }), "ERR_TASK_INVALID", `candidateGroups of ${n}`);
  }
  let deep = ["sales"];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  refuses(() => authz.can("search", { candidateGroups: deep }), "ERR_TASK_INVALID", "a deep list");
  refuses(() => authz.explain("search", { candidateGroups: deep }), "ERR_TASK_INVALID", "explain, a deep list");
  const huge = "x".repeat((1 << 22) + 1);
  refuses(() => authz.can("search", { assignee: huge }), "ERR_TASK_INVALID", "a huge assignee");
  refuses(() => authz.explain("search", { assignee: huge }), "ERR_TASK_INVALID", "explain, a huge assignee");
  refuses(() => authz.isAuthorized("COMPONENT", "ACCESS", huge), "ERR_ARGUMENT_INVALID", "a huge resource id");
  refuses(() => authz.can(huge, ALLOWED), "ERR_OPERATION_UNKNOWN", "a huge operation name");
  refuses(() => authz.filter(new Proxy([], { get: (t, k) => (k === "length" ? 2 ** 40 : Reflect.get(t, k)) })), "ERR_ARGUMENT_INVALID", "2^40 tasks");
  refuses(() => authz.filter(new Array(2 ** 32 - 1)), "ERR_ARGUMENT_INVALID", "2^32-1 tasks");
  const reentrant = { get candidateGroups() { authz.filter([ALLOWED]); return ["ops"]; } };
  refuses(() => authz.filter([ALLOWED, reentrant, DENIED]), "ERR_ARGUMENT_INVALID", "a getter calling back into the Authorizer");
  refuses(() => authz.can("search", { get assignee() { throw new TypeError("boom"); } }), "ERR_TASK_INVALID", "a getter that throws");
  refuses(() => authz.can("search", { candidateGroups: [1n] }), "ERR_TASK_INVALID", "a BigInt");

  const memory = wasmMemoryBytes();
  // Each of the 15,000 calls must fail as the package fails, with ERR_TASK_INVALID: a trap (a
  // RuntimeError) or a foreign error would end the loop and the test.
  const failsAsTaskInvalid = (fn) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof AuthzError && error.code === "ERR_TASK_INVALID") return;
      throw error;
    }
    assert.fail("the call did not fail");
  };
  for (let i = 0; i < 5000; i++) {
    failsAsTaskInvalid(() => authz.filter([ALLOWED, { candidateUsers: new Array(2 ** 31) }]));
    failsAsTaskInvalid(() => authz.can("claim", { userTaskKey: 7 }));
    failsAsTaskInvalid(() => authz.filterSearchResponse('{"items": [7]}'));
  }
  assert.equal(authz.can("claim", ALLOWED), true, "the Authorizer still decides");
  assert.deepEqual(authz.filter([DENIED, ALLOWED]), [ALLOWED]);
  assert.equal(Authorizer.fromUnverifiedPayload(PAYLOAD).can("claim", ALLOWED), true, "the module still works");
  assert.ok(wasmMemoryBytes() - memory <= 1 << 20, `memory grew by ${wasmMemoryBytes() - memory} bytes over 15,000 failing calls`);
});

test("every failure is an AuthzError with a documented code, never a RangeError or a foreign code", () => {
  refuses(() => authz.isAuthorized("COMPONENT", "ACCESS", undefined), "ERR_ARGUMENT_INVALID", "isAuthorized(…, undefined)");
  refuses(() => authz.isAuthorized("COMPONENT", 7, "tasklist"), "ERR_ARGUMENT_INVALID", "isAuthorized(…, 7, …)");
  refuses(() => authz.explainAuthorized(null, "ACCESS", "tasklist"), "ERR_ARGUMENT_INVALID", "explainAuthorized(null, …)");
  refuses(() => authz.masks({ length: 3 }), "ERR_TASK_INVALID", "masks of a non-array");
  refuses(() => authz.filterSearchResponse("x".repeat((1 << 27) + 1)), "ERR_ARGUMENT_INVALID", "a search response over the bound");
  refuses(() => verifyGrants("x".repeat(100), "{".repeat(2_000_000), CHECKED), "ERR_JWKS_INVALID", "a JWKS over the bound");
  refuses(() => lib.inspectGrants("x".repeat((1 << 20) + 1)), "ERR_GRANTS_TOO_LARGE", "inspect a token over the bound");
  refuses(() => generateSigningKey("k".repeat(5000)), "ERR_ARGUMENT_INVALID", "a huge kid");
});

test("memory is not pinned per Authorizer: large search responses leave wasm memory reusable", () => {
  const item = JSON.stringify({ userTaskKey: "2251799813685249", processDefinitionId: "invoice", name: "Approve invoice", candidateGroups: ["ops"], description: "d".repeat(500) });
  const response = `{"items":[${new Array(60_000).fill(item).join(",")}],"page":{"totalItems":60000}}`; // about 35 MB
  const kept = [];
  const sizes = [];
  for (let i = 0; i < 4; i++) {
    const a = Authorizer.fromUnverifiedPayload(PAYLOAD);
    const out = a.filterSearchResponse(response);
    assert.equal(JSON.parse(out).items.length, 60_000);
    kept.push(a); // alive: an Authorizer that kept its buffer would pin it
    sizes.push(wasmMemoryBytes());
  }
  const grown = sizes[3] - sizes[0];
  assert.ok(grown <= 8 << 20, `four Authorizers after a ${response.length}-character response: memory ${sizes.join(" -> ")} bytes (grew by ${grown})`);
  assert.equal(kept.length, 4);
});

test("a 100 MB token is refused by the size bound before anything is copied into wasm memory", () => {
  const key = generateSigningKey("k");
  const before = wasmMemoryBytes();
  const token = "e".repeat(100 << 20);
  refuses(() => verifyGrants(token, key.jwks, CHECKED), "ERR_GRANTS_TOO_LARGE", "100 MB token");
  refuses(() => verifyGrants(token, key.jwks, { ...CHECKED, maxTokenBytes: 64 << 20 }), "ERR_GRANTS_TOO_LARGE", "100 MB token, 64 MiB bound");
  assert.equal(wasmMemoryBytes(), before, "wasm memory grew");
});

test("verifyGrants: issuer and audience are required, null opts out; clockTolerance and maxTokenBytes are bounded", () => {
  const key = generateSigningKey("k");
  const token = signGrants(PAYLOAD, key.privateJwk, { now: NOW });
  const noClaims = signGrants({ ...PAYLOAD, iss: undefined, aud: undefined }, key.privateJwk, { now: NOW });
  const issuer = refuses(() => verifyGrants(token, key.jwks, { now: NOW, audience: AUD }), "ERR_ARGUMENT_INVALID", "no issuer");
  assert.match(issuer.message, /`issuer: null`/, "the message says how to opt out");
  const audience = refuses(() => verifyGrants(token, key.jwks, { now: NOW, issuer: ISS }), "ERR_ARGUMENT_INVALID", "no audience");
  assert.match(audience.message, /`audience: null`/);
  refuses(() => verifyGrants(token, key.jwks), "ERR_ARGUMENT_INVALID", "no options");
  refuses(() => verifyGrants(token, key.jwks, { now: NOW, issuer: undefined, audience: AUD }), "ERR_ARGUMENT_INVALID", "issuer: undefined");
  assert.equal(verifyGrants(noClaims, key.jwks, { now: NOW, issuer: null, audience: null }).payload.sub, "demo", "null skips both checks");
  refuses(() => verifyGrants(noClaims, key.jwks, { now: NOW, issuer: ISS, audience: null }), "ERR_GRANTS_ISSUER", "issuer still checked");
  refuses(() => verifyGrants(token, key.jwks, { ...CHECKED, issuer: 7 }), "ERR_ARGUMENT_INVALID", "issuer not a string");
  for (const clockTolerance of [3601, -1, NaN, Infinity, 1e300, "5"]) {
    refuses(() => verifyGrants(token, key.jwks, { ...CHECKED, clockTolerance }), "ERR_ARGUMENT_INVALID", `clockTolerance ${clockTolerance}`);
  }
  verifyGrants(token, key.jwks, { ...CHECKED, now: NOW + 3000, clockTolerance: 3600 });
  for (const maxTokenBytes of [-1, 2 ** 32, NaN, (64 << 20) + 1]) {
    refuses(() => verifyGrants(token, key.jwks, { ...CHECKED, maxTokenBytes }), "ERR_ARGUMENT_INVALID", `maxTokenBytes ${maxTokenBytes}`);
  }
  refuses(() => verifyGrants(token, key.jwks, { ...CHECKED, maxTokenBytes: 100 }), "ERR_GRANTS_TOO_LARGE", "maxTokenBytes 100");
});
