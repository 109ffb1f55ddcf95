// createGrantSession with a clock, timers and an issuer the test controls: renewal timing, key
// rotation and the JWKS cool-down, backoff with jitter, expiry (fail closed), concurrent refresh,
// close and wake-up; then once over real HTTP with grantsUrl and jwksUrl. The package as built
// into pkg/ by `./x build`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AUDIENCE, ISSUER, START, TASK, fakeIssuer, fakeTime, lib, seconds, settle, setup } from "./support/session-fakes.mjs";

const { createGrantSession, generateSigningKey, signGrants, Authorizer, AuthzError } = lib;


test("the first grant set: loading, then verified with the subject and a Date of expiry", async () => {
  const { session, server } = setup();
  assert.deepEqual(session.state, { status: "loading" });
  assert.equal(session.authorizer.can("claim", TASK), false, "nothing is allowed while loading");
  const grants = await session.ready;
  assert.equal(grants.payload.sub, "demo");
  assert.equal(session.state.status, "verified");
  assert.equal(session.state.subject, "demo");
  assert.ok(session.state.expiresAt instanceof Date);
  assert.equal(session.state.expiresAt.getTime(), START + seconds(900));
  assert.ok(session.authorizer instanceof Authorizer);
  assert.equal(session.authorizer.can("claim", TASK), true);
  assert.equal(server.grantsFetches, 1);
  assert.equal(server.jwksFetches, 1);
  session.close();
});

test("the first attempt fetches the grant set and the key set at once, not one after the other", async () => {
  // Over a network each fetch is a round trip: one after the other, the first decision waits for
  // both. The session asks for both before either answers.
  const started = [];
  const answers = [];
  const later = (name, fetch) => () => {
    started.push(name);
    return new Promise((resolve, reject) => answers.push(() => fetch().then(resolve, reject)));
  };
  const { session } = setup({ wrapFetch: later });
  await settle();
  assert.deepEqual(started.sort(), ["grants", "jwks"], "both requests are out before either answers");
  for (const answer of answers) answer();
  const grants = await session.ready;
  assert.equal(grants.payload.sub, "demo");
  session.close();
});

test("when the grant set cannot be fetched, the error is the grant set's even if the key set fails too", async () => {
  const { session } = setup({ down: true });
  await assert.rejects(session.ready, (error) => error.code === "ERR_GRANTS_UNAVAILABLE");
  assert.equal(session.state.code, "ERR_GRANTS_UNAVAILABLE");
  session.close();
});

test("renews refreshBefore seconds before exp: 60 by default, a fifth of a short lifetime, or as given", async () => {
  for (const [ttl, refreshBefore, lead] of [
    [900, undefined, 60],
    [30, undefined, 6],
    [900, 120, 120],
    [60, 300, 30], // never more than half the lifetime: no renewal storm
  ]) {
    const { session, server, time } = setup({ ttl, ...(refreshBefore === undefined ? {} : { refreshBefore }) });
    await session.ready;
    const seen = [];
    session.subscribe((state) => seen.push(state));
    await time.advance(seconds(ttl - lead) - 1);
    assert.equal(server.grantsFetches, 1, `ttl ${ttl}: not renewed before exp - ${lead} s`);
    await time.advance(1);
    assert.equal(server.grantsFetches, 2, `ttl ${ttl}: renewed at exp - ${lead} s`);
    assert.equal(session.state.status, "verified");
    assert.equal(session.state.expiresAt.getTime(), START + seconds(ttl - lead) + seconds(ttl), "the new grant set's expiry");
    assert.deepEqual(seen.map((s) => s.status), ["verified"], "one change, no loading in between (no flicker)");
    session.close();
  }
});

