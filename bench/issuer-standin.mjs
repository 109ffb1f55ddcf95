// The Camunda stand-in in a process of its own, for the issuer's load benchmark: a cluster that
// does not share the issuer's event loop (or the load generator's). Driven over IPC by
// bench/issuer-load.mjs: `{ id, op, ...args }` in, `{ id, result }` or `{ id, error }` out.
//   start { data, options }         -> { url, oauthUrl }
//   latency { ms } | blackhole { on } | down | up
//   tokens { users: [{ username, claims }] } -> [token, ...]
//   counters                        -> { count, inFlight, maxInFlight } (then reset)
import { startStandin } from "../tests/camunda-standin/index.mjs";

let standin;

const ops = {
  async start({ data, options }) {
    standin = await startStandin(data, options);
    return { url: standin.url, oauthUrl: standin.oauthUrl };
  },
  latency({ ms }) {
    standin.latencyMs = ms;
  },
  blackhole({ on }) {
    standin.blackhole(on);
  },
  down: () => standin.down(),
  up: () => standin.up(),
  tokens({ users }) {
    return users.map(({ username, claims }) => standin.userToken(username, claims));
  },
  counters() {
    const result = { ...standin.counters };
    standin.resetCounters();
    return result;
  },
  violations: () => standin.violations.length,
  async close() {
    await standin.close();
    setImmediate(() => process.exit(0));
  },
};

process.on("message", async ({ id, op, ...args }) => {
  try {
    process.send({ id, result: await ops[op](args) });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
