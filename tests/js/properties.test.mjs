// Property-based tests of the JS wrapper (fast-check): arbitrary task objects (plain, with a
// null prototype, with fields on the prototype, class instances, getters, Proxies, toJSON),
// arbitrary field values (boxed strings, NaN, functions, symbols, dates, BigInt, objects),
// sparse, huge and lying lists, and a polluted Object.prototype. The invariant: `can`,
// `actions`, `filter`, `masks`, `explain` and the edge path (`filterSearchResponse`, a separate
// reader in Rust) agree with each other and with a plain JSON round trip of the task, or all
// throw an AuthzError with the same code. Not generated: own properties made non-enumerable with
// Object.defineProperty (the fast path reads them; docs/bounds.md) and BigInt or cycles in
// fields the decision does not read (JSON.stringify throws on them, the wrapper never reads them).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";

const lib = await import(process.env.CAMUNDA_AUTHZ_PKG ?? new URL("../../pkg/node.mjs", import.meta.url).href);
const { Authorizer, AuthzError, OPERATIONS } = lib;

const MAX_CANDIDATES = 65536; // docs/bounds.md
const RUNS = Number(process.env.PROPERTY_RUNS ?? 1500);

const grants = (multiTenancyEnabled) => ({
  ver: 1, camundaVersion: "8.9", sub: "demo", exp: 9999999999, authorizationsEnabled: true, multiTenancyEnabled,
  principal: { type: "USER", id: "demo", groups: ["sales", "ops"], roles: ["worker"], tenants: ["<default>", "t1"] },
  authorizations: [
    { ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM"] },
    { ownerType: "USER", ownerId: "demo", resourceType: "USER_TASK", resourcePropertyName: "assignee", permissionTypes: ["READ", "UPDATE"] },
    { ownerType: "ROLE", ownerId: "worker", resourceType: "USER_TASK", resourcePropertyName: "candidateUsers", permissionTypes: ["COMPLETE"] },
    { ownerType: "USER", ownerId: "demo", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK", "CLAIM_USER_TASK"] },
    { ownerType: "USER", ownerId: "demo", resourceType: "USER_TASK", resourceId: "2251799813685249", permissionTypes: ["READ"] },
  ],
});
const AUTHORIZERS = [Authorizer.fromUnverifiedPayload(grants(false)), Authorizer.fromUnverifiedPayload(grants(true))];

// --- Arbitraries -----------------------------------------------------------------------------

/** Lists whose length (as JSON reads it) is over the bound: every method refuses them. */
const HUGE = new WeakSet();
const huge = (list) => (HUGE.add(list), list);

const word = fc.constantFrom("sales", "ops", "demo", "anna", "invoice", "order", "t1", "<default>", "", "2251799813685249", "7");
const str = fc.oneof({ weight: 5, arbitrary: word }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom("2251799813685249", "1", "7", "00") }, { weight: 1, arbitrary: str });

/** Anything a field may hold, as JSON meets it. */
const oddValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.constantFrom(NaN, Infinity, -0, 1.5),
  fc.boolean(),
  str.map((s) => new String(s)),
  str.map((s) => ({ toJSON: () => s })),
  fc.constant(() => "sales"),
  fc.constant(Symbol("sales")),
  fc.constant(new Date(0)),
  fc.constant(1n),
  fc.constant({}),
  fc.constant(Object(7)),
  fc.constant(Object(true)),
);
const stringValue = (base) => fc.oneof({ weight: 8, arbitrary: base }, { weight: 2, arbitrary: oddValue });