test("an issuer clock behind the page's (the grant set arrives nearly expired) does not make a renewal loop", async () => {
  const { session, server, time } = setup({ clockTolerance: 0 });
  server.skew = -seconds(870); // each grant set has 30 s left when it arrives, less than refreshBefore
  await session.ready;
  await time.advance(seconds(60));
  assert.ok(server.grantsFetches <= 5, `${server.grantsFetches} fetches in a minute`);
  assert.equal(session.state.status, "verified", "and it never lapsed");
  session.close();
});

test("key rotation: an unknown kid fetches the JWKS again once, and a removed key is gone after that fetch", async () => {
  const { session, server, time } = setup({ jwksMaxAge: 3600 }); // the cached set is still fresh at the renewal
  await session.ready;
  server.rotate("key-2"); // the old key is no longer published
  await time.advance(seconds(840));
  assert.equal(server.grantsFetches, 2);
  assert.equal(server.jwksFetches, 2, "fetched the key set again for the new kid");
  assert.equal(session.state.status, "verified");
  assert.equal(session.grants.header.kid, "key-2");
  assert.equal(session.state.lastError, undefined);

  // A token signed by the removed key is refused (within the cool-down: no extra fetch either).
  const old = generateSigningKey("key-1");
  server.signWith = old;
  await assert.rejects(session.refresh(), (e) => e instanceof AuthzError && e.code === "ERR_GRANTS_KEY_NOT_FOUND");
  assert.equal(server.jwksFetches, 2, "a fetch within the cool-down is not repeated");
  assert.equal(session.state.status, "verified", "the still-valid grant set is kept");
  assert.equal(session.state.lastError.code, "ERR_GRANTS_KEY_NOT_FOUND");
  assert.equal(session.grants.header.kid, "key-2");
  session.close();
});

test("cool-down: tokens with made-up kids fetch the key set at most once per jwksCooldown", async () => {
  const { session, server, time } = setup({ jwksCooldown: 30 });
  await session.ready;
  server.signWith = generateSigningKey("made-up");
  await time.advance(seconds(31));
  await assert.rejects(session.refresh(), { code: "ERR_GRANTS_KEY_NOT_FOUND" });
  assert.equal(server.jwksFetches, 2, "past the cool-down: one fetch");
  for (let i = 0; i < 5; i++) await assert.rejects(session.refresh(), { code: "ERR_GRANTS_KEY_NOT_FOUND" });
  assert.equal(server.jwksFetches, 2, "within the cool-down: none");
  time.sleep(seconds(30));
  await assert.rejects(session.refresh(), { code: "ERR_GRANTS_KEY_NOT_FOUND" });
  assert.equal(server.jwksFetches, 3, "after the next cool-down: one more");
  session.close();
});

test("the key set is fetched again after jwksMaxAge", async () => {
  const { session, server, time } = setup({ jwksMaxAge: 600 });
  await session.ready;
  await time.advance(seconds(599));
  await session.refresh();
  assert.equal(server.jwksFetches, 1);
  await time.advance(seconds(1));
  await session.refresh();
  assert.equal(server.jwksFetches, 2);
  session.close();
});

test("the key set's URL failing: the last set kept for another jwksMaxAge and fetched once per jwksCooldown, then none (fail closed)", async () => {
  const { session, server, time } = setup({ jwksMaxAge: 600, jwksCooldown: 30 });
  await session.ready;
  server.jwksDown = true;
  time.sleep(seconds(601)); // the key set is stale
  await session.refresh();
  assert.equal(server.jwksFetches, 2, "a stale set is fetched again");
  assert.equal(session.state.status, "verified", "and while its URL fails, the last set verifies");
  for (let i = 0; i < 5; i++) await session.refresh();
  assert.equal(server.jwksFetches, 2, "a failed fetch is not repeated within the cool-down");
  time.sleep(seconds(31));
  await session.refresh();
  assert.equal(server.jwksFetches, 3, "after the cool-down: one more");
  time.sleep(seconds(570)); // 1202 s after the set was fetched: over twice jwksMaxAge
  await assert.rejects(session.refresh(), { code: "ERR_JWKS_UNAVAILABLE" });
  assert.equal(server.jwksFetches, 4, "no set left to use: each attempt fetches (the session's backoff paces them)");
  assert.equal(session.state.status, "verified", "the grant set verified before is kept until it expires");
  server.jwksDown = false;
  await session.refresh();
  assert.equal(server.jwksFetches, 5, "back at the next attempt");
  assert.equal(session.state.lastError, undefined, "back");
  session.close();
});

