// camunda-authz benchmark: the package (Rust compiled to wasm) side by side with a plain
// JavaScript implementation of the same decision and with @casl/ability, in one process and one
// run. Run it with `./x bench` (builds pkg/ first) or `node bench/run.mjs [--quick]`.
// Exits non-zero only when the implementations disagree; budgets are reported, never enforced.
// Writes the results to bench/RESULTS.md. See bench/README.md for what each figure means.

import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";

import * as W from "./workload.mjs";
import { PlainAuthorizer, importJwks, verifyPlain, OPERATIONS } from "./impl-plain.mjs";
import { CaslAuthorizer } from "./impl-casl.mjs";
import { browserFiles } from "./browser-files.mjs";
import { browserStart } from "./browser.mjs";

const started = performance.now();
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const PKG_URL = new URL("../pkg/node.mjs", import.meta.url);
const NODE_MODULES = path.join(ROOT, "tests/js/node_modules");
const QUICK = process.argv.includes("--quick");
const COLD_RUNS = QUICK ? 5 : 11;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");

const lib = await import(PKG_URL.href);
const jose = await import(new URL("../tests/js/node_modules/jose/dist/webapi/index.js", import.meta.url).href);

// --- small helpers ---------------------------------------------------------------------------

let SINK = 0;
function sink(v) {
  SINK = (SINK + (typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : typeof v === "string" ? v.length : Array.isArray(v) ? v.length : 1)) | 0;
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
};

function log(...args) {
  process.stderr.write(args.join(" ") + "\n");
}

/**
 * Times each case `reps` times after `warmup` untimed rounds, interleaving the cases (the order
 * rotates every round) so drift hits them alike. `perOp` divides each sample (ns per operation).
 * Returns { key: { median, p25, p75, samples } } in ns.
 */
async function measure(cases, { reps, warmup, perOp = 1 }) {
  for (let w = 0; w < warmup; w++) for (const c of cases) sink(c.async ? await c.fn() : c.fn());
  gc();
  const samples = cases.map(() => []);
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < cases.length; j++) {
      const i = (j + r) % cases.length;
      const c = cases[i];
      const t0 = process.hrtime.bigint();
      const v = c.async ? await c.fn() : c.fn();
      const t1 = process.hrtime.bigint();
      sink(v);
      samples[i].push(Number(t1 - t0) / perOp);
    }
  }
  const out = {};
  cases.forEach((c, i) => {
    out[c.key] = { median: median(samples[i]), p25: quantile(samples[i], 0.25), p75: quantile(samples[i], 0.75), samples: samples[i].length };
  });
  return out;
}

