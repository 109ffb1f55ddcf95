// Soak: ten million decisions, ten thousand verifications and a thousand edge responses of mixed
// sizes (one item to about 20 MB, past the buffer release threshold) in one process, with a
// failing call now and then. Nothing traps, every answer matches the first one for the same
// input, each edge response keeps exactly the items `filter()` keeps on the same tasks, and wasm
// memory stays within MEMORY_BOUND (and stops growing once warm). The figures go to the test's
// diagnostics. Bounded: about 20-40 s on the project's machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as W from "../../bench/workload.mjs";

const lib = await import(process.env.CAMUNDA_AUTHZ_PKG ?? new URL("../../pkg/node.mjs", import.meta.url).href);
const { Authorizer, AuthzError, verifyGrants, signGrants, generateSigningKey, wasmMemoryBytes } = lib;

const MiB = 1 << 20;
/** The stated bound on the module's linear memory over the whole soak. */
const MEMORY_BOUND = 160 * MiB;
const DECISIONS = 10_000_000;
const VERIFICATIONS = 10_000;
const EDGE_RESPONSES = 1_000;

setFlagsFromString("--expose-gc");
/** A full garbage collection, from a fresh context (the flag is set after this one started). */
const gc = runInNewContext("gc");

/** Collects, and lets the finalizers of collected objects (the glue's frees) run. */
async function collect() {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("soak: 10M decisions, 10k verifications, 1k edge responses in one process; memory bounded, nothing traps", async (t) => {
  const started = performance.now();
  const key = generateSigningKey("soak");
  const token = signGrants(W.grantPayload(), key.privateJwk, { now: W.IAT });
  const options = { now: W.NOW, issuer: W.ISSUER, audience: W.AUDIENCE };
  const authz = new Authorizer(verifyGrants(token, key.jwks, options));
  const tasks = W.generateTasks(10_000);
  const allowed = authz.filter(tasks, "search");
  const expectedMasks = authz.masks(tasks);
  const memory = { start: wasmMemoryBytes(), peak: 0 };
  const sample = () => (memory.peak = Math.max(memory.peak, wasmMemoryBytes()));
  let failures = 0;
  const fails = (fn) => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof AuthzError, `a failure that is not an AuthzError: ${error}`);
      failures++;
      return;
    }
    assert.fail("an invalid input was accepted");
  };

  // Decisions: filter passes over 10k tasks, then can and actions one task at a time.
  let decisions = 0;
  const phases = {};
  let at = performance.now();
  while (decisions < DECISIONS * 0.7) {
    const masks = authz.masks(tasks);
    if (masks.length !== expectedMasks.length || masks.some((m, i) => m !== expectedMasks[i])) assert.fail(`masks changed after ${decisions} decisions`);
    decisions += tasks.length * 8; // eight operations decided per task
    if (decisions % 1_000_000 < tasks.length * 8) fails(() => authz.filter([tasks[0], { candidateUsers: new Array(2 ** 31) }]));
  }
  assert.equal(authz.filter(tasks, "search").length, allowed.length);
  sample();
  phases.masks = performance.now() - at;
  at = performance.now();
  let yes = 0;
  for (let i = 0; decisions < DECISIONS; i++) {
    const task = tasks[i % tasks.length];
    if (authz.can("search", task)) yes++;
    if ((i & 7) === 0) {
      const a = authz.actions(task);
      if (a.search !== ((expectedMasks[i % tasks.length] & 2) !== 0)) assert.fail(`actions changed at call ${i}`);
      decisions += 8;
    }
    decisions++;
    if (i % 100_000 === 0) fails(() => authz.can("search", { userTaskKey: 7 }));
  }
  sample();
  phases.can = performance.now() - at;

  // Verifications, with a bad token and a changed JWKS now and then.
  at = performance.now();
  const jwks = { keys: [key.publicJwk] };
  for (let i = 0; i < VERIFICATIONS; i++) {
    const grants = verifyGrants(token, jwks, options);
    if (grants.header.kid !== "soak") assert.fail("kid");
    if (i % 1000 === 0) {
      fails(() => verifyGrants(`${token}x`, jwks, options));
      fails(() => verifyGrants(token, { keys: [] }, options));
    }
  }
  sample();
  phases.verify = performance.now() - at;
  // Freeing what the verifications left (their handles, through the glue's finalizers) must not
  // cost more than making it did: an allocator whose frees grow with the heap made this phase
  // take seconds, long after the calls had returned (docs/size.md).
  at = performance.now();
  await collect();
  phases.free = performance.now() - at;
  assert.ok(phases.free <= phases.verify, `freeing ${VERIFICATIONS} verified grant sets took ${phases.free.toFixed(0)} ms, more than verifying them (${phases.verify.toFixed(0)} ms)`);

  // Edge responses of mixed sizes: mostly small, some large (past the 16 MiB release threshold).
  at = performance.now();
  const rnd = W.prng(0x50a4);
  const big = W.generateTasks(32_000, 7);
  let edgeChars = 0;
  let kept = 0;
  const afterWarmUp = { memory: 0 };
  for (let i = 0; i < EDGE_RESPONSES; i++) {
    const n = i % 100 === 99 ? big.length : Math.floor(Math.exp(rnd() * Math.log(2_000)));
    const offset = Math.floor(rnd() * (big.length - n));
    const slice = big.slice(offset, offset + n);
    const text = W.searchResponseText(slice);
    edgeChars += text.length;
    // The edge path must keep exactly the items that filter() keeps, byte for byte as JSON.
    const items = JSON.parse(authz.filterSearchResponse(text, "search")).items;
    if (JSON.stringify(items) !== JSON.stringify(authz.filter(slice, "search"))) assert.fail(`edge response ${i} (${n} items) keeps other items than filter()`);
    kept += items.length;
    if (i % 250 === 0) fails(() => authz.filterSearchResponse('{"items":[{"userTaskKey":7}]}'));
    sample();
    if (i === 199) afterWarmUp.memory = wasmMemoryBytes();
  }
  phases.edge = performance.now() - at;

  const end = wasmMemoryBytes();
  t.diagnostic(`decisions ${decisions.toLocaleString("en")} (masks ${(phases.masks / 1000).toFixed(1)} s, can/actions ${(phases.can / 1000).toFixed(1)} s), verifications ${VERIFICATIONS.toLocaleString("en")} (${(phases.verify / 1000).toFixed(1)} s, freed in ${(phases.free / 1000).toFixed(2)} s), edge responses ${EDGE_RESPONSES} of ${(edgeChars / MiB).toFixed(0)} MiB in all, ${kept.toLocaleString("en")} items kept (${(phases.edge / 1000).toFixed(1)} s), ${failures} failing calls`);
  t.diagnostic(`wasm memory: ${(memory.start / MiB).toFixed(1)} MiB at the start, ${(afterWarmUp.memory / MiB).toFixed(1)} MiB after 200 edge responses, ${(memory.peak / MiB).toFixed(1)} MiB peak, ${(end / MiB).toFixed(1)} MiB at the end (bound ${MEMORY_BOUND / MiB} MiB); ${((performance.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(memory.peak <= MEMORY_BOUND, `wasm memory reached ${memory.peak} bytes, over the bound of ${MEMORY_BOUND}`);
  assert.ok(end - afterWarmUp.memory <= 16 * MiB, `wasm memory kept growing: ${afterWarmUp.memory} -> ${end} bytes`);
  assert.equal(authz.filter(tasks, "search").length, allowed.length, "the Authorizer decides as at the start");
});
