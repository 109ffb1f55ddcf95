// 100,000 distinct users within one cache period, in a process of its own so that its memory is
// the issuer's: createIssuer against the stand-in (its own process, STANDIN_URL and OAUTH_URL),
// `{ username, claims }` for each user at 50 in flight (the role through a mapping rule, the
// directory cached once, each user's own authorizations one search and one cache entry), and
// the memory after a garbage collection every 10,000 users. Prints one JSON line per sample.
// Run by bench/issuer-load.mjs with --expose-gc:
//   STANDIN_URL=... OAUTH_URL=... USERS=100000 node --expose-gc bench/issuer-many.mjs
import { SERVICE_ACCOUNT } from "../tests/camunda-standin/population.mjs";

const PKG = new URL("../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);

const USERS = Number(process.env.USERS ?? 100_000);
const CONCURRENCY = 50;
const issuer = createIssuer({
  camunda: { restAddress: process.env.STANDIN_URL, auth: { strategy: "OAUTH", oauthUrl: process.env.OAUTH_URL, ...SERVICE_ACCOUNT } },
  signingKey: lib.generateSigningKey("many-1").privateJwk,
  issuer: "https://tasklist.example.com",
  audience: "tasklist",
  cacheTtl: 3600, // one cache period for the whole run
  checkUserExists: false,
});

function sample(users, started) {
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ users, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, wasm: lib.wasmMemoryBytes(), cacheEntries: issuer.stats.cacheEntries, requests: issuer.stats.requests, ms: Math.round(performance.now() - started) })}\n`);
}

const started = performance.now();
sample(0, started);
let next = 0;
let failures = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < USERS) {
      const i = next++;
      try {
        await issuer.issue({ username: `many-${i}`, claims: { sub: `many-${i}`, dept: "ops" } });
      } catch {
        failures += 1;
      }
      if ((i + 1) % 10_000 === 0) sample(i + 1, started);
    }
  }),
);
if (USERS % 10_000 !== 0) sample(USERS, started);
process.stdout.write(`${JSON.stringify({ done: true, failures })}\n`);
