// Latency and outages for the stand-in, for the issuer's fault tests and its load benchmark:
//   latencyMs         added to every request, OAuth token requests included (a cluster far away)
//   blackhole(true)   every request is held unanswered, as a cluster that accepts connections and
//                     never answers; blackhole(false) resets the held connections
//   down() / up()     the port refuses connections, then listens again on the same port
// and the counters a benchmark reads without keeping every request: `count`, `inFlight` (requests
// being answered, latency included) and `maxInFlight` (the most at one time since the last
// resetCounters()). The answers themselves never change shape: a fault is a delay, a reset
// connection or a refused one, and the injected failures of index.mjs keep Camunda's shapes.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function faults(server, { latencyMs = 0 } = {}) {
  let latency = latencyMs;
  let hole = false;
  let port;
  const held = new Set();
  const sockets = new Set();
  const counters = { count: 0, inFlight: 0, maxInFlight: 0 };
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return {
    counters,
    get latencyMs() {
      return latency;
    },
    set latencyMs(ms) {
      latency = ms;
    },
    /** Counts the request; resolves false when it is to be held unanswered (the black hole). */
    async enter(res) {
      counters.count += 1;
      counters.inFlight += 1;
      counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
      res.on("close", () => (counters.inFlight -= 1));
      if (hole) {
        held.add(res);
        res.on("close", () => held.delete(res));
        return false;
      }
      if (latency > 0) await sleep(latency);
      return true;
    },
    blackhole(on) {
      hole = on;
      if (!on) for (const res of held) res.destroy();
    },
    remember(p) {
      port = p;
    },
    /** Closes the port and every connection: requests to it are refused until up(). */
    async down() {
      await new Promise((resolve) => {
        server.close(resolve);
        for (const socket of sockets) socket.destroy();
      });
    },
    async up() {
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
    },
    resetCounters() {
      counters.count = 0;
      counters.maxInFlight = counters.inFlight;
    },
  };
}
