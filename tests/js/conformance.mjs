// The conformance suite of the npm package, written once and run unchanged in every runtime
// (Node ESM and CommonJS, Deno, workerd, edge-runtime, Chromium). It needs no I/O: the harness
// passes in the package module and the JSON corpus (tests/corpus/*.json).
//
//   for (const { name, run } of conformance(lib, corpus)) run();   // throws on failure

const OPS = ["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"];
const NOW = 1763800100; // inside every corpus grant set's iat..exp window
const UNCHECKED = { issuer: null, audience: null }; // verifyGrants without issuer and audience checks, on purpose

class Failure extends Error {}

function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Failure(`${what}: expected ${e}, got ${a}`);
}

function ok(value, what) {
  if (!value) throw new Failure(what);
}

function throwsCode(lib, fn, code, what) {
  try {
    fn();
  } catch (error) {
    ok(error instanceof lib.AuthzError, `${what}: threw ${error?.name} (${error?.message}), not an AuthzError`);
    ok(error instanceof Error, `${what}: AuthzError is not an Error`);
    eq(error.code, code, `${what}: code`);
    ok(typeof error.message === "string" && error.message.length > 0, `${what}: empty message`);
    return error;
  }
  throw new Failure(`${what}: did not throw ${code}`);
}

function tamper(token, part, fn) {
  const parts = token.split(".");
  parts[part] = fn(parts[part]);
  return parts.join(".");
}