const sparse = fc.tuple(fc.array(str, { maxLength: 3 }), fc.integer({ min: 1, max: 4 })).map(([a, extra]) => {
  const b = a.slice();
  b.length += extra;
  return b;
});
const lyingLength = fc.tuple(fc.array(str, { maxLength: 3 }), fc.constantFrom(1000.5, NaN, -1, 2, 0.5, "2", 2 ** 40, Infinity)).map(([a, length]) => {
  const list = new Proxy(a, { get: (target, k) => (k === "length" ? length : Reflect.get(target, k)) });
  const n = Math.floor(Number(length));
  return n > MAX_CANDIDATES ? huge(list) : list;
});
const list = fc.oneof(
  { weight: 10, arbitrary: fc.array(str, { maxLength: 5 }) },
  { weight: 2, arbitrary: fc.array(stringValue(str), { maxLength: 4 }) },
  { weight: 1, arbitrary: sparse },
  { weight: 1, arbitrary: lyingLength },
  { weight: 1, arbitrary: fc.constantFrom(MAX_CANDIDATES + 1, 2 ** 29, 2 ** 32 - 1).map((n) => huge(new Array(n))) },
  { weight: 1, arbitrary: fc.array(str, { maxLength: 3 }).map((a) => Object.assign(a.slice(), { toJSON: () => a.slice().reverse() })) },
  { weight: 1, arbitrary: fc.array(str, { maxLength: 3 }).map((a) => new Proxy(a, {})) },
  { weight: 2, arbitrary: oddValue },
);

const fields = fc.record(
  {
    userTaskKey: stringValue(key),
    processDefinitionId: stringValue(fc.constantFrom("invoice", "order", "")),
    assignee: stringValue(fc.constantFrom("demo", "anna", "")),
    tenantId: stringValue(fc.constantFrom("<default>", "t1", "t2")),
    candidateUsers: list,
    candidateGroups: list,
    name: str,
    state: fc.constantFrom("CREATED", "COMPLETED"),
  },
  { requiredKeys: [] },
);

const SHAPES = ["plain", "nullProto", "protoHeld", "class", "getters", "proxy", "toJSON", "toJSONProxy"];
class SdkTask {}

/** A task of `shape` with `values` as its own fields (protoHeld: some on the prototype instead). */
function build(shape, values, onProto) {
  const own = { ...values };
  switch (shape) {
    case "plain":
      return own;
    case "nullProto":
      return Object.assign(Object.create(null), own);
    case "protoHeld": {
      const proto = {};
      for (const k of Object.keys(own)) if (onProto.includes(k) && !HUGE.has(own[k])) (proto[k] = own[k]), delete own[k];
      return Object.assign(Object.create(proto), own);
    }
    case "class":
      return Object.assign(new SdkTask(), own);
    case "getters": {
      const task = {};
      for (const [k, v] of Object.entries(own)) Object.defineProperty(task, k, { get: () => v, enumerable: true, configurable: true });
      return task;
    }
    case "proxy":
      return new Proxy(own, {});
    case "toJSON":
      return { userTaskKey: "nope", toJSON: () => own };
    case "toJSONProxy":
      return new Proxy({ toJSON: () => own }, {});
  }
}

const DECISION_FIELDS = ["userTaskKey", "processDefinitionId", "assignee", "tenantId", "candidateUsers", "candidateGroups"];
const pollution = fc.option(fc.constantFrom(["candidateGroups", ["sales"]], ["processDefinitionId", "invoice"], ["assignee", "demo"], ["userTaskKey", "2251799813685249"]), { nil: null });

// --- The invariant ---------------------------------------------------------------------------

function outcome(fn) {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: error instanceof AuthzError ? error.code : `not an AuthzError: ${error?.name}: ${error?.message}` };
  }
}

/** What a plain JSON round trip of `task` decides, through the wrapper and through the edge path. */
function reference(authz, task, values) {
  if (DECISION_FIELDS.some((k) => HUGE.has(values[k]))) return { all: { error: "ERR_TASK_INVALID" } };
  let text;
  try {
    text = JSON.stringify(task) ?? "null";
  } catch {
    return { all: { error: "ERR_TASK_INVALID" } }; // a BigInt in a decision field
  }
  const parsed = JSON.parse(text);
  const response = `{"items":[${text}],"page":{"totalItems":1}}`;
  const edge = Object.fromEntries(OPERATIONS.map((op) => [op, outcome(() => JSON.parse(authz.filterSearchResponse(response, op)).items.length === 1)]));
  return { actions: outcome(() => authz.actions(parsed)), edge };
}