function fmtTime(ns) {
  if (ns === undefined || ns === null || Number.isNaN(ns)) return "n/a";
  if (ns < 1000) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
}
function fmtBytes(b) {
  if (b === undefined || b === null) return "n/a";
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${(b / 1024 / 1024).toFixed(2)} MiB`;
}
const fmtRatio = (r) => (r === undefined || !Number.isFinite(r) ? "" : `${r < 10 ? r.toFixed(2) : r.toFixed(1)}x`);

// --- disagreements ---------------------------------------------------------------------------

const disagreements = [];
function disagree(what, detail) {
  disagreements.push(`${what}: ${detail}`);
  log(`DISAGREEMENT ${what}: ${detail}`);
}

/** Compares two lists of the same task objects (identity, order). */
function sameList(what, expected, actual, tasks) {
  if (expected.length !== actual.length || expected.some((t, i) => t !== actual[i])) {
    const a = new Set(actual);
    const e = new Set(expected);
    const missing = expected.filter((t) => !a.has(t));
    const extra = actual.filter((t) => !e.has(t));
    const sample = (missing[0] ?? extra[0]) ?? null;
    disagree(what, `expected ${expected.length} allowed of ${tasks.length}, got ${actual.length} (${missing.length} missing, ${extra.length} extra${sample ? `; e.g. userTaskKey ${sample.userTaskKey}: ${JSON.stringify(pick(sample))}` : ""})`);
    return false;
  }
  return true;
}
const pick = (t) => ({ processDefinitionId: t.processDefinitionId, assignee: t.assignee, candidateUsers: t.candidateUsers, candidateGroups: t.candidateGroups });

// --- keys and tokens -------------------------------------------------------------------------

/** A fixed Ed25519 key (seed from a constant), so the tokens are the same on every run. */
function fixedSigningKey(kid) {
  const seed = crypto.createHash("sha256").update("camunda-authz benchmark signing key").digest();
  const der = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const jwk = crypto.createPrivateKey({ key: der, format: "der", type: "pkcs8" }).export({ format: "jwk" });
  const privateJwk = { kty: "OKP", crv: "Ed25519", d: jwk.d, x: jwk.x, kid, alg: "EdDSA", use: "sig" };
  const publicJwk = { kty: "OKP", crv: "Ed25519", x: jwk.x, kid, alg: "EdDSA", use: "sig" };
  return { privateJwk, publicJwk, jwks: { keys: [publicJwk] } };
}

const key = fixedSigningKey("bench-2026");
const sign = (payload) => lib.signGrants(payload, key.privateJwk, { now: W.IAT });
const verifyOptions = { now: W.NOW, issuer: W.ISSUER, audience: W.AUDIENCE };

const payload10 = W.grantPayload();
const payload1000 = W.grantPayload([...W.baseAuthorizations(), ...W.fillerAuthorizations(990)]);
const { payload: payload2k, token: token2k } = W.payloadOfTokenSize(2048, sign);
const token10 = sign(payload10);

// The token signed by the package must verify with the other verifiers too (interop).
const plainKeys = importJwks(crypto, key.jwks);
const joseKey = await jose.importJWK(key.publicJwk, "EdDSA");
verifyPlain(crypto, token2k, plainKeys, verifyOptions);
await jose.jwtVerify(token2k, joseKey, { algorithms: ["EdDSA"], typ: "camunda-grants+jwt", issuer: W.ISSUER, audience: W.AUDIENCE, currentDate: new Date(W.NOW * 1000) });

log(`workload: user ${W.USERNAME} in ${W.USER_GROUPS.join(", ")}; READ_USER_TASK on ${W.READABLE_PROCESSES.join(", ")}; 2 KB token = ${token2k.length} bytes (${payload2k.authorizations.length} grants)`);

// --- tasks -----------------------------------------------------------------------------------

const SIZES = [1000, 10000, 100000];
const tasksBySize = new Map();
for (const n of SIZES) {
  const tasks = W.generateTasks(n);
  CaslAuthorizer.prepare(tasks); // every implementation sees the same object shapes (see impl-casl.mjs)
  tasksBySize.set(n, tasks);
}
const tasks10k = tasksBySize.get(10000);

// --- implementations -------------------------------------------------------------------------

const impl = {
  wasm: lib.Authorizer.fromUnverifiedPayload(payload10),
  plain: new PlainAuthorizer(payload10),
  casl: new CaslAuthorizer(payload10),
};
const verifiedWasm = new lib.Authorizer(lib.verifyGrants(token10, key.jwks, verifyOptions));
const impl1000 = {
  wasm: lib.Authorizer.fromUnverifiedPayload(payload1000),
  plain: new PlainAuthorizer(payload1000),
  casl: new CaslAuthorizer(payload1000),
};

const results = {}; // row id -> { plain, wasm, casl, jose } in ns or bytes, plus extras
const row = (id) => (results[id] ??= {});

// --- 1. wasm memory over one million checks (first, while the module's memory is fresh) -------

{
  const a = lib.Authorizer.fromUnverifiedPayload(payload10);
  const n = tasks10k.length;
  let c = 0;
  for (let i = 0; i < 20000; i++) if (a.can("search", tasks10k[i % n])) c++;
  sink(a.filter(tasks10k, "search"));
  const before = lib.wasmMemoryBytes();
  for (let i = 0; i < 1_000_000; i++) if (a.can("search", tasks10k[i % n])) c++;
  const after = lib.wasmMemoryBytes();
  sink(c);
  row("memory").wasm = after - before;
  row("memory").before = before;
  row("memory").after = after;
  log(`memory: wasm ${before} -> ${after} bytes over 1M checks`);
}

// --- 2. agreement ----------------------------------------------------------------------------

const allowedShare = {};
for (const n of SIZES) {
  const tasks = tasksBySize.get(n);
  const expected = impl.plain.filter(tasks, "search");
  allowedShare[n] = expected.length / n;
  sameList(`filter ${n}: camunda-authz filter() vs plain JS`, expected, impl.wasm.filter(tasks, "search"), tasks);
  sameList(`filter ${n}: @casl/ability vs plain JS`, expected, impl.casl.filter(tasks, "search"), tasks);
  sameList(`filter ${n}: camunda-authz can() loop vs plain JS`, expected, tasks.filter((t) => impl.wasm.can("search", t)), tasks);
  sameList(`filter ${n}: camunda-authz verified Authorizer vs plain JS`, expected, verifiedWasm.filter(tasks, "search"), tasks);
  sameList(`filter ${n}: 1000-grant camunda-authz vs plain JS`, expected, impl1000.wasm.filter(tasks, "search"), tasks);
  sameList(`filter ${n}: 1000-grant plain JS vs plain JS`, expected, impl1000.plain.filter(tasks, "search"), tasks);
  sameList(`filter ${n}: 1000-grant @casl/ability vs plain JS`, expected, impl1000.casl.filter(tasks, "search"), tasks);
}
{
  // Every operation on tasks the workload does not generate (it has only open tasks): every
  // state, assigned to the principal or to someone else, a suspended process instance, and the
  // same grants on an 8.8 cluster, where USER_TASK grants and the process-level claim and
  // complete do not exist.
  const states = ["CREATED", "COMPLETED", "ASSIGNING", "CANCELED", "FAILED", null];
  // Every combination: state (i mod 6) x assignee (the principal, someone else, as generated)
  // x process (the two readable ones or as generated) x a suspended instance or not.
  const mixed = tasks10k.slice(0, 720).map((t, i) => ({
    ...t,
    state: states[i % 6],
    assignee: [W.USERNAME, "someone.else", t.assignee][Math.floor(i / 6) % 3],
    processDefinitionId: [W.READABLE_PROCESSES[0], W.READABLE_PROCESSES[1], t.processDefinitionId][Math.floor(i / 18) % 3],
    ...(Math.floor(i / 54) % 4 === 0 ? { processInstanceState: "SUSPENDED" } : {}),
  }));
  // The workload's grants (the task-worker role: claim and complete by property); with UPDATE on
  // one process too; and, without the role, CLAIM_USER_TASK and COMPLETE_USER_TASK on one process
  // (claim, complete and the self-unassign by the process-level grants alone).
  const byProcess = (process, permissionTypes) => ({ ownerType: "USER", ownerId: W.USERNAME, resourceType: "PROCESS_DEFINITION", resourceId: process, permissionTypes });
  const noRole = W.grantPayload([...W.baseAuthorizations(), byProcess(W.READABLE_PROCESSES[1], ["CLAIM_USER_TASK", "COMPLETE_USER_TASK"])]);
  const variants = [
    ["the workload's grants", payload10],
    ["and UPDATE on one process", W.grantPayload([...W.baseAuthorizations(), byProcess(W.READABLE_PROCESSES[0], ["UPDATE_USER_TASK"])])],
    ["no role, CLAIM_USER_TASK and COMPLETE_USER_TASK on one process", { ...noRole, principal: { ...noRole.principal, roles: [] } }],
  ];
  let writes = 0;
  for (const [name, payload] of variants.flatMap(([name, p]) => [[name, p], [name, { ...p, camundaVersion: "8.8" }]])) {
    const label = `${payload.camundaVersion}, ${name}`;
    const wasm = lib.Authorizer.fromUnverifiedPayload(payload);
    const plain = new PlainAuthorizer(payload);
    let reported = 0;
    for (const t of mixed) {
      const p = plain.actions(t);
      const w = wasm.actions(t);
      for (const op of OPERATIONS) {
        if (w[op] && !["get", "search", "getForm"].includes(op)) writes++;
        if (w[op] !== p[op] && reported++ < 5) disagree(`actions, mixed states and assignees (${label}): ${op}`, `userTaskKey ${t.userTaskKey} plain=${p[op]} camunda-authz=${w[op]} state=${t.state} assignee=${t.assignee} ${JSON.stringify(pick(t))}`);
      }
    }
  }
  if (writes < 100) disagree("actions, mixed states and assignees", `only ${writes} writes allowed: the check compares little`);
}
{
  // Every operation on every task of the 10k list.
  const masks = impl.wasm.masks(tasks10k);
  let reported = 0;
  for (let i = 0; i < tasks10k.length && reported < 5; i++) {
    const t = tasks10k[i];
    const p = impl.plain.actions(t);
    const w = impl.wasm.actions(t);
    const c = impl.casl.actions(t);
    for (let b = 0; b < OPERATIONS.length; b++) {
      const op = OPERATIONS[b];
      const m = (masks[i] & (1 << b)) !== 0;
      if (w[op] !== p[op] || c[op] !== p[op] || m !== p[op]) {
        disagree(`actions 10k: ${op}`, `userTaskKey ${t.userTaskKey} plain=${p[op]} camunda-authz=${w[op]} masks=${m} casl=${c[op]} ${JSON.stringify(pick(t))}`);
        reported++;
      }
    }
  }
}
log(`agreement: ${disagreements.length === 0 ? "all implementations return the same allowed sets" : `${disagreements.length} disagreements`}; allowed share ${(allowedShare[10000] * 100).toFixed(1)}%`);

// --- 3. filter at 1k, 10k, 100k ----------------------------------------------------------------

const REPS = QUICK ? { 1000: 31, 10000: 11, 100000: 3 } : { 1000: 151, 10000: 41, 100000: 9 };
const WARM = QUICK ? { 1000: 10, 10000: 3, 100000: 1 } : { 1000: 30, 10000: 8, 100000: 2 };
for (const n of SIZES) {
  const tasks = tasksBySize.get(n);
  const r = await measure(
    [
      { key: "plain", fn: () => impl.plain.filter(tasks, "search") },
      { key: "wasm", fn: () => impl.wasm.filter(tasks, "search") },
      { key: "casl", fn: () => impl.casl.filter(tasks, "search") },
    ],
    { reps: REPS[n], warmup: WARM[n] },
  );
  Object.assign(row(`filter${n}`), { plain: r.plain.median, wasm: r.wasm.median, casl: r.casl.median, spread: r });
  log(`filter ${n}: plain ${fmtTime(r.plain.median)}, camunda-authz ${fmtTime(r.wasm.median)}, casl ${fmtTime(r.casl.median)}`);
}

// --- 4. one check, all actions, 10 vs 1000 grants ------------------------------------------------

const ONE_REPS = QUICK ? 11 : 41;
const HOT = 50;
{
  const tasks = tasks10k;
  const n = tasks.length;
  // Each implementation gets its own copy of the loop's code (`new Function`), so that V8's
  // inline caches in one loop see one implementation and the harness does not slow them all.
  const loopCan = (a) => new Function("a", "tasks", "n", `return () => { let c = 0; for (let i = 0; i < n; i++) if (a.can("search", tasks[i])) c++; return c; };`)(a, tasks, n);
  // The same number of calls over the first HOT tasks only: the task objects stay in the CPU's
  // caches, as with one check repeated. The 10k pass above is bound by memory as much as by code.
  const loopCanHot = (a) => new Function("a", "tasks", "n", "m", `return () => { let c = 0; for (let j = 0, i = 0; j < n; j++) { if (a.can("search", tasks[i])) c++; if (++i === m) i = 0; } return c; };`)(a, tasks.slice(0, HOT), n, HOT);
  const r = await measure(
    [
      { key: "plainHot", fn: loopCanHot(impl.plain) },
      { key: "wasmHot", fn: loopCanHot(impl.wasm) },
      { key: "caslHot", fn: loopCanHot(impl.casl) },
      { key: "plain", fn: loopCan(impl.plain) },
      { key: "wasm", fn: loopCan(impl.wasm) },
      { key: "casl", fn: loopCan(impl.casl) },
      { key: "plain1000", fn: loopCan(impl1000.plain) },
      { key: "wasm1000", fn: loopCan(impl1000.wasm) },
      { key: "casl1000", fn: loopCan(impl1000.casl) },
    ],
    { reps: ONE_REPS, warmup: 5, perOp: n },
  );
  Object.assign(row("can"), { plain: r.plain.median, wasm: r.wasm.median, casl: r.casl.median });
  Object.assign(row("canHot"), { plain: r.plainHot.median, wasm: r.wasmHot.median, casl: r.caslHot.median });
  Object.assign(row("can1000"), { plain: r.plain1000.median, wasm: r.wasm1000.median, casl: r.casl1000.median });
  Object.assign(row("grantScaling"), { plain: r.plain1000.median / r.plain.median, wasm: r.wasm1000.median / r.wasm.median, casl: r.casl1000.median / r.casl.median });
  log(`can: plain ${fmtTime(r.plain.median)}, camunda-authz ${fmtTime(r.wasm.median)}, casl ${fmtTime(r.casl.median)}; with 1000 grants: ${fmtTime(r.plain1000.median)}, ${fmtTime(r.wasm1000.median)}, ${fmtTime(r.casl1000.median)}`);

  const loopActions = (a) => new Function("a", "tasks", "n", `return () => {
    let c = 0;
    for (let i = 0; i < n; i++) {
      const x = a.actions(tasks[i]);
      if (x.claim) c++;
      if (x.unassign) c += 2;
      if (x.search) c += 4;
    }
    return c;
  };`)(a, tasks, n);
  const ra = await measure(
    [
      { key: "plain", fn: loopActions(impl.plain) },
      { key: "wasm", fn: loopActions(impl.wasm) },
      { key: "casl", fn: loopActions(impl.casl) },
    ],
    { reps: ONE_REPS, warmup: 5, perOp: n },
  );
  Object.assign(row("actions"), { plain: ra.plain.median, wasm: ra.wasm.median, casl: ra.casl.median });
  log(`actions: plain ${fmtTime(ra.plain.median)}, camunda-authz ${fmtTime(ra.wasm.median)}, casl ${fmtTime(ra.casl.median)}`);
}

// --- 5. the edge JSON path at 10k ------------------------------------------------------------

const hasEdge = typeof impl.wasm.filterSearchResponse === "function";
const edgeText = W.searchResponseText(tasks10k);
{
  const plainEdge = () => {
    const r = JSON.parse(edgeText);
    return JSON.stringify({ ...r, items: r.items.filter((t) => impl.plain.can("search", t)) });
  };
  const caslEdge = () => {
    const r = JSON.parse(edgeText);
    return JSON.stringify({ ...r, items: r.items.filter((t) => impl.casl.can("search", t)) });
  };
  const expectedText = plainEdge();
  const expected = JSON.parse(expectedText);
  const expectedKeys = expected.items.map((t) => t.userTaskKey);
  const checkEdge = (what, text) => {
    let got;
    try {
      got = JSON.parse(text);
    } catch (e) {
      disagree(what, `the output is not JSON: ${e.message}`);
      return;
    }
    const keys = Array.isArray(got?.items) ? got.items.map((t) => t?.userTaskKey) : null;
    if (keys === null || keys.length !== expectedKeys.length || keys.some((k, i) => k !== expectedKeys[i])) {
      disagree(what, `expected ${expectedKeys.length} items, got ${keys === null ? "no items array" : keys.length}`);
      return;
    }
    if (JSON.stringify(got.items) !== JSON.stringify(expected.items)) row("edge").notes = (row("edge").notes ?? []).concat(`${what}: same allowed set, but item contents differ from the input`);
    if (JSON.stringify(got.page) !== JSON.stringify(expected.page)) row("edge").notes = (row("edge").notes ?? []).concat(`${what}: \`page\` differs from the input's (${JSON.stringify(got.page)})`);
  };
  checkEdge("edge 10k: @casl/ability parse+filter+stringify", caslEdge());
  const cases = [
    { key: "plain", fn: plainEdge },
    { key: "casl", fn: caslEdge },
    { key: "parse", fn: () => JSON.parse(edgeText).items },
  ];
  if (hasEdge) {
    checkEdge("edge 10k: camunda-authz filterSearchResponse", impl.wasm.filterSearchResponse(edgeText, "search"));
    cases.push({ key: "wasm", fn: () => impl.wasm.filterSearchResponse(edgeText, "search") });
  }
  const r = await measure(cases, { reps: QUICK ? 7 : 21, warmup: 3 });
  Object.assign(row("edge"), { plain: r.plain.median, casl: r.casl.median, wasm: hasEdge ? r.wasm.median : undefined, parse: r.parse.median, bytes: Buffer.byteLength(edgeText), outBytes: Buffer.byteLength(expectedText) });
  log(`edge 10k (${fmtBytes(Buffer.byteLength(edgeText))}): plain ${fmtTime(r.plain.median)}, camunda-authz ${hasEdge ? fmtTime(r.wasm.median) : "n/a"}, casl ${fmtTime(r.casl.median)}, JSON.parse alone ${fmtTime(r.parse.median)}`);
}