test("a failing renewal keeps the valid grant set and retries with exponential backoff and jitter", async () => {
  let r = 0.5;
  const { session, server, time } = setup({ random: () => r });
  await session.ready;
  const authz = session.authorizer;
  server.down = true;
  await time.advance(seconds(840)); // the renewal is due, and fails
  assert.equal(server.grantsFetches, 2);
  assert.equal(session.state.status, "verified");
  assert.equal(session.state.lastError.code, "ERR_GRANTS_UNAVAILABLE");
  assert.match(session.state.lastError.message, /ECONNREFUSED/);
  assert.equal(session.authorizer, authz, "the same Authorizer while the grant set is valid");
  assert.equal(session.authorizer.can("claim", TASK), true);
  // Equal jitter: each delay is drawn from the upper half of initialDelay * 2^n (capped at 60 s).
  const delays = [];
  for (let i = 0; i < 8; i++) {
    delays.push(session.state.retryAt.getTime() - time.now());
    const before = server.grantsFetches;
    await time.advance(delays.at(-1));
    assert.equal(server.grantsFetches, before + 1, `retry ${i + 1} ran`);
  }
  assert.deepEqual(delays, [750, 1500, 3000, 6000, 12000, 24000, 45000, 45000]);
  r = 0;
  await time.advance(session.state.retryAt.getTime() - time.now());
  assert.equal(session.state.retryAt.getTime() - time.now(), 30000, "random 0: half the ceiling");
  r = 0.999999;
  await time.advance(session.state.retryAt.getTime() - time.now());
  assert.equal(session.state.retryAt.getTime() - time.now(), 60000, "random near 1: the ceiling");
  server.down = false;
  await time.advance(seconds(60));
  assert.equal(session.state.status, "verified");
  assert.equal(session.state.lastError, undefined, "a success clears the failure");
  assert.equal(session.state.retryAt, undefined);
  assert.notEqual(session.authorizer, authz, "the renewed grant set's Authorizer");
  session.close();
});

test("past expiry with the server down: fail closed, say why with ISO dates, recover when it returns", async () => {
  const { session, server, time } = setup({ ttl: 60 });
  await session.ready;
  server.down = true;
  const seen = [];
  session.subscribe((state) => seen.push(state.status));
  await time.advance(seconds(60));
  const state = session.state;
  assert.equal(state.status, "error");
  assert.equal(state.code, "ERR_GRANTS_EXPIRED");
  assert.equal(state.subject, "demo", "names whose grant set it was");
  assert.equal(state.expiresAt.getTime(), START + seconds(60));
  assert.match(state.message, /^the grant set of `demo` expired at 2026-12-01T12:01:00\.000Z and could not be renewed: /);
  assert.doesNotMatch(state.message, /\b1\d{9}\b/, "no epoch seconds in the message");
  assert.equal(state.lastError.code, "ERR_GRANTS_UNAVAILABLE");
  assert.equal(session.grants, null);

  const authz = session.authorizer;
  assert.ok(!(authz instanceof Authorizer), "not an Authorizer: it cannot be mistaken for a real grant set");
  assert.equal(authz.verified, false);
  assert.equal(authz.payload, null);
  assert.equal(authz.can("get", TASK), false);
  assert.deepEqual(Object.values(authz.actions(TASK)), [false, false, false, false, false, false, false, false]);
  assert.deepEqual(authz.filter([TASK, TASK]), []);
  assert.deepEqual([...authz.masks([TASK])], [0]);
  assert.equal(authz.isAuthorized("COMPONENT", "ACCESS", "tasklist"), false);
  const why = authz.explain("claim", TASK);
  assert.equal(why.allowed, false);
  assert.equal(why.code, "no-verified-grants");
  assert.equal(why.error, "ERR_GRANTS_EXPIRED");
  assert.match(why.reason, /ERR_GRANTS_EXPIRED/);
  assert.match(why.reason, /2026-12-01T12:01:00\.000Z/);
  assert.deepEqual(JSON.parse(authz.filterSearchResponse(JSON.stringify({ items: [TASK], page: { totalItems: 1 } }))), { items: [], page: { totalItems: 1 } });
  assert.throws(() => authz.can("teleport", TASK), { code: "ERR_OPERATION_UNKNOWN" });
  assert.throws(() => authz.actions(null), { code: "ERR_TASK_INVALID" });
  assert.throws(() => authz.filterSearchResponse("[]"), { code: "ERR_ARGUMENT_INVALID" });

  server.down = false;
  await time.advance(seconds(60));
  assert.equal(session.state.status, "verified");
  assert.ok(session.authorizer instanceof Authorizer);
  assert.equal(session.authorizer.can("claim", TASK), true);
  assert.ok(seen.includes("error") && seen.at(-1) === "verified");
  session.close();
});