function check(authz, task, values) {
  const ref = reference(authz, task, values);
  const actions = outcome(() => authz.actions(task));
  const mask = outcome(() => authz.masks([task])[0]);
  const expected = ref.all ?? ref.actions;
  assert.deepEqual(actions, expected, "actions vs the JSON round trip");
  for (const [i, op] of OPERATIONS.entries()) {
    const want = expected.error ? expected : { value: expected.value[op] };
    if (ref.edge) assert.deepEqual(ref.edge[op], want, `${op}: the edge path vs the JSON round trip`);
    assert.deepEqual(outcome(() => authz.can(op, task)), want, `${op}: can`);
    assert.deepEqual(outcome(() => authz.filter([task], op).length === 1), want, `${op}: filter`);
    assert.deepEqual(outcome(() => authz.explain(op, task).allowed), want, `${op}: explain`);
    assert.deepEqual(mask.error ? mask : { value: (mask.value & (1 << i)) !== 0 }, want, `${op}: masks`);
  }
}

test("can, actions, filter, masks, explain and the edge path agree with a JSON round trip of any task, or all throw the same code", () => {
  fc.assert(
    fc.property(fields, fc.constantFrom(...SHAPES), fc.subarray(DECISION_FIELDS), pollution, (values, shape, onProto, polluted) => {
      const task = build(shape, values, onProto);
      if (polluted) Object.prototype[polluted[0]] = polluted[1];
      try {
        for (const authz of AUTHORIZERS) check(authz, task, values);
      } finally {
        if (polluted) delete Object.prototype[polluted[0]];
      }
    }),
    { numRuns: RUNS },
  );
});

test("an own getter is called at most once per call, and a prototype getter never", () => {
  fc.assert(
    fc.property(fields, (values) => {
      const calls = {};
      const task = {};
      for (const [k, v] of Object.entries(values)) {
        calls[k] = 0;
        Object.defineProperty(task, k, { get: () => (calls[k]++, v), enumerable: true });
      }
      let inherited = 0;
      const proto = Object.defineProperty({}, "candidateGroups", { get: () => (inherited++, ["sales"]) });
      const child = Object.setPrototypeOf({ ...values, candidateGroups: undefined }, proto);
      delete child.candidateGroups;
      const authz = AUTHORIZERS[0];
      for (const run of [() => authz.actions(task), () => authz.can("claim", task), () => authz.filter([task]), () => authz.explain("claim", task), () => authz.masks([child]), () => authz.explain("claim", child)]) {
        for (const k of Object.keys(calls)) calls[k] = 0;
        outcome(run);
        for (const [k, n] of Object.entries(calls)) assert.ok(n <= 1, `${k} read ${n} times`);
      }
      assert.equal(inherited, 0, "a prototype getter was called");
    }),
    { numRuns: Math.ceil(RUNS / 3) },
  );
});

test("filter and masks over a list equal can on each task, and refuse the whole list for one bad task", () => {
  const plainTask = fc.record(
    {
      userTaskKey: key.filter((k) => /^\d{1,20}$/.test(k)),
      processDefinitionId: fc.constantFrom("invoice", "order"),
      assignee: fc.option(fc.constantFrom("demo", "anna"), { nil: null }),
      tenantId: fc.constantFrom("<default>", "t1", "t2"),
      candidateUsers: fc.array(word, { maxLength: 3 }),
      candidateGroups: fc.array(word, { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.array(plainTask, { maxLength: 40 }), fc.constantFrom(...OPERATIONS), fc.option(fc.nat(40), { nil: null }), (tasks, op, badAt) => {
      for (const authz of AUTHORIZERS) {
        assert.deepEqual(authz.filter(tasks, op), tasks.filter((t) => authz.can(op, t)));
        assert.deepEqual([...authz.masks(tasks)], tasks.map((t) => OPERATIONS.reduce((m, o, i) => m | (authz.can(o, t) ? 1 << i : 0), 0)));
        if (badAt !== null) {
          const bad = tasks.slice();
          bad.splice(Math.min(badAt, bad.length), 0, { candidateGroups: "sales" });
          assert.equal(outcome(() => authz.filter(bad, op)).error, "ERR_TASK_INVALID");
        }
      }
    }),
    { numRuns: Math.ceil(RUNS / 3) },
  );
});