// --- 6. verification of a 2 KB grant set -----------------------------------------------------

{
  const K = 50;
  const joseOpts = { algorithms: ["EdDSA"], typ: "camunda-grants+jwt", issuer: W.ISSUER, audience: W.AUDIENCE, currentDate: new Date(W.NOW * 1000) };
  const loop = (f) => () => {
    let c = 0;
    for (let i = 0; i < K; i++) c += f() ? 1 : 0;
    return c;
  };
  const aloop = (f) => async () => {
    let c = 0;
    for (let i = 0; i < K; i++) c += (await f()) ? 1 : 0;
    return c;
  };
  const r = await measure(
    [
      { key: "plain", fn: loop(() => verifyPlain(crypto, token2k, plainKeys, verifyOptions)) },
      { key: "wasm", fn: loop(() => lib.verifyGrants(token2k, key.jwks, verifyOptions)) },
      { key: "jose", async: true, fn: aloop(() => jose.compactVerify(token2k, joseKey, { algorithms: ["EdDSA"] })) },
      { key: "joseJwt", async: true, fn: aloop(() => jose.jwtVerify(token2k, joseKey, joseOpts)) },
      { key: "plainAuthz", fn: loop(() => new PlainAuthorizer(verifyPlain(crypto, token2k, plainKeys, verifyOptions))) },
      { key: "wasmAuthz", fn: loop(() => new lib.Authorizer(lib.verifyGrants(token2k, key.jwks, verifyOptions))) },
      { key: "caslAuthz", fn: loop(() => new CaslAuthorizer(verifyPlain(crypto, token2k, plainKeys, verifyOptions))) },
      { key: "joseAuthz", async: true, fn: aloop(async () => new PlainAuthorizer((await jose.jwtVerify(token2k, joseKey, joseOpts)).payload)) },
    ],
    { reps: QUICK ? 7 : 21, warmup: 3, perOp: K },
  );
  Object.assign(row("verify"), { plain: r.plain.median, wasm: r.wasm.median, jose: r.jose.median });
  Object.assign(row("verifyJwt"), { plain: r.plain.median, jose: r.joseJwt.median });
  Object.assign(row("verifyAuthz"), { plain: r.plainAuthz.median, wasm: r.wasmAuthz.median, casl: r.caslAuthz.median, jose: r.joseAuthz.median });
  log(`verify 2 KB: node:crypto ${fmtTime(r.plain.median)}, camunda-authz ${fmtTime(r.wasm.median)}, jose compactVerify ${fmtTime(r.jose.median)}, jwtVerify ${fmtTime(r.joseJwt.median)}`);
}