test("a tab that slept past expiry denies at once, even before any timer fires, and renews", async () => {
  const { session, server, time } = setup({ ttl: 60 });
  await session.ready;
  const notified = [];
  session.subscribe((state) => notified.push(state.code));
  time.sleep(seconds(61)); // timers did not run
  assert.equal(session.authorizer.can("claim", TASK), false, "a read past exp fails closed");
  assert.equal(session.state.code, "ERR_GRANTS_EXPIRED");
  await settle();
  assert.deepEqual(notified.slice(0, 1), ["ERR_GRANTS_EXPIRED"], "subscribers hear of it after the read");
  assert.equal(server.grantsFetches, 2, "and a renewal started");
  assert.equal(session.state.status, "verified");
  session.close();
});

test("wake-up (visibilitychange, online): renews at once when expired or nearly, not when fresh", async () => {
  const { session, server, time, wake } = setup();
  await session.ready;
  wake.fire();
  await settle();
  assert.equal(server.grantsFetches, 1, "fresh: nothing to do");
  time.sleep(seconds(850)); // slept past the renewal time; the timer has not run yet
  wake.fire();
  await settle();
  assert.equal(server.grantsFetches, 2, "nearly expired: renewed at once");
  assert.equal(session.state.expiresAt.getTime(), START + seconds(850 + 900));

  server.down = true;
  time.sleep(seconds(2000)); // expired, and the server is down
  wake.fire();
  await settle();
  assert.equal(session.state.code, "ERR_GRANTS_EXPIRED");
  server.down = false;
  wake.fire(); // e.g. `online`: try again at once, not after the backoff
  await settle();
  assert.equal(session.state.status, "verified");
  session.close();
});

test("concurrent refreshes share one request", async () => {
  const { session, server, time } = setup();
  await session.ready;
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const plain = server.fetchGrants;
  server.fetchGrants = undefined;
  let calls = 0;
  const slow = createGrantSession({
    fetchGrants: async () => {
      calls += 1;
      await gate;
      return plain();
    },
    fetchJwks: server.fetchJwks,
    issuer: ISSUER,
    audience: AUDIENCE,
    now: time.now,
    wake: null,
  });
  const all = [slow.refresh(), slow.refresh(), slow.refresh(), slow.ready];
  assert.equal(slow.refresh(), slow.refresh(), "the same promise");
  release();
  await Promise.all(all);
  assert.equal(calls, 1);
  assert.equal(slow.state.status, "verified");
  slow.close();
  session.close();
});

