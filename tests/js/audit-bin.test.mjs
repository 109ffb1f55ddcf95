// `camunda-authz audit` as a user runs it: docs/audit.md's command lines, exactly as written,
// with `npx` in a project that installed the packed package, against the Camunda stand-in; its
// sample outputs are what the bin prints for the cluster below (no difference, then a task the
// user's search hides injected). The bin as a child process: exit 0, 1 on a difference and on a
// failure to audit, 2 on usage and configuration errors; --json; --help.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStandin } from "../camunda-standin/index.mjs";
import { SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";
import { binEnv, salesPopulation } from "./support/issuer-population.mjs";
import { installPackage } from "./support/package.mjs";
import { run as runCommand } from "./support/run.mjs";

const BIN = fileURLToPath(new URL("../../pkg/issuer/bin.js", import.meta.url));
const DOC = readFileSync(new URL("../../docs/audit.md", import.meta.url), "utf8");

// The docs' cluster: alice in group sales, whose role task-worker reads the tasks of its candidate
// groups; two tasks for sales, one for another group; a service account that reads every task.
const data = salesPopulation({ authorizations: [{ ownerType: "CLIENT", ownerId: SERVICE_ACCOUNT.clientId, resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK"] }] });
data.users[0].name = "Alice";
data.tenants = [{ tenantId: "<default>", users: ["alice"] }];
data.userTasks = [
  { userTaskKey: "2251799813690005", processDefinitionId: "invoice", candidateGroups: ["sales"] },
  { userTaskKey: "2251799813690006", processDefinitionId: "invoice", candidateGroups: ["finance"] },
  { userTaskKey: "2251799813690007", processDefinitionId: "invoice", candidateGroups: ["sales"] },
];
const standin = await startStandin(data);
const { runDir } = await installPackage("audit");
after(async () => {
  await standin.close();
  rmSync(runDir, { recursive: true, force: true });
});
writeFileSync(join(runDir, "token.txt"), `${standin.userToken("alice")}\n`);
// The docs' variables, pointed at the stand-in (docs/audit.md sets no CAMUNDA_AUTHZ_ISSUER or _AUDIENCE).
const env = binEnv(standin, { CAMUNDA_AUTHZ_CAMUNDA_VERSION: "8.9" });
delete env.CAMUNDA_AUTHZ_ISSUER;
delete env.CAMUNDA_AUTHZ_AUDIENCE;

/** The fenced blocks of docs/audit.md with this language. */
const blocks = (language) => [...DOC.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === language).map((m) => m[2]);

/** Runs a command to its end in the project, with the test's variables alone: `{ code, out, err }`. */
async function run(command, args, options = {}) {
  const r = await runCommand(command, args, { cwd: runDir, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...options.env }, inheritEnv: false, timeout: 30_000 });
  return { code: r.code, out: r.stdout, err: r.stderr };
}
const audit = (args, options) => run(process.execPath, [BIN, "audit", ...args], options);

/** docs/audit.md's `npx camunda-authz audit` lines, as written. */
const documented = blocks("sh").flatMap((b) => b.split("\n")).filter((l) => l.startsWith("npx camunda-authz audit"));
const [cleanOutput, differenceOutput] = blocks("console");

test("docs/audit.md: its variables are the issuer's, and its command lines run as written", async () => {
  const exported = blocks("sh").flatMap((b) => [...b.matchAll(/^export ([A-Z_]+)=/gm)].map((m) => m[1]));
  assert.ok(exported.length >= 5);
  for (const name of exported) assert.ok(name in env, `docs/audit.md sets ${name}, which this test gives the bin`);
  assert.equal(documented.length, 2, "the two documented runs");
  const [text, json] = documented;
  const first = await run("bash", ["-c", text]);
  assert.equal(first.code, 0, first.err);
  assert.equal(first.out, cleanOutput, "the documented output is what the bin prints");
  const second = await run("bash", ["-c", json]);
  assert.equal(second.code, 0, second.err);
  const report = JSON.parse(readFileSync(join(runDir, "audit.json"), "utf8"));
  assert.deepEqual([report.subject, report.differences, report.tasks], ["alice", [], { user: 2, serviceAccount: 3, compared: 3, complete: true }]);
  standin.assertClean();
});

test("docs/audit.md: a difference prints as documented and exits 1", async () => {
  standin.fail({ path: "/v2/user-tasks/search", times: Infinity, transform: (body, request) => (request.as === "user:alice" ? { ...body, items: body.items.filter((t) => t.userTaskKey !== "2251799813690007"), page: { ...body.page, totalItems: body.page.totalItems - 1 } } : body) });
  try {
    const r = await run("bash", ["-c", documented[0]]);
    assert.equal(r.code, 1, r.err);
    assert.ok(r.out.endsWith(differenceOutput), `the documented difference:\n${r.out}`);
    const j = await audit(["--user-token-file", "token.txt", "--json"]);
    assert.equal(j.code, 1);
    const [d] = JSON.parse(j.out).differences;
    assert.deepEqual([d.operation, d.userTaskKey, d.grantSet, d.cluster, d.explanation.code], ["search", "2251799813690007", true, false, "granted"]);
  } finally {
    standin.clearFailures();
  }
});

test("usage and configuration errors exit 2; --help exits 0", async () => {
  for (const [args, message] of [
    [[], /exactly one of --user-token-file FILE and --user-token TOKEN/],
    [["--user-token", "x", "--user-token-file", "token.txt"], /exactly one of/],
    [["--user-token-file", "nope.txt"], /could not be read: ENOENT/],
    [["--user-token-file", "token.txt", "--max-tasks", "0"], /--max-tasks must be an integer from 1 to 10000/],
    [["--user-token-file", "token.txt", "--frobnicate"], /unknown option `--frobnicate`/],
    [["--user-token-file", "token.txt", "--json=yes"], /takes no value/],
  ]) {
    const r = await audit(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, message);
    assert.match(r.err, /see camunda-authz audit --help/);
  }
  const typo = await audit(["--user-token-file", "token.txt"], { env: { CAMUNDA_AUTHZ_PAGESIZE: "10" } });
  assert.equal(typo.code, 2);
  assert.match(typo.err, /unknown variable `CAMUNDA_AUTHZ_PAGESIZE`/);
  const badVersion = await audit(["--user-token-file", "token.txt"], { env: { CAMUNDA_AUTHZ_PAGE_SIZE: "0" } });
  assert.equal(badVersion.code, 2, badVersion.err);
  assert.match(badVersion.err, /CAMUNDA_AUTHZ_PAGE_SIZE/);
  const help = await audit(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.out, /^usage: camunda-authz audit/);
  const viaHelp = await run(process.execPath, [BIN, "help", "audit"]);
  assert.equal(viaHelp.out, help.out);
  const top = await run(process.execPath, [BIN, "help"]);
  assert.match(top.out, /audit {5}compare a user's grant set/);
});

test("a token the cluster refuses, or a cluster that is down: exit 1, saying the audit could not run", async () => {
  const refused = await audit(["--user-token", "not-a-token-the-cluster-made", "--json"]);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /the audit could not run: ERR_ISSUER_PRINCIPAL/);
  assert.equal(JSON.parse(refused.out).error.code, "ERR_ISSUER_PRINCIPAL");
  assert.ok(!refused.err.includes("not-a-token-the-cluster-made") && !refused.out.includes("not-a-token-the-cluster-made"), "the token is never echoed");
  const down = await audit(["--user-token-file", "token.txt"], { env: { CAMUNDA_REST_ADDRESS: "http://127.0.0.1:9", CAMUNDA_AUTHZ_TIMEOUT_MS: "2000" } });
  assert.equal(down.code, 1);
  assert.match(down.err, /the audit could not run: ERR_ISSUER_(UPSTREAM|AUTH)/);
});
