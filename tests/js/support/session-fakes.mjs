// The grant session's test doubles, for tests/js/session*.test.mjs: a clock and timers that move
// only when told, an issuer whose keys, clock, outages, subject and refusals the test controls,
// a wake-up source to fire by hand, and a session over them. The package as built into pkg/.

import { fileURLToPath, pathToFileURL } from "node:url";

const PKG = fileURLToPath(new URL("../../../pkg/node.mjs", import.meta.url));
export const lib = await import(pathToFileURL(PKG).href);
const { createGrantSession, generateSigningKey, signGrants } = lib;

export const ISSUER = "https://tasklist.example.com";
export const AUDIENCE = "tasklist";
export const START = Date.UTC(2026, 11, 1, 12, 0, 0);
export const TASK = { userTaskKey: "1", processDefinitionId: "invoice", candidateGroups: ["sales"], state: "CREATED" };

/** Let pending promise chains run (fetches here are async functions that resolve at once). */
export async function settle() {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A clock and timers that move only when told. */
export function fakeTime() {
  let now = START;
  let nextId = 0;
  const pending = new Map();
  return {
    now: () => now,
    timers: {
      setTimeout(fn, ms) {
        nextId += 1;
        pending.set(nextId, { at: now + ms, fn });
        return nextId;
      },
      clearTimeout(id) {
        pending.delete(id);
      },
    },
    /** Moves the clock by `ms`, running each timer that falls due, in order. */
    async advance(ms) {
      const end = now + ms;
      for (let fired = 0; ; fired++) {
        if (fired > 1000) throw new Error("over 1000 timers fired in one advance: a renewal loop");
        await settle();
        const due = [...pending].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        pending.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
      }
      now = end;
      await settle();
    },
    /** Moves the clock without running timers: a tab that slept. */
    sleep(ms) {
      now += ms;
    },
    delays: () => [...pending.values()].map((t) => t.at - now).sort((a, b) => a - b),
  };
}

/**
 * The issuer's side: keys it can rotate, a ttl, an outage switch, the subject it signs for, a
 * replay of an older token (`replay`: a token it signed before), and a refusal (`refuse`:
 * `{ httpStatus, issuerCode? }`, thrown as a `fetchGrants` error); counts requests and records
 * what each was for (`requests`: `{ fresh }`).
 */
export function fakeIssuer(time, { ttl = 900 } = {}) {
  const issuer = {
    key: generateSigningKey("key-1"),
    signWith: null, // a key to sign with instead (a stray or a removed one)
    skew: 0, // ms the issuer's clock is ahead of the page's (negative: behind)
    ttl,
    down: false,
    jwksDown: false, // only the key set's URL fails
    grantsFetches: 0,
    jwksFetches: 0,
    subject: "demo",
    /** What it signs: the sales group may read and claim its tasks (revoke one by changing this). */
    authorizations: [{ ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM"] }],
    replay: null,
    refuse: null,
    requests: [],
    signed: [],
    rotate(kid) {
      issuer.key = generateSigningKey(kid);
    },
    async fetchGrants(request) {
      issuer.grantsFetches += 1;
      issuer.requests.push(request);
      if (issuer.down) throw new TypeError("fetch failed: connect ECONNREFUSED 127.0.0.1");
      if (issuer.refuse) throw Object.assign(new Error(`HTTP ${issuer.refuse.httpStatus}`), issuer.refuse);
      if (issuer.replay) return issuer.replay;
      const payload = {
        sub: issuer.subject,
        ver: 1,
        authorizationsEnabled: true,
        principal: { type: "USER", id: issuer.subject, groups: ["sales"] },
        authorizations: issuer.authorizations,
      };
      const token = signGrants(payload, (issuer.signWith ?? issuer.key).privateJwk, { ttl: issuer.ttl, issuer: ISSUER, audience: AUDIENCE, now: (time.now() + issuer.skew) / 1000 });
      issuer.signed.push(token);
      return token;
    },
    async fetchJwks() {
      issuer.jwksFetches += 1;
      if (issuer.down || issuer.jwksDown) throw new TypeError("fetch failed: connect ECONNREFUSED 127.0.0.1");
      return structuredClone(issuer.key.jwks);
    },
  };
  return issuer;
}

export function wakeSource() {
  const listeners = new Set();
  return {
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    fire: () => [...listeners].forEach((fn) => fn()),
    get count() {
      return listeners.size;
    },
  };
}

/**
 * A session over the fake issuer. `down`: the issuer is down from the start. `wrapFetch(name,
 * fetch)`: what the session is given instead of the issuer's fetchGrants ("grants") and
 * fetchJwks ("jwks").
 */
export function setup({ ttl, random = () => 0.5, down = false, wrapFetch = (name, fetch) => fetch, ...options } = {}) {
  const time = fakeTime();
  const server = fakeIssuer(time, { ttl });
  server.down = down;
  const wake = wakeSource();
  const session = createGrantSession({
    fetchGrants: wrapFetch("grants", server.fetchGrants),
    fetchJwks: wrapFetch("jwks", server.fetchJwks),
    issuer: ISSUER,
    audience: AUDIENCE,
    now: time.now,
    timers: time.timers,
    random,
    wake,
    ...options,
  });
  return { time, server, wake, session };
}

export const seconds = (s) => s * 1000;