test("close() stops timers and listeners; nothing is fetched after it", async () => {
  const { session, server, time, wake } = setup();
  await session.ready;
  assert.ok(time.delays().length > 0);
  assert.equal(wake.count, 1);
  let heard = 0;
  session.subscribe(() => (heard += 1));
  session.close();
  assert.deepEqual(time.delays(), [], "no timers left");
  assert.equal(wake.count, 0, "wake-up listener removed");
  await time.advance(seconds(5000));
  wake.fire();
  await session.refresh();
  assert.equal(server.grantsFetches, 1);
  assert.equal(heard, 0);
});

test("close() before the first grant set arrives: ready still resolves it, and the session changes nothing", async () => {
  const { session } = setup();
  let heard = 0;
  session.subscribe(() => (heard += 1));
  session.close();
  const grants = await session.ready;
  assert.equal(grants.payload.sub, "demo");
  assert.equal(session.state.status, "loading");
  assert.equal(session.authorizer.can("get", TASK), false);
  assert.equal(heard, 0);
});

test("the first attempt fails: ready rejects with its AuthzError, state and authorizer say why, a retry recovers", async () => {
  const time = fakeTime();
  const server = fakeIssuer(time);
  server.down = true;
  const session = createGrantSession({ fetchGrants: server.fetchGrants, fetchJwks: server.fetchJwks, issuer: ISSUER, audience: AUDIENCE, now: time.now, timers: time.timers, random: () => 0.5, wake: null });
  await assert.rejects(session.ready, (e) => e instanceof AuthzError && e.code === "ERR_GRANTS_UNAVAILABLE" && /ECONNREFUSED/.test(e.message));
  assert.equal(session.state.status, "error");
  assert.equal(session.state.code, "ERR_GRANTS_UNAVAILABLE");
  assert.match(session.authorizer.explain("get", TASK).reason, /ERR_GRANTS_UNAVAILABLE/);
  server.down = false;
  await time.advance(750);
  assert.equal(session.state.status, "verified");
  session.close();
});

test("a token the verifier refuses (wrong audience) is an error state with the verifier's code", async () => {
  const { session } = setup({ audience: "operate" });
  await assert.rejects(session.ready, { code: "ERR_GRANTS_AUDIENCE" });
  assert.equal(session.state.code, "ERR_GRANTS_AUDIENCE");
  session.close();
});

test("options: issuer and audience are required (null skips a check on purpose); one source of each", () => {
  const base = { fetchGrants: async () => "", fetchJwks: async () => ({ keys: [] }), issuer: ISSUER, audience: AUDIENCE, wake: null };
  const bad = [
    { ...base, issuer: undefined },
    { ...base, audience: undefined },
    { ...base, grantsUrl: "/grants" },
    { ...base, fetchJwks: undefined },
    { ...base, clockTolerance: 3601 },
    { ...base, refreshBefore: -1 },
  ];
  for (const options of bad) assert.throws(() => createGrantSession(options), { code: "ERR_ARGUMENT_INVALID" }, JSON.stringify(Object.keys(options)));
  createGrantSession({ ...base, issuer: null, audience: null }).close();
});