// --- 7. cold start: fresh processes to the first verified decision ----------------------------

{
  const task = tasks10k.find((t) => impl.plain.can("search", t) && !W.READABLE_PROCESSES.includes(t.processDefinitionId));
  const input = JSON.stringify({ token: token2k, jwks: key.jwks, now: W.NOW, issuer: W.ISSUER, audience: W.AUDIENCE, task });
  const modes = ["plain", "wasm", "casl", "jose"];
  const runs = Object.fromEntries(modes.map((m) => [m, []]));
  const script = path.join(HERE, "cold-start.mjs");
  const once = (mode) => {
    const res = spawnSync(process.execPath, [script, mode], { env: { ...process.env, BENCH_COLD_INPUT: input, BENCH_PKG: PKG_URL.href }, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`cold start (${mode}) failed: ${res.stderr || res.error}`);
    const out = JSON.parse(res.stdout.trim().split("\n").pop());
    if (out.allowed !== true) disagree(`cold start ${mode}`, `the first decision was ${out.allowed}, expected true`);
    return out;
  };
  for (const m of modes) once(m); // warm the file cache
  for (let r = 0; r < COLD_RUNS; r++) for (let j = 0; j < modes.length; j++) {
    const m = modes[(j + r) % modes.length];
    runs[m].push(once(m));
  }
  const cs = row("cold");
  const csp = row("coldProcess");
  for (const m of modes) {
    cs[m] = median(runs[m].map((x) => x.ms)) * 1e6;
    csp[m] = median(runs[m].map((x) => x.sinceProcessStart)) * 1e6;
  }
  cs.phases = Object.fromEntries(["import", "verify", "decide", "verifyAgain"].map((k) => [k, median(runs.wasm.map((x) => x.phases[k])) * 1e6]));
  log(`cold start (median of ${COLD_RUNS}): ${modes.map((m) => `${m} ${fmtTime(cs[m])}`).join(", ")}`);
}

// --- 7b. a real browser: page start to the first verified decision in headless Chromium --------

{
  const task = tasks10k.find((t) => impl.plain.can("search", t) && !W.READABLE_PROCESSES.includes(t.processDefinitionId));
  try {
    const r = await browserStart({ input: { token: token2k, jwks: key.jwks, now: W.NOW, issuer: W.ISSUER, audience: W.AUDIENCE, task }, runs: QUICK ? 5 : 15 });
    Object.assign(row("chromium"), { control: r.control * 1e6, wasm: r.package * 1e6, preloaded: r.preloaded * 1e6, wasmFetches: r.wasmFetches, runs: r.runs });
    log(`chromium (median of ${r.runs}): control ${r.control.toFixed(1)} ms, package ${r.package.toFixed(1)} ms, preloaded ${r.preloaded.toFixed(1)} ms (the .wasm fetched ${r.wasmFetches}x per preloaded page)`);
  } catch (e) {
    log(`chromium: ${e.message}`);
  }
}

// --- 8. sizes --------------------------------------------------------------------------------

const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
// Exactly what a browser fetches through the browser entry (the browser build, minified), the
// .wasm first; each file gzip -9 as a server sends it.
const files = browserFiles(path.join(ROOT, "pkg"))
  .map((f) => `pkg/${f}`)
  .sort((a, b) => b.endsWith(".wasm") - a.endsWith(".wasm"))
  .map((f) => {
    const buf = readFileSync(path.join(ROOT, f));
    return { file: f, raw: buf.length, gzip: gz(buf) };
  });
const download = files.reduce((s, f) => s + f.gzip, 0);
const downloadRaw = files.reduce((s, f) => s + f.raw, 0);
/** Bundled and minified with rolldown (from tests/js), for what a browser app would ship. */
async function bundledSize(source, label) {
  let dir;
  try {
    const { build } = await import(path.join(NODE_MODULES, "rolldown/dist/index.mjs"));
    dir = mkdtempSync(path.join(os.tmpdir(), "camunda-authz-bench-"));
    const entry = path.join(dir, "entry.mjs");
    writeFileSync(entry, source);
    const out = await build({ input: entry, write: false, output: { format: "esm", minify: true }, logLevel: "silent", platform: "browser" });
    const code = out.output.filter((o) => o.type === "chunk").map((o) => o.code).join("\n");
    return { raw: Buffer.byteLength(code), gzip: gz(Buffer.from(code)) };
  } catch (e) {
    log(`bundle ${label}: ${e.message}`);
    return null;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
const bundles = {
  plain: await bundledSize(`export { PlainAuthorizer } from ${JSON.stringify(path.join(HERE, "impl-plain.mjs"))};`, "plain"),
  casl: await bundledSize(`export { AbilityBuilder, createMongoAbility, subject } from ${JSON.stringify(path.join(NODE_MODULES, "@casl/ability/dist/esm/index.mjs"))};`, "casl"),
  wasmGlue: await bundledSize(`export * from ${JSON.stringify(path.join(ROOT, files.find((f) => !f.file.endsWith(".wasm"))?.file ?? "pkg/browser/index.js"))};`, "camunda-authz glue"),
};
Object.assign(row("download"), {
  wasm: download,
  plain: bundles.plain?.gzip,
  casl: bundles.casl?.gzip,
  wasmBundled: bundles.wasmGlue ? files[0].gzip + bundles.wasmGlue.gzip : undefined,
});

const memEnd = lib.wasmMemoryBytes();

// --- 9. budgets, table, RESULTS.md -----------------------------------------------------------

const KB = 1000;
const budgets = {
  filter10000: { text: "≤ 3x plain JS", pass: () => results.filter10000.wasm / results.filter10000.plain <= 3, figure: () => fmtRatio(results.filter10000.wasm / results.filter10000.plain) },
  can: { text: "≤ 400 ns", pass: () => results.can.wasm <= 400, figure: () => fmtTime(results.can.wasm) },
  actions: { text: "≤ 600 ns", pass: () => results.actions.wasm <= 600, figure: () => fmtTime(results.actions.wasm) },
  edge: { text: "< plain JS", pass: () => (hasEdge ? results.edge.wasm < results.edge.plain : null), figure: () => (hasEdge ? fmtRatio(results.edge.wasm / results.edge.plain) : "n/a") },
  verify: { text: "≤ 200 µs", pass: () => results.verify.wasm <= 200_000, figure: () => fmtTime(results.verify.wasm) },
  cold: { text: "≤ 15 ms", pass: () => results.cold.wasm <= 15e6, figure: () => fmtTime(results.cold.wasm) },
  chromium: { text: "≤ control + 20 ms", pass: () => (results.chromium?.wasm === undefined ? null : results.chromium.wasm - results.chromium.control <= 20e6), figure: () => (results.chromium?.wasm === undefined ? "n/a" : `+${fmtTime(results.chromium.wasm - results.chromium.control)}`) },
  download: { text: "≤ 48 KB gzip", pass: () => results.download.wasm <= 48 * KB, figure: () => `${(results.download.wasm / KB).toFixed(1)} KB` },
  memory: { text: "≤ 64 KiB", pass: () => results.memory.wasm <= 64 * 1024, figure: () => fmtBytes(results.memory.wasm) },
  grantScaling: { text: "≤ 1.5x", pass: () => results.grantScaling.wasm <= 1.5, figure: () => fmtRatio(results.grantScaling.wasm) },
};

const cellTime = (v, base) => (v === undefined ? "—" : `${fmtTime(v)}${base !== undefined && base > 0 ? ` (${fmtRatio(v / base)})` : ""}`);
const cellKB = (v, base) => (v === undefined ? "—" : `${(v / KB).toFixed(1)} KB${base !== undefined && base > 0 ? ` (${fmtRatio(v / base)})` : ""}`);
const status = (id) => {
  const b = budgets[id];
  if (!b) return ["", ""];
  const p = b.pass();
  return [b.text, p === null ? "n/a" : p ? "PASS" : "FAIL"];
};

const rows = [];
const add = (label, id, cells, budgetId = id) => {
  const [budget, st] = status(budgetId);
  rows.push([label, ...cells, budget, st]);
};
const timeRow = (label, id, budgetId) => {
  const r = results[id];
  add(label, id, [cellTime(r.plain), cellTime(r.wasm, r.plain), cellTime(r.casl, r.plain), cellTime(r.jose, r.plain)], budgetId);
};
timeRow("filter 1k tasks (`search`)", "filter1000", "-");
timeRow("filter 10k tasks", "filter10000");
timeRow("filter 100k tasks", "filter100000", "-");
timeRow("one check `can(\"search\", task)`", "can");
timeRow(`one check, the same ${HOT} tasks in turn (in cache)`, "canHot", "-");
timeRow("all actions of one task `actions(task)`", "actions");
timeRow("one check, 1,000 grants in the set", "can1000", "-");
add("1,000-grant check ÷ 10-grant check", "grantScaling", [fmtRatio(results.grantScaling.plain), fmtRatio(results.grantScaling.wasm), fmtRatio(results.grantScaling.casl), ""]);
add(`edge: 10k-item search response JSON in → JSON out (${fmtBytes(results.edge.bytes)})`, "edge", [cellTime(results.edge.plain), hasEdge ? cellTime(results.edge.wasm, results.edge.plain) : "n/a (no filterSearchResponse)", cellTime(results.edge.casl, results.edge.plain), ""]);
timeRow(`verify a 2 KB grant set (${token2k.length} B token)`, "verify");
add("verify, jose `jwtVerify` (with claims)", "verifyJwt", [cellTime(results.verifyJwt.plain), "", "", cellTime(results.verifyJwt.jose, results.verifyJwt.plain)], "-");
timeRow("verify 2 KB + build the authorizer", "verifyAuthz", "-");
timeRow("cold start: script start → first verified decision", "cold");
timeRow("cold start: process start → first verified decision", "coldProcess", "-");
if (results.chromium) {
  const c = results.chromium;
  add(`Chromium: page start → first verified decision (localhost, gzip; a page importing one trivial module in the plain JS column)`, "chromium", [`${fmtTime(c.control)} (control)`, `${fmtTime(c.wasm)}; ${fmtTime(c.preloaded)} with modulepreload + wasm preload`, "", ""]);
}
add("browser download, gzip", "download", [cellKB(results.download.plain), cellKB(results.download.wasm, results.download.plain), cellKB(results.download.casl, results.download.plain), ""]);
add("wasm memory growth over 1M checks", "memory", ["", `${fmtBytes(results.memory.wasm)} (${fmtBytes(results.memory.before)} → ${fmtBytes(results.memory.after)})`, "", ""]);

const header = ["measurement (median)", "plain JS", "camunda-authz (wasm)", "@casl/ability 7", "jose 6 (EdDSA)", "budget (camunda-authz)", "status"];
const mdTable = (head, body) => [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");
const table = mdTable(header, rows);

const budgetSummary = Object.entries(budgets).map(([id, b]) => {
  const p = b.pass();
  return `${p === null ? "n/a " : p ? "PASS" : "FAIL"}  ${id.padEnd(13)} ${b.figure().padEnd(12)} budget ${b.text}`;
});

const sizeTable = mdTable(
  ["file", "raw", "gzip -9"],
  [
    ...files.map((f) => [`\`${f.file}\``, `${f.raw.toLocaleString("en-US")} B`, `${f.gzip.toLocaleString("en-US")} B`]),
    ["**browser download (the files a browser fetches through the browser entry, as shipped)**", `${downloadRaw.toLocaleString("en-US")} B`, `**${download.toLocaleString("en-US")} B**`],
    ["camunda-authz JS glue bundled + minified (rolldown)", bundles.wasmGlue ? `${bundles.wasmGlue.raw.toLocaleString("en-US")} B` : "n/a", bundles.wasmGlue ? `${bundles.wasmGlue.gzip.toLocaleString("en-US")} B` : "n/a"],
    ["plain JS `PlainAuthorizer` bundled + minified", bundles.plain ? `${bundles.plain.raw.toLocaleString("en-US")} B` : "n/a", bundles.plain ? `${bundles.plain.gzip.toLocaleString("en-US")} B` : "n/a"],
    ["@casl/ability (+ @ucast/*) bundled + minified", bundles.casl ? `${bundles.casl.raw.toLocaleString("en-US")} B` : "n/a", bundles.casl ? `${bundles.casl.gzip.toLocaleString("en-US")} B` : "n/a"],
  ],
);

// The peers' figures in the issue that set the budgets (its "measured today" table, Node 20 on
// this machine kind). Set beside the same peers in this run, they show how this run's machine
// and workload compare with the ones the absolute budgets (400 ns, 200 µs, 15 ms) came from.
const REFERENCE = [
  ["plain JS, filter 10k tasks", 0.5e6, results.filter10000.plain],
  ["plain JS, one check", 23, results.can.plain, results.canHot.plain],
  ["@casl/ability, filter 10k tasks", 4.5e6, results.filter10000.casl],
  ["@casl/ability, one check", 480, results.can.casl, results.canHot.casl],
  ["jose, EdDSA verify of a 2 KB JWS", 221e3, results.verify.jose],
];
const referenceTable = mdTable(
  ["peer, measurement", "the issue's figure", "this run", "this run ÷ the issue's"],
  REFERENCE.map(([what, ref, now, hot]) => [what, fmtTime(ref), hot === undefined ? fmtTime(now) : `${fmtTime(now)} (in cache: ${fmtTime(hot)})`, hot === undefined ? fmtRatio(now / ref) : `${fmtRatio(now / ref)} (in cache: ${fmtRatio(hot / ref)})`]),
);

const pkgVersion = JSON.parse(readFileSync(path.join(ROOT, "pkg/package.json"), "utf8")).version;
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
const elapsed = (performance.now() - started) / 1000;
const notes = [
  `Workload: ${W.USERNAME} in groups ${W.USER_GROUPS.join(", ")}, role task-worker; PROCESS_DEFINITION READ_USER_TASK on ${W.READABLE_PROCESSES.join(" and ")}; USER_TASK READ/CLAIM/COMPLETE by assignee, candidateUsers, candidateGroups; 10 grants. Tasks over 50 processes, 200 users, 30 groups (skewed, seeded), assignee null 40%, 0-3 candidate users and groups each. Allowed: ${SIZES.map((n) => `${(allowedShare[n] * 100).toFixed(1)}% of ${n / 1000}k`).join(", ")}.`,
  `Ratios in parentheses are to plain JS in the same row. Filter rows time one whole call; \`can\` and \`actions\` are per call, over a pass through all 10k tasks (the in-cache row: 10k calls over the first ${HOT}); verification is per token, 50 in a row.`,
  `Verification: plain JS = node:crypto Ed25519 (synchronous, OpenSSL) with the same header and claim checks; jose = \`compactVerify\` (signature only, async) in the verify row, \`jwtVerify\` (with claims) in the others. camunda-authz = \`verifyGrants(token, jwks, { now, issuer, audience })\`.`,
  `Cold start: \`node bench/cold-start.mjs <mode>\`, median of ${COLD_RUNS} fresh processes each; the clock starts at the first line of the script and the libraries are imported after it. @casl/ability's cold start includes the node:crypto verification; jose's uses the plain JS decision. camunda-authz's ${fmtTime(results.cold.wasm)} splits into: import (load, compile and instantiate the module) ${fmtTime(results.cold.phases.import)}, the first \`verifyGrants\` ${fmtTime(results.cold.phases.verify)}, \`new Authorizer\` and the first \`can\` ${fmtTime(results.cold.phases.decide)}. A second \`verifyGrants\` in the same process takes ${fmtTime(results.cold.phases.verifyAgain)}: the first pays for V8 compiling the module's functions as they are first called.`,
  `Edge: \`JSON.parse\` alone of the same text takes ${fmtTime(results.edge.parse)} (${fmtBytes(results.edge.bytes)} in, ${fmtBytes(results.edge.outBytes)} out).${(results.edge.notes ?? []).map((n) => ` Note: ${n}.`).join("")}`,
  `Memory: \`wasmMemoryBytes()\` after warm-up, then after 1,000,000 \`can("search", task)\` calls; ${fmtBytes(memEnd)} at the end of the whole run.`,
  `Budget KB = 1,000 bytes; the download budget counts the files a browser fetches through the browser entry as shipped (the browser build, minified; each gzip -9), not the bundled sizes.`,
];

const md = [
  "# camunda-authz benchmark results",
  "",
  `Written by \`./x bench\` (\`node bench/run.mjs${QUICK ? " --quick" : ""}\`) on ${date}. Node ${process.version}, ${os.platform()} ${os.arch()}, machine: nproc ${os.availableParallelism?.() ?? os.cpus().length} (${cpu}), camunda-authz ${pkgVersion}. Run took ${elapsed.toFixed(0)} s.`,
  "Figures on this kind of machine move by up to 2x between runs; compare the ratios within one run.",
  "",
  disagreements.length === 0 ? "**Agreement:** every implementation returned the same allowed set (1k, 10k, 100k; all eight operations on 10k; verified and unverified; 10 and 1,000 grants; edge JSON)." : `**DISAGREEMENT (${disagreements.length}):**\n\n${disagreements.map((d) => `- ${d}`).join("\n")}`,
  "",
  table,
  "",
  "## Budgets",
  "",
  "```",
  ...budgetSummary,
  "```",
  "",
  "## This run against the issue's reference figures",
  "",
  "The absolute budgets were set from the peers' figures in the issue. The same peers in this run:",
  "",
  referenceTable,
  "",
  "## Sizes",
  "",
  sizeTable,
  "",
  "## Notes",
  "",
  ...notes.map((n) => `- ${n}`),
  "",
].join("\n");

writeFileSync(path.join(HERE, "RESULTS.md"), md);
process.stdout.write(`\n${table}\n\nBudgets (camunda-authz):\n${budgetSummary.map((s) => `  ${s}`).join("\n")}\n\n${referenceTable}\n\n${sizeTable}\n\n${notes.map((n) => `- ${n}`).join("\n")}\n\n`);
process.stdout.write(disagreements.length === 0 ? `OK: all implementations agree. Results written to bench/RESULTS.md (${elapsed.toFixed(0)} s; sink ${SINK & 1}).\n` : `FAILED: ${disagreements.length} disagreements between implementations (see above). Results written to bench/RESULTS.md.\n`);
process.exitCode = disagreements.length === 0 ? 0 : 1;
