// The issuer's JSONPath subset (issuer/jsonpath.js) against what Jayway JsonPath answers for the
// same expressions with Camunda's option DEFAULT_PATH_LEAF_TO_NULL: definite paths read one value
// (null for a missing last name, undefined past a missing step), indefinite ones (`*`, `..`) a
// list; what Jayway refuses is `invalid`, what only the issuer cannot evaluate is not.
import { test } from "node:test";
import assert from "node:assert/strict";

const PKG = new URL("../../pkg/", import.meta.url);
const { compileJsonPath, readJsonPath, JsonPathError } = await import(new URL("issuer/jsonpath.js", PKG).href);

const read = (expression, claims) => readJsonPath(compileJsonPath(expression), claims);
const claims = {
  sub: "alice",
  "a.b": "literal",
  realm_access: { groups: ["g1", "g2"], roles: ["admin"] },
  "https://acme.com/groups": ["acme"],
  orgs: [{ name: "o1", teams: [{ name: "t1" }] }, { name: "o2" }, { id: 3 }],
  "it's": "quoted",
};

test("definite paths: names, quoted names and indexes, a path without `$` starting at the root", () => {
  assert.equal(read("$.sub", claims), "alice");
  assert.equal(read("sub", claims), "alice", "Jayway's PathCompiler prefixes `$.`");
  assert.deepEqual(read("realm_access.groups", claims), ["g1", "g2"], "without `$` a dotted name is nested, as Jayway reads it");
  assert.equal(read("$['a.b']", claims), "literal");
  assert.equal(read('$["a.b"]', claims), "literal");
  assert.deepEqual(read("$['https://acme.com/groups']", claims), ["acme"]);
  assert.equal(read("$['it\\'s']", claims), "quoted");
  assert.equal(read("$.realm_access.groups[1]", claims), "g2");
  assert.equal(read("$.realm_access.groups[-1]", claims), "g2");
  assert.equal(read("$.orgs[0].teams[0].name", claims), "t1");
  assert.equal(read("$.email", claims), null, "a missing last name reads null (DEFAULT_PATH_LEAF_TO_NULL)");
  assert.equal(read("$.nothing.here", claims), undefined, "past a missing step: nothing");
  assert.equal(read("$.realm_access.groups[5]", claims), undefined);
  assert.equal(read("$.sub.length", claims), undefined, "a name on a string");
  assert.deepEqual(read("$", { x: 1 }), { x: 1 });
});

test("indefinite paths: `[*]`, `.*` and `..` read the list of what they reach", () => {
  assert.deepEqual(read("$.realm_access.groups[*]", claims), ["g1", "g2"]);
  assert.deepEqual(read("$.realm_access.*", claims), [["g1", "g2"], ["admin"]]);
  assert.deepEqual(read("$.orgs[*].name", claims), ["o1", "o2", null], "a missing last name adds null on each branch");
  assert.deepEqual(read("$..groups", claims), [["g1", "g2"]], "a scan reads each value: a list of lists");
  assert.deepEqual(read("$..groups[*]", claims), ["g1", "g2"]);
  assert.deepEqual(read("$..name", claims).sort(), ["o1", "o2", "t1"], "a scan reaches only the objects that have the name");
  assert.deepEqual(read("$..sub", claims), ["alice"]);
  assert.deepEqual(read("$..['a.b']", claims), ["literal"]);
  assert.deepEqual(read("$.missing[*]", claims), []);
  // Jayway reads a bracket after a single `.` (PathCompiler.readDotToken goes on with
  // readNextToken): camunda/camunda's TokenClaimsConverterTest reads `$.groups[*].['name']`.
  assert.deepEqual(read("$.orgs[*].['name']", claims), ["o1", "o2", null]);
  assert.deepEqual(read("$.['realm_access'].groups[0]", claims), "g1");
});

test("what Jayway refuses is invalid; what the issuer does not evaluate is named, not invalid", () => {
  for (const bad of ["$.sub['", "$.", "$..", "$.a b", "$sub"]) {
    assert.throws(() => compileJsonPath(bad), (e) => e instanceof JsonPathError && e.invalid === true, bad);
  }
  for (const [expression, what] of [
    ["$.groups[?(@ == 'x')]", /a filter/],
    ["$.groups[0:2]", /slice/],
    ["$['a','b']", /union of names/],
    ["$.groups[0,1]", /union of indexes/],
    ["$.groups.length()", /a function/],
    ["@.sub", /`@`/],
  ]) {
    assert.throws(() => compileJsonPath(expression), (e) => e instanceof JsonPathError && e.invalid === false && what.test(e.message), expression);
  }
});

test("a scan over claims nested deeper than it walks is an error, not a stack overflow", () => {
  let deep = { leaf: "x" };
  for (let i = 0; i < 200; i++) deep = { n: deep };
  assert.throws(() => read("$..leaf", deep), (e) => e instanceof JsonPathError && /deeper than/.test(e.message));
});
