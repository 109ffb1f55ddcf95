// Camunda's own tests as the conformance suite of the decisions: every test method of the engine's
// user-task test classes (UserTaskClaimAuthorizationTest, ..., MultiTenantUserTaskOperationsTest,
// UserTaskSuspensionGateTest, the rejection cases of ClaimUserTaskTest, ...), transcribed into
// tests/conformance/camunda/engine/<Class>.json with the commit read, each case naming its Camunda
// test method. Each case is one grant set, one task and one command, with what Camunda's test
// expects (accepted, or rejected with a rejection type) and the decision that means here; the
// package must decide it so. A case that cannot be one grant set, one task and one command says
// why (`inexpressible`); a file's `normalized` list says what was written differently from the
// Java test and why. docs/rules.md ("Camunda's own tests") has the counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";

const lib = await import(process.env.CAMUNDA_AUTHZ_PKG ?? new URL("../../pkg/node.mjs", import.meta.url).href);
const DIR = new URL("../conformance/camunda/engine/", import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
const OPERATIONS = new Set(lib.OPERATIONS);

/** The grant-set payload a case describes (its Camunda release, or the newest for "unknown"). */
function payloadOf(doc, c) {
  const version = [c.camundaVersion, doc.camundaVersion].find((v) => /^8\.\d+$/.test(v ?? "")) ?? "8.10";
  return {
    ver: 1, exp: 2_000_000_000, camundaVersion: version,
    authorizationsEnabled: c.authorizationsEnabled, multiTenancyEnabled: c.multiTenancyEnabled,
    principal: c.principal, authorizations: c.authorizations ?? [],
  };
}

const counts = [];
for (const file of FILES) {
  const doc = JSON.parse(readFileSync(new URL(file, DIR), "utf8"));
  test(`${doc.camundaClass} (${doc.repo} ${doc.path} @${doc.commit.slice(0, 8)})`, (t) => {
    assert.equal(`${doc.camundaClass}.json`, file, "a file per class, named after it");
    assert.match(doc.commit, /^[0-9a-f]{40}$/, "the commit read");
    assert.ok(doc.cases.length > 0);
    let decided = 0;
    let inexpressible = 0;
    for (const c of doc.cases) {
      const at = `${doc.camundaClass}.${c.camundaTest}`;
      assert.match(c.camundaTest, /^\w+(#\d+|\[[^\]]+\])?$/, `${at}: a Camunda test method`);
      if (c.inexpressible !== undefined) {
        assert.ok(typeof c.inexpressible === "string" && c.inexpressible.length > 20, `${at}: says why it cannot be expressed`);
        inexpressible++;
        continue;
      }
      assert.ok(OPERATIONS.has(c.operation), `${at}: operation ${c.operation}`);
      assert.ok(c.camundaExpects?.outcome === "accepted" || c.camundaExpects?.outcome === "rejected", `${at}: what Camunda expects`);
      assert.equal(c.expect.allowed, c.camundaExpects.outcome === "accepted", `${at}: expect follows camundaExpects`);
      const authz = lib.Authorizer.fromUnverifiedPayload(payloadOf(doc, c));
      const task = c.processInstanceState === undefined ? c.task : { ...c.task, processInstanceState: c.processInstanceState };
      const got = authz.explain(c.operation, task);
      assert.equal(authz.can(c.operation, task), c.expect.allowed, `${at}: can(${c.operation})`);
      assert.deepEqual({ allowed: got.allowed, code: got.code }, c.expect, `${at}: Camunda ${c.camundaExpects.outcome}${c.camundaExpects.rejectionType ? ` ${c.camundaExpects.rejectionType}` : ""}; here: ${got.reason}`);
      decided++;
    }
    counts.push({ camundaClass: doc.camundaClass, commit: doc.commit.slice(0, 8), cases: doc.cases.length, decided, inexpressible });
    t.diagnostic(`${doc.camundaClass}: ${doc.cases.length} cases, ${decided} decided as Camunda expects, ${inexpressible} inexpressible`);
  });
}

test("every class the suite promises is transcribed", () => {
  const classes = FILES.map((f) => f.replace(/\.json$/, ""));
  for (const name of [
    "UserTaskClaimAuthorizationTest", "UserTaskAssignAuthorizationTest", "UserTaskCompleteAuthorizationTest", "UserTaskUpdateAuthorizationTest",
    "MultiTenantUserTaskOperationsTest", "UserTaskSuspensionGateTest",
    "ClaimUserTaskTest", "AssignUserTaskTest", "CompleteUserTaskTest", "UpdateUserTaskTest",
  ]) assert.ok(classes.includes(name), name);
  const decided = counts.reduce((n, c) => n + c.decided, 0);
  assert.ok(decided >= 80, `only ${decided} cases decided`);
});