const b64 = (obj) => btoa(JSON.stringify(obj)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

/** Every check as `{ name, run }`. */
export function conformance(lib, corpus) {
  const checks = [];
  const check = (name, run) => checks.push({ name, run });
  const { Authorizer, AuthzError } = lib;

  for (const [file, doc] of Object.entries(corpus)) {
    for (const suite of doc.suites) {
      const where = `${file} / ${suite.name}`;
      check(`corpus: ${where}`, () => {
        const authz = Authorizer.fromUnverifiedPayload(suite.grants);
        const valid = [];
        for (const c of suite.cases ?? []) {
          const at = `${where} / ${c.name}`;
          if (c.expectError) {
            throwsCode(lib, () => authz.actions(c.task), c.expectError, `${at}: actions`);
            throwsCode(lib, () => authz.can("get", c.task), c.expectError, `${at}: can`);
            throwsCode(lib, () => authz.explain("get", c.task), c.expectError, `${at}: explain`);
            throwsCode(lib, () => authz.filter([c.task]), c.expectError, `${at}: filter`);
            continue;
          }
          valid.push(c);
          eq(authz.actions(c.task), Object.fromEntries(OPS.map((op) => [op, c.expect[op]])), `${at}: actions`);
          for (const op of OPS) {
            eq(authz.can(op, c.task), c.expect[op], `${at}: can(${op})`);
            const explained = authz.explain(op, c.task);
            eq(explained.allowed, c.expect[op], `${at}: explain(${op}).allowed`);
            eq(explained.operation, op, `${at}: explain(${op}).operation`);
            ok(typeof explained.reason === "string" && explained.reason.length > 0, `${at}: explain(${op}) has no reason`);
            ok(typeof explained.message === "string" && explained.message.length > 0, `${at}: explain(${op}) has no message`);
            ok(typeof explained.params === "object" && explained.params !== null, `${at}: explain(${op}) has no params`);
          }
          for (const [op, want] of Object.entries(c.explain ?? {})) {
            const got = authz.explain(op, c.task);
            for (const [field, value] of Object.entries(want)) eq(got[field] ?? null, value, `${at}: explain(${op}).${field}`);
            namesWhatRefused(got, c.task, `${at}: explain(${op})`);
          }
          // Tasklist's buttons: each the operation's answer AND the screen rule (when the case says).
          if (c.buttons) eq(authz.buttons(c.task), c.buttons, `${at}: buttons`);
          for (const [button, want] of Object.entries(c.explainButton ?? {})) {
            const got = authz.explainButton(button, c.task);
            eq(got.button, button, `${at}: explainButton(${button}).button`);
            for (const [field, value] of Object.entries(want)) eq(got[field] ?? null, value, `${at}: explainButton(${button}).${field}`);
          }
        }
        for (const op of OPS) {
          const tasks = valid.map((c) => c.task);
          const allowed = authz.filter(tasks, op);
          eq(allowed.length, valid.filter((c) => c.expect[op]).length, `${where}: filter(${op}) length`);
          let i = 0;
          for (const c of valid) if (c.expect[op]) ok(allowed[i++] === c.task, `${where}: filter(${op}) must return the same objects in order`);
        }
        for (const q of suite.isAuthorized ?? []) {
          eq(authz.isAuthorized(q.resourceType, q.permissionType, q.resourceId), q.expect, `${where}: isAuthorized(${q.resourceType}, ${q.permissionType}, ${q.resourceId})`);
        }
      });
    }
  }

  const suites = Object.values(corpus).flatMap((doc) => doc.suites);

  // Grant sets the corpus marks malformed (a bad `camundaVersion`, ...): refused when built
  // from the payload and when signed.
  for (const [file, doc] of Object.entries(corpus)) {
    for (const bad of doc.malformedGrants ?? []) {
      check(`malformed grants: ${file} / ${bad.name}`, () => {
        throwsCode(lib, () => Authorizer.fromUnverifiedPayload(bad.grants), bad.expectError, `${bad.name}: fromUnverifiedPayload`);
        const key = lib.generateSigningKey("k");
        throwsCode(lib, () => lib.signGrants(bad.grants, key.privateJwk, { now: NOW }), bad.expectError, `${bad.name}: signGrants`);
      });
    }
  }

  check("signed: every corpus grant set signs, verifies and decides as unsigned", () => {
    const key = lib.generateSigningKey("k-2026-11");
    eq(Object.keys(key).sort(), ["jwks", "kid", "privateJwk", "publicJwk"], "generateSigningKey shape");
    ok(key.publicJwk.d === undefined, "the public JWK must not carry `d`");
    for (const suite of suites) {
      const token = lib.signGrants(suite.grants, key.privateJwk, { now: NOW });
      const grants = lib.verifyGrants(token, key.jwks, { ...UNCHECKED, now: NOW });
      ok(grants instanceof lib.VerifiedGrants, "verifyGrants returns VerifiedGrants");
      eq(grants.payload.principal, suite.grants.principal, `${suite.name}: payload.principal`);
      const signed = new Authorizer(grants);
      const plain = Authorizer.fromUnverifiedPayload(suite.grants);
      for (const c of suite.cases ?? []) if (!c.expectError) eq(signed.actions(c.task), plain.actions(c.task), `${suite.name} / ${c.name}`);
    }
  });

  check("signed: issuer, audience, expiry, tolerance and key rotation", () => {
    const a = lib.generateSigningKey("a");
    const b = lib.generateSigningKey("b");
    const jwks = { keys: [a.publicJwk, b.publicJwk] };
    const payload = suites[0].grants;
    const opts = { now: NOW, issuer: "https://tasklist.example.com", audience: "tasklist" };
    for (const key of [a, b]) {
      const token = lib.signGrants(payload, key.privateJwk, { ...opts, ttl: 60 });
      eq(lib.verifyGrants(token, jwks, opts).header.kid, key.kid, "rotation: kid");
      throwsCode(lib, () => lib.verifyGrants(token, jwks, { ...opts, issuer: "https://evil" }), "ERR_GRANTS_ISSUER", "issuer");
      throwsCode(lib, () => lib.verifyGrants(token, jwks, { ...opts, audience: "operate" }), "ERR_GRANTS_AUDIENCE", "audience");
      lib.verifyGrants(token, jwks, { ...opts, audience: ["operate", "tasklist"] });
      throwsCode(lib, () => lib.verifyGrants(token, jwks, { ...opts, now: NOW + 60 }), "ERR_GRANTS_EXPIRED", "expired at exp");
      lib.verifyGrants(token, jwks, { ...opts, now: NOW + 60, clockTolerance: 5 });
      throwsCode(lib, () => lib.verifyGrants(token, { keys: [key === a ? b.publicJwk : a.publicJwk] }, opts), "ERR_GRANTS_KEY_NOT_FOUND", "other key set");
    }
    const early = lib.signGrants({ ...payload, nbf: NOW + 100 }, a.privateJwk, { now: NOW });
    throwsCode(lib, () => lib.verifyGrants(early, jwks, { ...UNCHECKED, now: NOW }), "ERR_GRANTS_NOT_YET_VALID", "nbf");
    lib.verifyGrants(early, jwks, { ...UNCHECKED, now: NOW, clockTolerance: 100 });
    ok(lib.verifyGrants(early, jwks, { ...UNCHECKED, now: new Date(NOW * 1000), clockTolerance: 100 }).expiresAt instanceof Date, "now as a Date");
  });

  check("signed: tampering and malformed tokens fail closed with their codes", () => {
    const key = lib.generateSigningKey("k");
    const token = lib.signGrants(suites[0].grants, key.privateJwk, { now: NOW });
    const v = (t, extra) => () => lib.verifyGrants(t, key.jwks, { ...UNCHECKED, now: NOW, ...extra });
    const header = (h) => tamper(token, 0, () => b64(h));
    throwsCode(lib, v(tamper(token, 1, (p) => p.slice(0, -2) + (p.endsWith("A") ? "BA" : "AA"))), "ERR_GRANTS_SIGNATURE", "tampered payload");
    throwsCode(lib, v(tamper(token, 2, (s) => (s[0] === "A" ? "B" : "A") + s.slice(1))), "ERR_GRANTS_SIGNATURE", "tampered signature");
    throwsCode(lib, v(header({ alg: "EdDSA", typ: "camunda-grants+jwt", kid: "k", x: 1 })), "ERR_GRANTS_SIGNATURE", "tampered header");
    throwsCode(lib, v(header({ alg: "none", typ: "camunda-grants+jwt", kid: "k" })), "ERR_GRANTS_ALG", "alg none");
    throwsCode(lib, v(header({ alg: "HS256", typ: "camunda-grants+jwt", kid: "k" })), "ERR_GRANTS_ALG", "alg HS256");
    throwsCode(lib, v(header({ alg: "EdDSA", typ: "JWT", kid: "k" })), "ERR_GRANTS_TYP", "typ JWT");
    throwsCode(lib, v(header({ alg: "EdDSA", kid: "k" })), "ERR_GRANTS_TYP", "no typ");
    throwsCode(lib, v(header({ alg: "EdDSA", typ: "camunda-grants+jwt", kid: "k", crit: ["exp"] })), "ERR_GRANTS_MALFORMED", "crit");
    throwsCode(lib, v(header({ alg: "EdDSA", typ: "camunda-grants+jwt", kid: "nope" })), "ERR_GRANTS_KEY_NOT_FOUND", "unknown kid");
    throwsCode(lib, v(token.split(".").slice(0, 2).join(".")), "ERR_GRANTS_MALFORMED", "two parts");
    throwsCode(lib, v(token + ".x"), "ERR_GRANTS_MALFORMED", "four parts");
    throwsCode(lib, v("%%%." + token.split(".").slice(1).join(".")), "ERR_GRANTS_MALFORMED", "bad base64url");
    throwsCode(lib, v(token, { maxTokenBytes: 100 }), "ERR_GRANTS_TOO_LARGE", "size bound");
    throwsCode(lib, () => lib.verifyGrants(42, key.jwks, UNCHECKED), "ERR_GRANTS_MALFORMED", "token not a string");
    throwsCode(lib, () => lib.verifyGrants(token, key.jwks, { now: NOW }), "ERR_ARGUMENT_INVALID", "issuer and audience are required");
    throwsCode(lib, () => lib.verifyGrants(token, key.jwks, { ...UNCHECKED, now: NOW, clockTolerance: 3601 }), "ERR_ARGUMENT_INVALID", "clockTolerance over an hour");
    throwsCode(lib, () => lib.verifyGrants(token, { keys: 1 }, UNCHECKED), "ERR_JWKS_INVALID", "bad JWKS");
    throwsCode(lib, () => lib.verifyGrants(token, { keys: [key.privateJwk] }, UNCHECKED), "ERR_JWKS_INVALID", "private key in a JWKS");
    throwsCode(lib, () => new Authorizer(suites[0].grants), "ERR_GRANTS_UNVERIFIED", "unverified payload to the constructor");
    const inspected = lib.inspectGrants(token);
    eq(inspected.verified, false, "inspect says it did not verify");
    eq(inspected.header.kid, "k", "inspect header");
  });

  check("api: a deny is an answer; bad operations and arguments throw AuthzError", () => {
    const authz = Authorizer.fromUnverifiedPayload(suites[0].grants);
    const task = { userTaskKey: "1", processDefinitionId: "nobody-has-this" };
    eq(authz.can("update", task), false, "deny is false");
    throwsCode(lib, () => authz.can("teleport", task), "ERR_OPERATION_UNKNOWN", "unknown operation");
    throwsCode(lib, () => authz.filter([task], "teleport"), "ERR_OPERATION_UNKNOWN", "unknown operation in filter");
    throwsCode(lib, () => authz.explain(null, task), "ERR_OPERATION_UNKNOWN", "null operation");
    throwsCode(lib, () => authz.filter("tasks"), "ERR_TASK_INVALID", "filter of a non-array");
    throwsCode(lib, () => Authorizer.fromUnverifiedPayload({ ver: 1 }), "ERR_GRANTS_MALFORMED", "payload without fields");
    throwsCode(lib, () => lib.signGrants({ ver: 1 }, lib.generateSigningKey("x").privateJwk), "ERR_GRANTS_MALFORMED", "signing a non-grant-set");
    throwsCode(lib, () => lib.signGrants(suites[0].grants, { kty: "OKP", crv: "Ed25519", x: "AAAA" }), "ERR_KEY_INVALID", "signing with a public key");
    throwsCode(lib, () => lib.generateSigningKey(""), "ERR_ARGUMENT_INVALID", "empty kid");
    eq(lib.OPERATIONS, OPS, "OPERATIONS");
    eq(authz.filter([]), [], "filter of nothing");
  });

  check("api: a large list filters in bulk and the scratch buffer survives memory growth", () => {
    const payload = suites.find((s) => s.grants.principal.groups?.length)?.grants ?? suites[0].grants;
    const authz = Authorizer.fromUnverifiedPayload(payload);
    const groups = payload.principal.groups ?? [];
    const tasks = Array.from({ length: 20000 }, (_, i) => ({
      userTaskKey: String(2251799813685249 + i),
      processDefinitionId: `p${i % 7}`,
      assignee: i % 5 === 0 ? payload.principal.id : null,
      candidateGroups: i % 3 === 0 ? [...groups, "x"] : ["y"],
      candidateUsers: [],
      tenantId: "<default>",
    }));
    const masks = authz.masks(tasks);
    eq(masks.length, tasks.length, "one mask per task");
    for (let i = 0; i < tasks.length; i += 997) eq(masks[i], maskOf(authz.actions(tasks[i])), `mask ${i}`);
    eq(authz.filter(tasks, "claim").length, tasks.filter((t) => authz.can("claim", t)).length, "filter agrees with can");
  });

  // Pre-signed fixtures (tests/corpus/grants-verification.json, made by
  // tests/js/make-grant-fixtures.mjs with node:crypto, not with this package): every runtime
  // must accept the same good tokens and refuse each bad one with the same code.
  const fixtures = Object.values(corpus).find((doc) => doc.grantVerification)?.grantVerification;
  check("grants: the pre-signed fixtures are in the corpus", () => {
    ok(fixtures !== undefined, "no corpus document has `grantVerification` (tests/corpus/grants-verification.json)");
    ok(fixtures.cases.some((c) => c.expectKid) && fixtures.cases.some((c) => c.expectError), "fixtures need good and bad tokens");
  });
  const jwksText = fixtures && JSON.stringify(fixtures.jwks);
  for (const c of fixtures?.cases ?? []) {
    const at = `grants: ${c.name}`;
    const options = { ...UNCHECKED, ...c.options };
    const asDate = { ...options, now: new Date(c.options.now * 1000) };
    if (c.expectError) {
      check(`${at} -> ${c.expectError}`, () => {
        throwsCode(lib, () => lib.verifyGrants(c.token, fixtures.jwks, options), c.expectError, at);
        throwsCode(lib, () => lib.verifyGrants(c.token, jwksText, asDate), c.expectError, `${at} (JWKS as text, now as a Date)`);
      });
      continue;
    }
    check(`${at} -> verifies and decides`, () => {
      const grants = lib.verifyGrants(c.token, fixtures.jwks, options);
      ok(grants instanceof lib.VerifiedGrants, `${at}: not VerifiedGrants`);
      eq(grants.header.alg, "EdDSA", `${at}: header.alg`);
      eq(grants.header.kid, c.expectKid, `${at}: header.kid`);
      eq(grants.payload.principal.id, fixtures.principalId, `${at}: payload.principal.id`);
      eq(lib.verifyGrants(c.token, jwksText, asDate).header.kid, c.expectKid, `${at}: JWKS as text, now as a Date`);
      const authz = new Authorizer(grants);
      for (const d of fixtures.decisions) {
        const what = `${at}: ${d.operation} ${JSON.stringify(d.task)}`;
        eq(authz.can(d.operation, d.task), d.allowed, `${what}: can`);
        eq(authz.explain(d.operation, d.task).allowed, d.allowed, `${what}: explain`);
        eq(authz.filter([d.task], d.operation).length, d.allowed ? 1 : 0, `${what}: filter`);
      }
      for (const q of fixtures.isAuthorized) {
        eq(authz.isAuthorized(q.resourceType, q.permissionType, q.resourceId), q.expect, `${at}: isAuthorized(${q.resourceType}, ${q.permissionType}, ${q.resourceId})`);
      }
    });
  }

  return checks;
}

/** A lifecycle refusal names what refused: the task's state or its assignee, in backticks. */
function namesWhatRefused(explained, task, what) {
  const halted = typeof task.processInstanceState === "string" && task.processInstanceState !== "ACTIVE";
  const field = { "task-not-active": halted ? "processInstanceState" : "state", "assigned-to-other": "assignee" }[explained.code];
  if (field === undefined) return;
  ok(explained.reason.includes(`\`${task[field]}\``), `${what}: the reason does not name ${field} \`${task[field]}\`: ${explained.reason}`);
}

function maskOf(actions) {
  return OPS.reduce((m, op, i) => (actions[op] ? m | (1 << i) : m), 0);
}

/** Runs every check, returning `{ passed, failed, failures }` (for runtimes without a test runner). */
export function runAll(lib, corpus) {
  const failures = [];
  let passed = 0;
  for (const { name, run } of conformance(lib, corpus)) {
    try {
      run();
      passed++;
    } catch (error) {
      failures.push(`${name}: ${error?.stack ?? error}`);
    }
  }
  return { passed, failed: failures.length, failures };
}
