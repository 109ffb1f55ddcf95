// What the first verified decision in Chromium cannot go below, in parts (docs/loading.md uses
// these figures). The same local server and fresh contexts as bench/browser.mjs; pages:
//   control         imports one trivial module (as in browser.mjs)
//   second request  the same, then fetches the .wasm's bytes (no compiling): what a page pays,
//                   on top of the control, for one more file that its module names
//   work            the .wasm's bytes already fetched (not timed); then, timed: compile, instantiate
//                   (`init(module)`), `verifyGrants` twice, `new Authorizer` + `can` twice. The CPU
//                   a first decision needs once the bytes are in, and what of it is first-call cost
//   work, eager     the same with V8's lazy compilation of WebAssembly off
//                   (--js-flags=--no-wasm-lazy-compilation): compiling moves from the first calls
//                   into the compile step
//   node bench/browser-floor.mjs [runs] [pkgDir]   (default 15 runs of pkg/; prints medians, ms)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchInput, loadPages, medians, pageHtml } from "./browser.mjs";
import { browserFiles } from "./browser-files.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

function bodies(entry, wasm) {
  const timed = (label) => `t.push(["${label}", performance.now()]);`;
  return {
    control: `import { answer } from "/trivial.js";\nwindow.__done = { total: performance.now(), allowed: answer() };`,
    second: `import { answer } from "/trivial.js";
const start = performance.now();
await (await fetch(${JSON.stringify(wasm)})).arrayBuffer();
window.__done = { total: performance.now(), fetch: performance.now() - start, allowed: answer() };`,
    work: `import init, { verifyGrants, Authorizer } from ${JSON.stringify(entry)};
const { token, jwks, now, issuer, audience, task } = JSON.parse(document.getElementById("input").textContent);
const bytes = await (await fetch(${JSON.stringify(wasm)})).arrayBuffer();
const t = [["start", performance.now()]];
const module = await WebAssembly.compile(bytes); ${timed("compile")}
await init(module); ${timed("instantiate")}
const grants = verifyGrants(token, jwks, { now, issuer, audience }); ${timed("verify, first")}
verifyGrants(token, jwks, { now, issuer, audience }); ${timed("verify, second")}
const allowed = new Authorizer(grants).can("search", task); ${timed("decide, first")}
new Authorizer(grants).can("search", task); ${timed("decide, second")}
const out = {};
for (let i = 1; i < t.length; i++) out[t[i][0]] = t[i][1] - t[i - 1][1];
window.__done = { ...out, allowed };`,
  };
}

/** Medians of each figure over `runs` fresh contexts per page, pages interleaved. */
async function measure({ pkgDir, input, runs, kinds, extraArgs }) {
  const files = browserFiles(pkgDir);
  const wasm = `/pkg/${files.find((f) => f.endsWith(".wasm"))}`;
  const all = bodies(`/pkg/${files[0]}`, wasm);
  const pages = new Map(kinds.map((k) => [`/${k}.html`, pageHtml("floor", "", all[k], input)]));
  const samples = await loadPages({ pkgDir, pages, kinds, runs, extraArgs });
  return Object.fromEntries(kinds.map((k) => [k, medians(samples[k])]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pkgDir = path.resolve(process.argv[3] ?? path.join(HERE, "..", "pkg"));
  const runs = Number(process.argv[2] ?? 15);
  const input = await benchInput(pkgDir);
  const lazy = await measure({ pkgDir, input, runs, kinds: ["control", "second", "work"], extraArgs: [] });
  const eager = await measure({ pkgDir, input, runs, kinds: ["work"], extraArgs: ["--js-flags=--no-wasm-lazy-compilation"] });
  const ms = (x) => `${x.toFixed(1)} ms`;
  console.log(`medians of ${runs} loads each (ms since navigation start, or the step's own time)`);
  console.log(`control: first decision at ${ms(lazy.control.total)}`);
  console.log(`second request: done at ${ms(lazy.second.total)} (+${ms(lazy.second.total - lazy.control.total)} on the control; the fetch itself ${ms(lazy.second.fetch)})`);
  for (const [name, w] of [["work", lazy.work], ["work, eager compilation", eager.work]]) {
    const sum = Object.entries(w).filter(([k]) => !k.endsWith("second")).reduce((a, [, v]) => a + v, 0);
    console.log(`${name}: ${Object.entries(w).map(([k, v]) => `${k} ${ms(v)}`).join(", ")}; compile to first decision ${ms(sum)}`);
  }
}
