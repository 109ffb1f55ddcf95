// The grant session for OIDC frontends, with the fake clock and issuer of support/session-fakes.mjs
// and, where HTTP matters, over real sockets: the compact token for an edge worker, an issuer's
// 401/403 as a refusal that waits for refresh(), renewals for another subject or older than the
// grant set held refused, maxLifetime, a byte cap on the bodies, no answer from another origin
// after a redirect, and listeners that throw. The package as built into pkg/ by `./x build`.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { TASK, lib, seconds, settle, setup } from "./support/session-fakes.mjs";

const { createGrantSession, generateSigningKey, signGrants, AuthzError } = lib;
const ISSUER = "https://tasklist.example.com";
const AUDIENCE = "tasklist";

test("session.token: the compact JWS held now, renewed with the grant set, null while none is valid", async () => {
  const { session, server, time } = setup({ ttl: 60 });
  assert.equal(session.token, null, "nothing while loading");
  await session.ready;
  assert.equal(session.token, server.signed.at(-1));
  assert.equal(session.token.split(".").length, 3);
  await time.advance(seconds(48)); // a fifth of 60 s before exp: renewed
  assert.equal(server.signed.length, 2);
  assert.equal(session.token, server.signed[1], "the renewed token");
  server.down = true;
  await time.advance(seconds(61));
  assert.equal(session.state.code, "ERR_GRANTS_EXPIRED");
  assert.equal(session.token, null, "no token once the grant set expired");
  session.close();
});

test("the issuer answers 401: ERR_GRANTS_REFUSED with the status and its code, everything denied, no retry until refresh()", async () => {
  const { session, server, time, wake } = setup();
  await session.ready;
  const seen = [];
  session.subscribe((state) => seen.push(state));
  server.refuse = { httpStatus: 401, issuerCode: "ERR_ISSUER_PRINCIPAL" };
  await assert.rejects(session.refresh(), (e) => e instanceof AuthzError && e.code === "ERR_GRANTS_REFUSED" && e.httpStatus === 401);
  const state = session.state;
  assert.equal(state.status, "error");
  assert.equal(state.code, "ERR_GRANTS_REFUSED");
  assert.equal(state.httpStatus, 401);
  assert.equal(state.issuerCode, "ERR_ISSUER_PRINCIPAL");
  assert.equal(state.subject, "demo", "whose grant set it was");
  assert.match(state.message, /HTTP 401 \(ERR_ISSUER_PRINCIPAL\); sign in again, then call refresh\(\)$/);
  assert.equal(state.retryAt, undefined, "no retry is planned");
  // The still-valid grant set is dropped at once: the issuer says this user gets none now.
  assert.equal(session.grants, null);
  assert.equal(session.token, null);
  assert.equal(session.authorizer.can("claim", TASK), false);
  assert.equal(session.authorizer.explain("claim", TASK).error, "ERR_GRANTS_REFUSED");
  assert.deepEqual(seen.map((s) => s.code), ["ERR_GRANTS_REFUSED"]);

  // No loop: an hour of timers, wake-ups and reads fetch nothing.
  const fetches = server.grantsFetches;
  await time.advance(seconds(3600));
  wake.fire();
  void session.state;
  await settle();
  assert.equal(server.grantsFetches, fetches, "nothing fetched after the refusal");

  // After a new login the app calls refresh(): verified again.
  server.refuse = null;
  await session.refresh();
  assert.equal(session.state.status, "verified");
  assert.equal(session.authorizer.can("claim", TASK), true);
  session.close();
});

test("a refused first attempt: ready rejects with ERR_GRANTS_REFUSED (403, no issuer code), and nothing is retried", async () => {
  const { session, server, time } = setup({ wrapFetch: (name, fetch) => (name === "grants" ? () => Promise.reject(Object.assign(new Error("forbidden"), { httpStatus: 403 })) : fetch) });
  await assert.rejects(session.ready, { code: "ERR_GRANTS_REFUSED" });
  assert.equal(session.state.httpStatus, 403);
  assert.equal("issuerCode" in session.state, false);
  await time.advance(seconds(600));
  assert.equal(session.state.code, "ERR_GRANTS_REFUSED", "still refused, nothing retried");
  assert.equal(server.grantsFetches, 0);
  session.close();
});

test("a renewal for another subject is refused (ERR_GRANTS_SUBJECT) and the grant set held is kept; refresh({ newLogin: true }) accepts it", async () => {
  const { session, server } = setup();
  await session.ready;
  const token = session.token;
  const authz = session.authorizer;
  server.subject = "mallory";
  await assert.rejects(session.refresh(), { code: "ERR_GRANTS_SUBJECT", message: "the renewed grant set is for `mallory`, not `demo`: refused, the grant set of `demo` is kept (after a new login, call refresh({ newLogin: true }))" });
  assert.equal(session.state.status, "verified");
  assert.equal(session.state.subject, "demo");
  assert.equal(session.state.lastError.code, "ERR_GRANTS_SUBJECT");
  assert.equal(session.token, token, "the token held is kept");
  assert.equal(session.authorizer, authz);
  await session.refresh({ newLogin: true });
  assert.equal(session.state.subject, "mallory", "a new login may change the subject");
  assert.equal(session.state.lastError, undefined);
  assert.throws(() => session.refresh(null), { code: "ERR_ARGUMENT_INVALID" });
  session.close();
});

