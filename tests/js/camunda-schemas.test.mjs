// The decision corpus holds only tasks Camunda's REST API can return: every corpus task goes
// through `userTaskSchema` of Camunda's published schemas (@camunda/camunda-api-zod-schemas, what
// Camunda's own frontends validate with).
//
// Corpus tasks are partial (only the fields a decision reads), so each one is laid over a base
// task that holds every field the schema requires, and then:
// - every field the corpus task sets must be one the schema knows (the API has no other), and
// - the schema must accept the merged task and give back the corpus's own fields unchanged.
// Every case is checked against 8.9 and 8.10; a case of a suite whose grant set says
// `camundaVersion` "8.8" is checked against 8.8 too (8.8 omits an absent field where 8.9 sends
// null, so an 8.9 task is not an 8.8 one). Left out: 11-invalid-tasks.json (inputs no API
// returns, on purpose), cases whose task is not an object, and cases that say why they are not
// from the API in a member `"notFromApi": "<why>"`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadCorpus } from "./corpus.mjs";

const SKIPPED_FILES = new Set(["11-invalid-tasks.json"]);
const ALWAYS = ["8.9", "8.10"];

/** A value for each field a version's schema may require; the base task takes the required ones. */
const SAMPLE = {
  state: "CREATED",
  processDefinitionVersion: 1,
  processDefinitionId: "base-process",
  processDefinitionKey: "2251799813680001",
  processInstanceKey: "2251799813680002",
  rootProcessInstanceKey: "2251799813680002",
  elementId: "base-task",
  elementInstanceKey: "2251799813680003",
  tenantId: "<default>",
  userTaskKey: "2251799813680004",
  candidateGroups: [],
  candidateUsers: [],
  creationDate: "2026-11-22T10:00:00.000Z",
  priority: 50,
  tags: [],
};

const schemas = {};
for (const version of ["8.8", "8.9", "8.10"]) {
  schemas[version] = (await import(`@camunda/camunda-api-zod-schemas/${version}`)).userTaskSchema;
}

/** The base task of a version: the schema's required fields (nullable ones null). */
function baseTask(schema) {
  const base = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (field.safeParse(undefined).success) continue; // optional
    if (field.safeParse(null).success) base[key] = null;
    else if (key in SAMPLE) base[key] = SAMPLE[key];
    else assert.fail(`the schema requires \`${key}\`, which SAMPLE has no value for`);
  }
  return base;
}

/** Why the schema of `version` refuses this corpus task, or null when it takes it. */
function refusal(version, task) {
  const schema = schemas[version];
  const unknown = Object.keys(task).filter((key) => !(key in schema.shape));
  if (unknown.length > 0) return `${unknown.map((k) => `\`${k}\``).join(", ")} not a field of the API's user task`;
  const parsed = schema.safeParse({ ...baseTask(schema), ...task });
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `\`${i.path.join(".")}\`: ${i.message}`).join("; ");
  }
  for (const [key, value] of Object.entries(task)) {
    if (JSON.stringify(parsed.data[key]) !== JSON.stringify(value)) return `\`${key}\` comes back as ${JSON.stringify(parsed.data[key])}`;
  }
  return null;
}

/**
 * The one field a task may carry that the API's user task does not: `processInstanceState`, the
 * state of its process instance, which the caller adds from the process-instance API (docs/rules.md,
 * step 0). It is checked against that API's enum; the rest of the task must be a user task.
 */
const ADDED_BY_CALLER = "processInstanceState";
const INSTANCE_STATES = new Set(["ACTIVE", "SUSPENDED", "COMPLETED", "TERMINATED"]);

/** The corpus cases to check: `{ where, versions, task }` (the task without the caller's field). */
function apiCases() {
  const cases = [];
  for (const [file, doc] of Object.entries(loadCorpus())) {
    if (SKIPPED_FILES.has(file)) continue;
    for (const suite of doc.suites ?? []) {
      const versions = suite.grants?.camundaVersion === "8.8" ? ["8.8", ...ALWAYS] : ALWAYS;
      for (const c of suite.cases ?? []) {
        const where = `${file} / ${suite.name} / ${c.name}`;
        if (c.notFromApi !== undefined) {
          assert.ok(typeof c.notFromApi === "string" && c.notFromApi.length > 0, `${where}: \`notFromApi\` says why, as a string`);
          continue;
        }
        if (typeof c.task !== "object" || c.task === null || Array.isArray(c.task)) continue;
        const { [ADDED_BY_CALLER]: instance, ...task } = c.task;
        // A process-instance state the API has, or null; anything else must say why it is there.
        if (instance !== undefined && instance !== null && !INSTANCE_STATES.has(instance)) {
          assert.fail(`${where}: \`${ADDED_BY_CALLER}\` ${JSON.stringify(instance)} is not one the process-instance API reports (say why in "notFromApi")`);
        }
        cases.push({ where, versions, task });
      }
    }
  }
  return cases;
}

test("each version's base task is one its schema accepts, and the corpus has cases to check", () => {
  for (const [version, schema] of Object.entries(schemas)) {
    assert.ok(schema, `${version} has a userTaskSchema`);
    const parsed = schema.safeParse(baseTask(schema));
    assert.ok(parsed.success, `${version} base task: ${parsed.error?.message}`);
  }
  assert.ok(apiCases().length > 100, "the corpus cases were found");
});

test("the checks can fail: fields the API never returns are refused", () => {
  for (const version of ["8.8", ...ALWAYS]) {
    assert.match(refusal(version, { state: "DELETED" }) ?? "", /state/, `${version}: an unknown state`);
    assert.match(refusal(version, { candidateGroups: "sales" }) ?? "", /candidateGroups/, `${version}: a string for a list`);
    assert.match(refusal(version, { processDefinitionId: null }) ?? "", /processDefinitionId/, `${version}: null for a required field`);
    assert.match(refusal(version, { owner: "demo" }) ?? "", /`owner` not a field/, `${version}: a field the API does not have`);
  }
  assert.match(refusal("8.8", { assignee: null }) ?? "", /assignee/, "8.8 omits an absent assignee instead of sending null");
  assert.equal(refusal("8.9", { assignee: null }), null, "8.9 sends null for an absent assignee");
  assert.match(refusal("8.8", { state: "CREATING" }) ?? "", /state/, "8.8 has no CREATING state");
  assert.equal(refusal("8.10", { state: "CREATING" }), null, "8.10 has CREATING");
});

test("every corpus task is one Camunda's REST API can return (userTaskSchema 8.9, 8.10; 8.8 for 8.8 suites)", () => {
  const refused = [];
  for (const { where, versions, task } of apiCases()) {
    for (const version of versions) {
      const why = refusal(version, task);
      if (why !== null) refused.push(`${where} (${version}): ${why}`);
    }
  }
  assert.deepEqual(refused, [], `corpus tasks the API cannot return (fix the task, or say why in "notFromApi"):\n${refused.join("\n")}`);
});
