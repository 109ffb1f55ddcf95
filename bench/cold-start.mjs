// Child process of run.mjs: from a fresh Node process to the first verified decision.
//   node bench/cold-start.mjs <wasm|plain|casl|jose>
// The input (token, JWKS, clock, one task) comes in the BENCH_COLD_INPUT environment variable.
// Every library is loaded with a dynamic import after the clock starts, so its loading counts.
// Prints one JSON line: { mode, ms (script start -> decision), sinceProcessStart, allowed, phases }.
// `phases` (camunda-authz only) splits `ms`: import (load, compile and instantiate the module),
// verify (the first verifyGrants), decide (Authorizer and the first can), and, after the clock
// stopped, verifyAgain: a second verifyGrants of the same token in the same process.
const t0 = performance.now();

const mode = process.argv[2];
const input = JSON.parse(process.env.BENCH_COLD_INPUT);
const { token, jwks, now, issuer, audience, task } = input;
let allowed;
let phases;
let verify; // camunda-authz only: verifies the token, timed once in the phases and once after

if (mode === "wasm") {
  const { verifyGrants, Authorizer } = await import(process.env.BENCH_PKG ?? new URL("../pkg/node.mjs", import.meta.url).href);
  verify = () => verifyGrants(token, jwks, { now, issuer, audience });
  const t1 = performance.now();
  const grants = verify();
  const t2 = performance.now();
  allowed = new Authorizer(grants).can("search", task);
  const t3 = performance.now();
  phases = { import: t1 - t0, verify: t2 - t1, decide: t3 - t2 };
} else if (mode === "plain" || mode === "casl") {
  const crypto = await import("node:crypto");
  const { importJwks, verifyPlain, PlainAuthorizer } = await import("./impl-plain.mjs");
  const payload = verifyPlain(crypto, token, importJwks(crypto, jwks), { now, issuer, audience });
  if (mode === "plain") {
    allowed = new PlainAuthorizer(payload).can("search", task);
  } else {
    const { CaslAuthorizer } = await import("./impl-casl.mjs");
    allowed = new CaslAuthorizer(payload).can("search", task);
  }
} else if (mode === "jose") {
  const jose = await import(new URL("../tests/js/node_modules/jose/dist/webapi/index.js", import.meta.url).href);
  const { PlainAuthorizer } = await import("./impl-plain.mjs");
  const jwk = jwks.keys[0];
  const key = await jose.importJWK(jwk, "EdDSA");
  const { payload } = await jose.jwtVerify(token, key, { algorithms: ["EdDSA"], typ: "camunda-grants+jwt", issuer, audience, currentDate: new Date(now * 1000) });
  allowed = new PlainAuthorizer(payload).can("search", task);
} else {
  throw new Error(`unknown mode ${mode}`);
}

const t1 = performance.now();
if (verify !== undefined) {
  const t = performance.now();
  verify();
  phases.verifyAgain = performance.now() - t;
}
process.stdout.write(JSON.stringify({ mode, ms: t1 - t0, sinceProcessStart: t1, allowed, phases }) + "\n");
