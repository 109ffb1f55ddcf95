// The edge path `authz.filterSearchResponse(responseJson, operation = "search")` of the assembled
// package: agrees with `filter` on the corpus and on seeded random lists, keeps every other member
// and each kept item byte for byte, and rejects bad input with stable codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCorpus } from "./corpus.mjs";

const lib = await import(process.env.CAMUNDA_AUTHZ_PKG ?? new URL("../../pkg/node.mjs", import.meta.url).href);
const { Authorizer, AuthzError, OPERATIONS } = lib;

const page = { totalItems: 3, startCursor: "WzBd", endCursor: null, hasMoreTotalItems: false };
const response = (items, extra = {}) => JSON.stringify({ items, page: { ...page, totalItems: items.length }, ...extra });

function throwsCode(fn, code, message) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof AuthzError, `not an AuthzError: ${error}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** mulberry32 */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GRANTS = {
  iss: "i", aud: "a", sub: "demo", iat: 1763800000, exp: 1763800900, ver: 1, camundaVersion: "8.9",
  authorizationsEnabled: true, multiTenancyEnabled: false,
  principal: { type: "USER", id: "demo", groups: ["sales", "ops/eu"], roles: ["task-worker"], tenants: ["<default>"], mappingRules: [] },
  authorizations: [
    { ownerType: "USER", ownerId: "demo", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK"] },
    { ownerType: "GROUP", ownerId: "ops/eu", resourceType: "PROCESS_DEFINITION", resourceId: "ünïcode-😀", permissionTypes: ["UPDATE_USER_TASK"] },
    { ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "assignee", permissionTypes: ["READ", "CLAIM", "COMPLETE"] },
    { ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "candidateUsers", permissionTypes: ["READ"] },
    { ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "COMPLETE"] },
    { ownerType: "USER", ownerId: "demo", resourceType: "USER_TASK", resourceId: "77", permissionTypes: ["UPDATE"] },
  ],
};

const PROCESSES = ["invoice", "order", "Invoice", "", "in\"voice", "ünïcode-😀"];
const USERS = ["demo", "anna", "Demo", "", "de\\mo", "😀"];
const GROUPS = ["sales", "ops", "Sales", "", "ops/eu"];
// Every state, and strings that are none (an edge path must refuse writes on them as filter does).
const STATES = ["CREATED", "CREATING", "ASSIGNING", "UPDATING", "COMPLETING", "COMPLETED", "CANCELING", "CANCELED", "FAILED", "created", "", "DONE"];

function randomTask(rnd, i) {
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const maybe = (v) => (rnd() < 0.2 ? null : v);
  const task = { name: `task ${i} "quoted" \\ \u0001 é` };
  if (rnd() < 0.9) task.userTaskKey = maybe(rnd() < 0.1 ? "77" : String(1000 + i));
  if (rnd() < 0.9) task.processDefinitionId = maybe(pick(PROCESSES));
  if (rnd() < 0.9) task.assignee = maybe(pick(USERS));
  if (rnd() < 0.9) task.candidateUsers = maybe(Array.from({ length: Math.floor(rnd() * 4) }, () => pick(USERS)));
  if (rnd() < 0.9) task.candidateGroups = maybe(Array.from({ length: Math.floor(rnd() * 4) }, () => pick(GROUPS)));
  if (rnd() < 0.9) task.state = maybe(rnd() < 0.6 ? "CREATED" : pick(STATES));
  task.customHeaders = { a: [1, -2.5e3, true, null, { b: [] }] };
  task.tenantId = "<default>";
  return task;
}

test("agrees with filter() on every corpus suite and operation", () => {
  let checked = 0;
  for (const [file, doc] of Object.entries(loadCorpus())) {
    for (const suite of doc.suites) {
      const authz = Authorizer.fromUnverifiedPayload(suite.grants);
      const tasks = (suite.cases ?? []).filter((c) => !c.expectError).map((c) => c.task);
      const text = response(tasks);
      for (const op of OPERATIONS) {
        const out = JSON.parse(authz.filterSearchResponse(text, op));
        assert.deepEqual(out.items, authz.filter(tasks, op), `${file} / ${suite.name} / ${op}`);
        assert.deepEqual(out.page, JSON.parse(text).page);
        checked++;
      }
      // The default operation is `search`.
      assert.equal(authz.filterSearchResponse(text), authz.filterSearchResponse(text, "search"));
    }
  }
  assert.ok(checked > 50, `only ${checked} checks`);
});

test("rejects every invalid corpus task with ERR_TASK_INVALID naming its index, as filter() does", () => {
  let checked = 0;
  for (const doc of Object.values(loadCorpus())) {
    for (const suite of doc.suites) {
      const authz = Authorizer.fromUnverifiedPayload(suite.grants);
      for (const c of (suite.cases ?? []).filter((c) => c.expectError)) {
        const items = [{ processDefinitionId: "invoice" }, c.task];
        throwsCode(() => authz.filter(items), c.expectError);
        throwsCode(() => authz.filterSearchResponse(response(items)), c.expectError, /item 1\b/);
        checked++;
      }
    }
  }
  assert.ok(checked > 20, `only ${checked} checks`);
});

test("agrees with filter() on seeded random lists, compact, pretty-printed and non-ASCII", () => {
  const authz = Authorizer.fromUnverifiedPayload(GRANTS);
  const rnd = prng(0x5eed);
  let kept = 0;
  let dropped = 0;
  for (let round = 0; round < 200; round++) {
    const tasks = Array.from({ length: Math.floor(rnd() * 40) }, (_, i) => randomTask(rnd, i));
    const text = round % 2 ? JSON.stringify(JSON.parse(response(tasks)), null, round % 4 === 1 ? 2 : "\t") : response(tasks);
    for (const op of OPERATIONS) {
      const want = authz.filter(tasks, op);
      const out = authz.filterSearchResponse(text, op);
      const got = JSON.parse(out);
      assert.deepEqual(got.items, want, `round ${round} ${op}`);
      assert.deepEqual(got.page, { ...page, totalItems: tasks.length }, "page totals are left to the caller");
      kept += want.length;
      dropped += tasks.length - want.length;
    }
  }
  assert.ok(kept > 100 && dropped > 100, `kept ${kept}, dropped ${dropped}`);
});

test("keeps every other member and each kept item byte for byte", () => {
  const authz = Authorizer.fromUnverifiedPayload(GRANTS);
  const text =
    '\n { "page" : {"totalItems":3, "x": [1 , 2]} ,"items":[ {"processDefinitionId" : "invoice","n":1.50} ,\n' +
    '{"processDefinitionId":"order"}, {"processDefinitionId":"inv\\u006Fice", "assignee":"\\ud800", "é":"😀"}\t] , "z" : "\\u00e9", "tail": {"items": [1]} }\r\n';
  assert.equal(
    authz.filterSearchResponse(text, "get"),
    '\n { "page" : {"totalItems":3, "x": [1 , 2]} ,"items":[{"processDefinitionId" : "invoice","n":1.50},' +
      '{"processDefinitionId":"inv\\u006Fice", "assignee":"\\ud800", "é":"😀"}] , "z" : "\\u00e9", "tail": {"items": [1]} }\r\n',
  );
  assert.equal(authz.filterSearchResponse(text, "update").includes('"items":[]'), true);
  // A non-ASCII grant name is matched after the wrapper's UTF-8 encoding.
  const unicode = response([{ processDefinitionId: "ünïcode-😀" }, { processDefinitionId: "ünïcode" }]);
  assert.deepEqual(JSON.parse(authz.filterSearchResponse(unicode, "update")).items, [{ processDefinitionId: "ünïcode-😀" }]);
});

test("handles a large response whose non-ASCII text starts late (buffer growth)", () => {
  const authz = Authorizer.fromUnverifiedPayload(GRANTS);
  const tasks = Array.from({ length: 20000 }, (_, i) => ({ userTaskKey: String(10 + i), processDefinitionId: i % 3 ? "order" : "invoice", name: "x".repeat(60) }));
  tasks.push({ userTaskKey: "5", processDefinitionId: "invoice", name: "😀 é ü".repeat(1000) });
  const text = response(tasks);
  for (let round = 0; round < 3; round++) {
    const got = JSON.parse(authz.filterSearchResponse(text, "get"));
    assert.deepEqual(got.items, authz.filter(tasks, "get"));
  }
  // And a small one again afterwards.
  assert.deepEqual(JSON.parse(authz.filterSearchResponse(response([{ processDefinitionId: "invoice" }]))).items, [{ processDefinitionId: "invoice" }]);
});

test("rejects bad input with stable codes", () => {
  const authz = Authorizer.fromUnverifiedPayload(GRANTS);
  for (const value of [undefined, null, 42, {}, { items: [] }, ["{}"], new TextEncoder().encode('{"items":[]}')]) {
    throwsCode(() => authz.filterSearchResponse(value), "ERR_ARGUMENT_INVALID");
  }
  const argument = ["", "[]", "null", '"items"', "{", "{}", '{"page":{}}', '{"items":{}}', '{"items":null}', '{"items":[]', '{"items":[]}x',
    '{"items":[],"items":[]}', '{"items":[{},]}', '{"items":[{"a":01}]}', '{"items":[{"a":"\\x"}]}', "{items:[]}", '{"items":[{"processDefinitionId":"x}]}'];
  for (const text of argument) throwsCode(() => authz.filterSearchResponse(text), "ERR_ARGUMENT_INVALID");
  // A lone surrogate in the text itself (not escaped) has no UTF-8 form.
  throwsCode(() => authz.filterSearchResponse('{"items":[{"processDefinitionId":"\ud800"}]}'), "ERR_ARGUMENT_INVALID", /surrogate/);
  throwsCode(() => authz.filterSearchResponse('{"items":[{}, null]}'), "ERR_TASK_INVALID", /item 1\b/);
  throwsCode(() => authz.filterSearchResponse('{"items":[{},{},{"userTaskKey":12}]}'), "ERR_TASK_INVALID", /item 2\b/);
  throwsCode(() => authz.filterSearchResponse('{"items":[{"candidateGroups":"sales"}]}'), "ERR_TASK_INVALID", /item 0\b/);
  throwsCode(() => authz.filterSearchResponse('{"items":[]}', "read"), "ERR_OPERATION_UNKNOWN");
  throwsCode(() => authz.filterSearchResponse('{"items":[]}', null), "ERR_OPERATION_UNKNOWN");
  // After errors the Authorizer still answers.
  assert.equal(authz.filterSearchResponse('{"items":[]}'), '{"items":[]}');
});