test("grantsUrl and jwksUrl over real HTTP: headers from grantsHeaders, text or JSON token, an HTTP error names the status", async () => {
  const key = generateSigningKey("http-key");
  let status = 200;
  let asJson = false;
  const server = createServer((req, res) => {
    if (status !== 200) {
      res.writeHead(status).end();
      return;
    }
    if (req.url === "/grants" && req.headers.authorization !== "Bearer user-token") {
      res.writeHead(401).end();
    } else if (req.url === "/grants") {
      const token = signGrants({ sub: "demo", ver: 1, authorizationsEnabled: false, principal: { type: "USER", id: "demo" } }, key.privateJwk, { ttl: 900, issuer: ISSUER, audience: AUDIENCE });
      res.writeHead(200, { "content-type": asJson ? "application/json" : "application/jwt" }).end(asJson ? JSON.stringify({ token }) : token);
    } else if (req.url === "/jwks") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(key.jwks));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const session = createGrantSession({ grantsUrl: `${base}/grants`, grantsHeaders: async () => ({ authorization: "Bearer user-token" }), jwksUrl: `${base}/jwks`, issuer: ISSUER, audience: AUDIENCE });
    await session.ready;
    assert.equal(session.state.subject, "demo");
    asJson = true;
    await session.refresh();
    assert.equal(session.state.status, "verified");
    assert.equal(session.state.lastError, undefined);
    status = 503;
    await assert.rejects(session.refresh(), (e) => e.code === "ERR_GRANTS_UNAVAILABLE" && e.message === `cannot fetch the grant set from \`${base}/grants\`: HTTP 503`);
    assert.equal(session.state.status, "verified", "still valid: kept");
    session.close();
  } finally {
    server.close();
  }
});

test("against camunda-authz/issuer's HTTP handler and the Camunda stand-in: the user's bearer token in, a verified grant set out", async () => {
  const { startStandin } = await import(pathToFileURL(fileURLToPath(new URL("../camunda-standin/index.mjs", import.meta.url))).href);
  const { createIssuer, createIssuerHandler, toNodeListener } = await import(pathToFileURL(fileURLToPath(new URL("../../pkg/issuer/node.js", import.meta.url))).href);
  const service = { clientId: "issuer", clientSecret: "s3cret" };
  const standin = await startStandin({
    users: [{ username: "ana" }],
    clients: [service],
    groups: [{ groupId: "sales", users: ["ana"] }],
    roles: [],
    tenants: [],
    mappingRules: [],
    authorizations: [
      { ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM"] },
      ...["AUTHORIZATION", "MAPPING_RULE", "GROUP", "ROLE", "TENANT", "USER"].map((resourceType) => ({ ownerType: "CLIENT", ownerId: "issuer", resourceType, resourceId: "*", permissionTypes: ["READ"] })),
    ],
    userTasks: [],
  });
  const issuer = createIssuer({
    camunda: { restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...service, audience: "orchestration-api" } },
    signingKey: generateSigningKey("issuer-key").privateJwk,
    issuer: ISSUER,
    audience: AUDIENCE,
    ttl: 300,
  });
  const server = createServer(toNodeListener(createIssuerHandler(issuer)));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    const userToken = standin.userToken("ana");
    const session = createGrantSession({
      grantsUrl: `${base}/grants`,
      grantsHeaders: () => ({ authorization: `Bearer ${userToken}` }),
      jwksUrl: `${base}/.well-known/camunda-grants-jwks.json`,
      issuer: ISSUER,
      audience: AUDIENCE,
      wake: null,
    });
    await session.ready;
    assert.equal(session.state.subject, "ana");
    assert.equal(session.authorizer.can("claim", TASK), true);
    assert.equal(session.authorizer.can("complete", TASK), false);
    session.close();
    // Without the user's token the issuer answers 401 with its problem JSON: a refusal, with the
    // status and the issuer's own code, not an outage.
    const anonymous = createGrantSession({ grantsUrl: `${base}/grants`, jwksUrl: `${base}/.well-known/camunda-grants-jwks.json`, issuer: ISSUER, audience: AUDIENCE, wake: null });
    await assert.rejects(anonymous.ready, { code: "ERR_GRANTS_REFUSED", message: `the issuer refused the grant set at \`${base}/grants\`: HTTP 401 (ERR_ISSUER_PRINCIPAL); sign in again, then call refresh()` });
    assert.equal(anonymous.state.status, "error");
    assert.equal(anonymous.state.httpStatus, 401);
    assert.equal(anonymous.state.issuerCode, "ERR_ISSUER_PRINCIPAL");
    anonymous.close();
  } finally {
    server.close();
    await standin.close();
  }
});