test("a renewal older than the grant set held (a replayed token) is refused (ERR_GRANTS_STALE): a revoked grant does not come back", async () => {
  const { session, server, time } = setup();
  await session.ready;
  const old = server.signed[0]; // may claim
  await time.advance(seconds(10));
  server.authorizations = [{ ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ"] }];
  await session.refresh(); // the claim grant is revoked
  assert.equal(session.authorizer.can("claim", TASK), false);
  const newer = session.token;
  server.replay = old; // still valid, signed 10 s earlier
  await assert.rejects(session.refresh(), (e) => e.code === "ERR_GRANTS_STALE" && /issued at 2026-12-01T12:00:00\.000Z, before the one held \(2026-12-01T12:00:10\.000Z\)/.test(e.message));
  assert.equal(session.token, newer, "the newer token is kept");
  assert.equal(session.authorizer.can("claim", TASK), false, "the revoked grant stays revoked");
  assert.equal(session.state.lastError.code, "ERR_GRANTS_STALE");
  session.close();
});

test("maxLifetime: a day by default, passed to verifyGrants; null lifts it; a bad one is refused at once", async () => {
  const long = setup({ ttl: 2 * 86400 });
  await assert.rejects(long.session.ready, (e) => e.code === "ERR_GRANTS_MALFORMED" && /not 0 to maxLifetime 86400 s/.test(e.message));
  long.session.close();
  const allowed = setup({ ttl: 2 * 86400, maxLifetime: 3 * 86400 });
  await allowed.session.ready;
  assert.equal(allowed.session.state.status, "verified");
  allowed.session.close();
  const lifted = setup({ ttl: 30 * 86400, maxLifetime: null });
  await lifted.session.ready;
  assert.equal(lifted.session.state.status, "verified");
  lifted.session.close();
  for (const maxLifetime of [0, -1, "1", Infinity]) {
    assert.throws(() => setup({ maxLifetime }), { code: "ERR_ARGUMENT_INVALID" }, String(maxLifetime));
  }
});

/** A server on 127.0.0.1 whose handler the test gives; resolves `{ url, close }`. */
async function serve(handler) {
  const server = createServer(handler);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

test("an endless grant-set or key-set body is cut off at the byte cap, not read to the end", async () => {
  const key = generateSigningKey("cap");
  let sent = 0;
  let closed = 0;
  const endless = (res) => {
    res.writeHead(200, { "content-type": "application/jwt" });
    const chunk = Buffer.alloc(64 * 1024, 97);
    const pump = () => {
      while (res.writableLength < 1 << 20 && !res.destroyed) {
        sent += chunk.length;
        if (sent > 256 << 20) return res.end(); // a safety stop far beyond the cap
        res.write(chunk);
      }
      if (!res.destroyed) res.once("drain", pump);
    };
    res.on("close", () => (closed += 1));
    pump();
  };
  const origin = await serve((req, res) => {
    if (req.url === "/endless-grants" || req.url === "/endless-jwks") return endless(res);
    if (req.url === "/declared") return res.writeHead(200, { "content-length": String(64 << 20) }).end();
    if (req.url === "/jwks") return res.writeHead(200).end(JSON.stringify(key.jwks));
    res.writeHead(200).end(signGrants({ sub: "a", ver: 1, authorizationsEnabled: false, principal: { type: "USER", id: "a" } }, key.privateJwk, { ttl: 900, issuer: ISSUER, audience: AUDIENCE }));
  });
  try {
    const grants = createGrantSession({ grantsUrl: `${origin.url}/endless-grants`, jwksUrl: `${origin.url}/jwks`, issuer: ISSUER, audience: AUDIENCE, wake: null });
    await assert.rejects(grants.ready, { code: "ERR_GRANTS_TOO_LARGE", message: `the grant set from \`${origin.url}/endless-grants\` is over ${(1 << 20) + (16 << 10)} bytes` });
    grants.close();
    const declared = createGrantSession({ grantsUrl: `${origin.url}/declared`, jwksUrl: `${origin.url}/jwks`, issuer: ISSUER, audience: AUDIENCE, wake: null });
    await assert.rejects(declared.ready, { code: "ERR_GRANTS_TOO_LARGE" });
    declared.close();
    const keys = createGrantSession({ grantsUrl: `${origin.url}/grants`, jwksUrl: `${origin.url}/endless-jwks`, issuer: ISSUER, audience: AUDIENCE, wake: null });
    await assert.rejects(keys.ready, { code: "ERR_JWKS_INVALID", message: `the key set from \`${origin.url}/endless-jwks\` is over ${1 << 20} bytes` });
    keys.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(closed, 2, "both connections were closed by the client");
    assert.ok(sent < 16 << 20, `${sent} bytes were sent before the client hung up: it stopped reading at the cap`);
  } finally {
    await origin.close();
  }
});

test("a redirect of grantsUrl or jwksUrl to another origin is refused; one within the origin is followed", async () => {
  const key = generateSigningKey("good");
  const evilKey = generateSigningKey("good"); // the same kid, the attacker's key
  const payload = { sub: "a", ver: 1, authorizationsEnabled: false, principal: { type: "USER", id: "a" } };
  const evil = await serve((req, res) => {
    if (req.url === "/jwks") return res.writeHead(200).end(JSON.stringify(evilKey.jwks));
    res.writeHead(200).end(signGrants(payload, evilKey.privateJwk, { ttl: 900, issuer: ISSUER, audience: AUDIENCE }));
  });
  const origin = await serve((req, res) => {
    if (req.url.startsWith("/away")) return res.writeHead(302, { location: `${evil.url}${req.url.slice(5)}` }).end();
    if (req.url === "/moved-jwks") return res.writeHead(301, { location: "/jwks" }).end();
    if (req.url === "/jwks") return res.writeHead(200).end(JSON.stringify(key.jwks));
    res.writeHead(200).end(signGrants(payload, key.privateJwk, { ttl: 900, issuer: ISSUER, audience: AUDIENCE }));
  });
  try {
    const make = (grants, jwks) => createGrantSession({ grantsUrl: `${origin.url}${grants}`, jwksUrl: `${origin.url}${jwks}`, issuer: ISSUER, audience: AUDIENCE, wake: null });
    const keys = make("/grants", "/away/jwks");
    await assert.rejects(keys.ready, (e) => e.code === "ERR_JWKS_UNAVAILABLE" && e.message.includes(`it was redirected to another origin (\`${evil.url}\`), which is refused`));
    keys.close();
    const grants = make("/away/grants", "/jwks");
    await assert.rejects(grants.ready, (e) => e.code === "ERR_GRANTS_UNAVAILABLE" && e.message.includes("redirected to another origin"));
    grants.close();
    const moved = make("/grants", "/moved-jwks");
    await moved.ready;
    assert.equal(moved.state.status, "verified", "a redirect within the origin is followed");
    moved.close();
  } finally {
    await origin.close();
    await evil.close();
  }
});

test("a listener that throws is reported to the error listeners and stops neither the others nor the program", async () => {
  const { session, server } = setup();
  await session.ready;
  const heard = [];
  const errors = [];
  session.subscribe(() => {
    throw new Error("a bug in the app");
  });
  session.subscribe((state) => heard.push(state.subject));
  const off = session.on("error", (error) => errors.push(error.message));
  server.subject = "demo";
  await session.refresh();
  assert.deepEqual(heard, ["demo"], "the next listener still ran");
  assert.deepEqual(errors, ["a bug in the app"]);

  // With no error listener it goes to console.error (in a page: reportError), never thrown.
  off();
  const logged = [];
  /** A renewal (its listeners run) with console.error recorded into `logged`. */
  const renewLogging = async () => {
    const original = console.error;
    console.error = (...args) => logged.push(args);
    try {
      await session.refresh();
      await settle();
    } finally {
      console.error = original;
    }
  };
  await renewLogging();
  assert.equal(logged.length, 1);
  assert.equal(logged[0][0], "camunda-authz: a grant session listener threw:");
  assert.equal(logged[0][1].message, "a bug in the app");
  assert.deepEqual(heard, ["demo", "demo"]);

  // An error listener that throws is logged too, and the program goes on.
  session.on("error", () => {
    throw new Error("and a bug in its error listener");
  });
  await renewLogging();
  assert.equal(logged.at(-1)[1].message, "and a bug in its error listener");
  assert.throws(() => session.on("change", () => {}), { code: "ERR_ARGUMENT_INVALID" });
  assert.throws(() => session.on("error", "not a function"), { code: "ERR_ARGUMENT_INVALID" });
  session.close();
});

test("a new login while a renewal is under way: that renewal is refused for the other subject, the one after it takes the new login", async () => {
  let release;
  let gate = Promise.resolve();
  const { session, server } = setup({ wrapFetch: (name, fetch) => (name === "grants" ? async (request) => gate.then(() => fetch(request)) : fetch) });
  await session.ready;
  gate = new Promise((resolve) => (release = resolve));
  const renewal = session.refresh(); // under way, for demo
  server.subject = "marco"; // someone else signs in meanwhile
  const login = session.refresh({ newLogin: true });
  assert.notEqual(login, renewal, "the new login does not share the renewal under way");
  assert.equal(session.refresh({ newLogin: true }), login, "but shares the one queued after it");
  release();
  await assert.rejects(renewal, { code: "ERR_GRANTS_SUBJECT" });
  await login;
  assert.equal(session.state.subject, "marco");
  assert.equal(server.grantsFetches, 3);
  session.close();
  await session.reportRefusal({ status: 403, operation: "claim", task: { userTaskKey: "1", processDefinitionId: "invoice", candidateGroups: ["sales"] } });
  assert.equal(server.grantsFetches, 3, "a closed session fetches nothing, refusals or not");
});
