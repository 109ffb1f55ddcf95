// Writes the seed corpus of each fuzz target (fuzz/corpus/<target>/) from the test fixtures:
// the conformance tokens and JWKS (tests/corpus/grants-verification.json) and the tasks of the
// decision corpus (tests/corpus/*.json). Deterministic; run by hand when the fixtures change:
//
//   node fuzz/make-seeds.mjs            # rewrite fuzz/corpus/<target>/
//   node fuzz/make-seeds.mjs --check    # exit 1 if a seed differs from this script's output (./x test runs it)
//
// The fuzzers read these and write what they find elsewhere (see `fuzz` in ./x), so the
// corpus in the repository stays this small.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const corpusDir = new URL("tests/corpus/", root);
const fixtures = JSON.parse(readFileSync(new URL("grants-verification.json", corpusDir), "utf8")).grantVerification;
const tasks = readdirSync(corpusDir)
  .filter((f) => /^\d\d-.*\.json$/.test(f))
  .flatMap((f) => JSON.parse(readFileSync(new URL(f, corpusDir), "utf8")).suites)
  .flatMap((s) => s.cases.map((c) => c.task).filter((t) => t && typeof t === "object"))
  .slice(0, 24);

const checking = process.argv.includes("--check");
const stale = [];

/** With --check, the targets whose seeds on disk differ from `seeds` (files, names or bytes). */
function differs(dir, seeds) {
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch {
    return true;
  }
  const want = seeds.map((_, i) => `seed-${String(i).padStart(2, "0")}`);
  if (names.join("\n") !== want.join("\n")) return true;
  return seeds.some((seed, i) => !Buffer.from(seed).equals(readFileSync(new URL(want[i], dir))));
}

function write(target, seeds) {
  const dir = new URL(`fuzz/corpus/${target}/`, root);
  if (checking) {
    if (differs(dir, seeds)) stale.push(target);
    return;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  seeds.forEach((seed, i) => writeFileSync(new URL(`seed-${String(i).padStart(2, "0")}`, dir), seed));
  console.log(`fuzz/corpus/${target}: ${seeds.length} seeds`);
}

const text = (s) => Buffer.from(s);
const OPS = ["get", "search", "getForm", "claim", "assign", "unassign", "complete", "update"];

// jws: every good token, and one bad token of each kind up to a dozen.
const good = fixtures.cases.filter((c) => c.expectKid).map((c) => c.token);
const bad = fixtures.cases.filter((c) => c.expectError && c.token.length < 4096).map((c) => c.token).slice(0, 12);
write("jws", [...new Set([...good, ...bad])].map(text));

// jwks: the fixture JWKS, one key alone, and keys restricted by use, key_ops and alg.
const [k1] = fixtures.jwks.keys;
write("jwks", [
  fixtures.jwks,
  k1,
  { keys: [{ ...k1, use: "enc" }, { ...k1, key_ops: ["sign"] }, { ...k1, kid: "conf-2", alg: "ES256" }] },
  { keys: [{ ...k1, key_ops: ["verify"], use: "sig" }, { kty: "RSA", kid: "r", n: "AQAB", e: "AQAB" }] },
  { keys: [] },
].map((v) => text(JSON.stringify(v))));

// json: documents of every shape the crate reads, and the edges of the grammar.
write("json", [
  JSON.stringify(fixtures.jwks),
  JSON.stringify(tasks[0] ?? {}),
  JSON.stringify({ items: tasks.slice(0, 3), page: { totalItems: 3 } }),
  '{"a":[1,-0,2.5e-3,1e400,true,false,null],"b":"\\u00e9\\ud83d\\ude00\\n","a":{}}',
  "[".repeat(126) + "]".repeat(126),
  ' "\\"\\\\\\/\\b\\f\\n\\r\\t" ',
].map(text));

// search: the operation's index as the first byte, then a search response of corpus tasks.
const response = (items) => JSON.stringify({ items, page: { totalItems: items.length, startCursor: "a", endCursor: "b" } });
const decisionTasks = fixtures.decisions.map((d) => d.task);
write("search", [
  ...OPS.map((_, i) => Buffer.concat([Buffer.from([i]), text(response(i % 2 ? tasks.slice(0, 6) : decisionTasks))])),
  Buffer.concat([Buffer.from([3]), text(response([]))]),
  Buffer.concat([Buffer.from([0]), text(`{"page":{},"items":[${JSON.stringify(tasks[1] ?? {})}],"items2":[1]}`)]),
  // What the fuzzer once found: lone surrogate escapes, which JSON.parse (and so the scanner) reads.
  Buffer.concat([Buffer.from([1]), text('{"items":[{"name":"a \\uDEEE b","candidateGroups":["\\uD800","sales"]}],"page":{}}')]),
]);

// records: mode 1 (tasks built from the bytes) and mode 0 (raw little-endian words).
const words = (list) => Buffer.concat([Buffer.from([0]), ...list.map((w) => { const b = Buffer.alloc(4); b.writeUInt32LE(w >>> 0); return b; })]);
write("records", [
  Buffer.from([1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
  Buffer.from([1, ...Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff)]),
  words([0, 0, 0, 0, 0, 0]),
  words([1, 2, 3, 4, 1, 1, 5, 6]),
  words([1, 2, 3, 4, 0xffffffff, 0]),
]);

if (checking) {
  if (stale.length > 0) {
    console.error(`fuzz/corpus/{${stale.join(",")}} differ from what fuzz/make-seeds.mjs generates: run it and commit the seeds`);
    process.exit(1);
  }
  console.log("fuzz seeds up to date");
}
