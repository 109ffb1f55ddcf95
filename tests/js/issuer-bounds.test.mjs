// The issuer's bounds and faults against the Camunda stand-in over real HTTP: a byte cap on every
// answer, a cursor that repeats or never ends, a deadline per issue, the group fan-out, caches
// bounded by entries, OAuth failures backed off, the circuit breaker, issues in flight bounded,
// ids that cannot name a path segment, and a grant set over the verifiers' size bound.
import { test } from "node:test";
import assert from "node:assert/strict";
import { standinStarter } from "./support/standins.mjs";
import { SERVICE_ACCOUNT, serviceAccountAuthorizations } from "../camunda-standin/population.mjs";
import { rejection } from "./support/issuer-asserts.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);

const KEY = lib.generateSigningKey("bounds-1");
const startStandin = standinStarter();

/** alice in `sales` (role `task-worker` through it), with `mine` authorizations of her own. */
function cluster({ mine = 3, groups = [], authorizations = [] } = {}) {
  return {
    users: [{ username: "alice" }, { username: "bob" }],
    clients: [SERVICE_ACCOUNT],
    groups: [{ groupId: "sales", users: ["alice"] }, ...groups],
    roles: [{ roleId: "task-worker", groups: ["sales"] }],
    mappingRules: [],
    authorizations: [
      ...serviceAccountAuthorizations(),
      { ownerType: "ROLE", ownerId: "task-worker", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM"] },
      ...Array.from({ length: mine }, (_, i) => ({ ownerType: "USER", ownerId: "alice", resourceType: "PROCESS_DEFINITION", resourceId: `process-${i}`, permissionTypes: ["READ_USER_TASK"] })),
      ...authorizations,
    ],
  };
}

const standin = (data = cluster(), options) => startStandin(data, options);

const oauth = (s, extra = {}) => ({ restAddress: s.url, auth: { strategy: "OAUTH", oauthUrl: s.oauthUrl, ...SERVICE_ACCOUNT, ...extra } });
const issuerFor = (s, options = {}) => createIssuer({ camunda: oauth(s), signingKey: KEY.privateJwk, issuer: "https://tasklist.example.com", audience: "tasklist", ...options });

const searches = (s, pred = () => true) => s.requests.filter((r) => r.path === "/v2/authorizations/search" && pred(r));

test("a byte cap on every answer: a cluster page, and an OAuth body that never ends, are cut off at maxResponseBytes", async () => {
  const s = await standin(cluster({ mine: 400 }));
  const big = await rejection(issuerFor(s, { maxResponseBytes: 16 * 1024 }).issue({ username: "alice" }));
  assert.equal(big.code, "ERR_ISSUER_UPSTREAM");
  assert.match(big.message, /POST http:\/\/127\.0\.0\.1:\d+\/v2\/authorizations\/search answered more than 16384 bytes \(maxResponseBytes\)/);
  let served = 0;
  const endless = () =>
    new Response(
      new ReadableStream({
        async pull(controller) {
          await new Promise((r) => setTimeout(r, 1));
          served += 65536;
          controller.enqueue(new Uint8Array(65536).fill(32));
        },
      }),
      { headers: { "content-type": "application/json" } },
    );
  const started = performance.now();
  const error = await rejection(issuerFor(s, { timeoutMs: 3000, fetch: (url, init) => (String(url).endsWith("/oauth/token") ? endless() : fetch(url, init)) }).issue({ username: "alice" }));
  assert.match(error.message, /the OAuth token request to http:\/\/127\.0\.0\.1:\d+\/oauth\/token answered more than 16777216 bytes \(maxResponseBytes\)/);
  assert.ok(served < 20 * 1024 * 1024, `read ${served} bytes`);
  assert.ok(performance.now() - started < 2500, "cut off at the cap, not at the timeout");
  s.assertClean();
});

test("a `page.endCursor` the cluster repeats is an error after two pages, not 10,000 requests", async () => {
  const s = await standin(cluster({ mine: 30 }));
  s.fail({ path: "/v2/authorizations/search", times: Number.POSITIVE_INFINITY, transform: (body) => ({ ...body, page: { ...body.page, endCursor: "MTA", hasMoreTotalItems: true } }) });
  const error = await rejection(issuerFor(s, { pageSize: 10 }).issue({ username: "alice" }));
  assert.equal(error.code, "ERR_ISSUER_UPSTREAM");
  assert.match(error.message, /answered page 2 with a `page\.endCursor` it had answered before/);
  assert.ok(searches(s, (r) => r.body.filter?.ownerId === "alice").length <= 2, `${searches(s).length} searches`);
  s.assertClean();
});

test("a search that never reaches its last page is cut off at maxSearchItems, not held in memory", async () => {
  const s = await standin(cluster({ mine: 20 }));
  // Every page holds alice's 20 items again (Camunda's items, in Camunda's shape) and a new cursor.
  let n = 0;
  let first;
  s.fail({
    path: "/v2/authorizations/search",
    times: Number.POSITIVE_INFINITY,
    transform: (body, request) => {
      if (request.body.filter?.ownerId !== "alice") return body;
      first ??= body.items;
      return { items: first, page: { totalItems: 1e9, hasMoreTotalItems: true, startCursor: null, endCursor: Buffer.from(String(n++)).toString("base64url") } };
    },
  });
  const error = await rejection(issuerFor(s, { maxSearchItems: 500 }).issue({ username: "alice" }));
  assert.equal(error.code, "ERR_ISSUER_UPSTREAM");
  assert.match(error.message, /has more than 500 items \(maxSearchItems\)/);
  assert.ok(searches(s, (r) => r.body.filter?.ownerId === "alice").length <= 26, `${searches(s).length} searches`);
  s.assertClean();
});

test("a deadline per issue: every request of one issue together, not only timeoutMs each", async () => {
  const s = await standin(cluster(), { latencyMs: 250 });
  const started = performance.now();
  const error = await rejection(issuerFor(s, { deadlineMs: 400, timeoutMs: 10_000 }).issue({ userToken: s.userToken("alice") }));
  const ms = performance.now() - started;
  assert.equal(error.code, "ERR_ISSUER_UPSTREAM");
  assert.match(error.message, /not issued within the deadline of 400 ms \(deadlineMs\)|cut off by the issue's deadline/);
  assert.ok(ms < 700, `answered after ${ms} ms`);
  s.latencyMs = 0;
  s.assertClean();
});

test("the group fan-out: a user in 300 groups costs the pages of the GROUP authorizations, not 300 searches", async () => {
  const groups = Array.from({ length: 350 }, (_, i) => ({ groupId: `g${i}`, users: i < 300 ? ["alice"] : ["bob"] }));
  const authorizations = groups.map((g) => ({ ownerType: "GROUP", ownerId: g.groupId, resourceType: "PROCESS_DEFINITION", resourceId: `p-${g.groupId}`, permissionTypes: ["READ_USER_TASK"] }));
  const s = await standin(cluster({ groups, authorizations }));
  const issuer = issuerFor(s, { pageSize: 200 });
  const { payload } = await issuer.issue({ userToken: s.userToken("alice") });
  const ids = payload.authorizations.filter((a) => a.ownerType === "GROUP").map((a) => a.ownerId);
  assert.equal(ids.length, 300, "every group of alice's");
  assert.ok(ids.every((id) => Number(id.slice(1)) < 300), "none of the groups alice is not in");
  const groupSearches = searches(s, (r) => r.body.filter?.ownerType === "GROUP");
  assert.equal(groupSearches.length, 2, "two pages of 200 of the 350 GROUP authorizations");
  assert.ok(groupSearches.every((r) => r.body.filter.ownerId === undefined));
  // A type with more authorizations than maxSearchItems: one search per owner, the same answer.
  const small = issuerFor(s, { pageSize: 200, maxSearchItems: 250 });
  const again = await small.issue({ userToken: s.userToken("alice") });
  assert.deepEqual(again.payload.authorizations.map((a) => a.authorizationKey).sort(), payload.authorizations.map((a) => a.authorizationKey).sort());
  s.assertClean();
});

test("caches are bounded by entries: 300 users through a cache of 50", async () => {
  const users = Array.from({ length: 300 }, (_, i) => `u${i}`);
  const data = cluster({ groups: [{ groupId: "all", users }] });
  data.users.push(...users.map((username) => ({ username })));
  const s = await standin(data);
  const issuer = issuerFor(s, { cacheEntries: 50 });
  for (const username of users) await issuer.issue({ username });
  // Owners, user checks and grant sets to reuse: 50 each at most, and the directory and mapping rules.
  assert.ok(issuer.stats.cacheEntries <= 3 * 50 + 3, `${issuer.stats.cacheEntries} entries`);
  s.assertClean();
});

test("OAuth failures are backed off: a refused secret, or a cluster that refuses the service account, costs one token request per pause, not one per issue", async () => {
  const s = await standin();
  let clock = Date.now();
  const wrong = issuerFor(s, { camunda: oauth(s, { clientSecret: "wrong-secret-value" }), now: () => clock });
  for (let i = 0; i < 20; i++) {
    const error = await rejection(wrong.issue({ username: "alice" }));
    assert.equal(error.code, "ERR_ISSUER_AUTH");
    assert.ok(!error.message.includes("wrong-secret-value"));
  }
  assert.equal(wrong.stats.tokenRequests, 1, "one token request for 20 issues within the pause");
  clock += 1500;
  await rejection(wrong.issue({ username: "alice" }));
  assert.equal(wrong.stats.tokenRequests, 2, "another once the pause is over");

  s.fail({ path: /^\/v2\//, status: 401, times: Number.POSITIVE_INFINITY });
  const refused = issuerFor(s, { now: () => clock });
  for (let i = 0; i < 20; i++) assert.equal((await rejection(refused.issue({ username: "alice" }))).code, "ERR_ISSUER_AUTH");
  assert.ok(refused.stats.tokenRequests <= 2, `${refused.stats.tokenRequests} token requests`);
  // The first issue's five parallel requests, each retried once with the new token; then none.
  assert.ok(refused.stats.requests <= 12, `${refused.stats.requests} cluster requests`);
  while (refused.stats.upstreamInFlight > 0) await new Promise((r) => setTimeout(r, 5));
  s.clearFailures();
  clock += 60_000;
  assert.equal((await refused.issue({ username: "alice" })).payload.sub, "alice", "issues again once the cluster accepts it");
  s.assertClean();
});

test("the circuit breaker: with the cluster down, issues fail at once (503) instead of each trying, and it recovers", async () => {
  const s = await standin();
  let clock = Date.now();
  const issuer = issuerFor(s, { now: () => clock, camunda: { restAddress: s.url, auth: { strategy: "BASIC", username: "svc", password: "svc-password" } } });
  s.data.users.push({ username: "svc", password: "svc-password" });
  s.data.authorizations.push(...serviceAccountAuthorizations("svc").map((a) => ({ ...a, ownerType: "USER" })));
  assert.equal((await issuer.issue({ username: "alice" })).payload.sub, "alice");
  issuer.clearCache();
  await s.down();
  try {
    const errors = [];
    let sent;
    for (let i = 0; i < 12; i++) {
      errors.push(await rejection(issuer.issue({ username: "alice" })));
      // A BASIC cluster's issue sends 3 requests (no mapping rules): the breaker's 5 failures come within two issues.
      if (i === 3) sent = issuer.stats.requests;
    }
    assert.equal(issuer.stats.requests, sent, "from the fourth issue on, none sends a request");
    const fast = errors.at(-1);
    assert.equal(fast.code, "ERR_ISSUER_UPSTREAM");
    assert.match(fast.message, /the cluster at http:\/\/127\.0\.0\.1:\d+\/ failed \d+ requests in a row \(the last: .*could not be reached \(ECONNREFUSED\)\); no request is sent for \d+ ms more/);
  } finally {
    // The requests an issue had in flight when it failed end first (a later issue would share their loads).
    while (issuer.stats.upstreamInFlight > 0) await new Promise((r) => setTimeout(r, 5));
    await s.up();
  }
  clock += 5000;
  assert.equal((await issuer.issue({ username: "alice" })).payload.sub, "alice", "past the pause, one request probes, the others wait for it: the first issue succeeds");
  s.assertClean();
});

test("issues in flight are bounded: beyond maxConcurrentIssues an issue fails at once with 503", async () => {
  const s = await standin(cluster(), { latencyMs: 150 });
  const issuer = issuerFor(s, { maxConcurrentIssues: 2 });
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => issuer.issue({ username: "alice" })));
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 2);
  for (const r of results.filter((r) => r.status === "rejected")) assert.match(r.reason.message, /2 grant sets are being issued already \(maxConcurrentIssues\)/);
  s.latencyMs = 0;
  s.assertClean();
});

test("an id of `.` or `..` never names a path segment: the member search of group `..` does not reach /v2/users/search", async () => {
  for (const id of ["..", "."]) {
    const s = await standin(
      cluster({
        groups: [{ groupId: id, users: [] }],
        authorizations: [{ ownerType: "GROUP", ownerId: id, resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] }],
      }),
    );
    const error = await rejection(issuerFor(s).issue({ username: "alice" }));
    assert.equal(error.code, "ERR_ISSUER_UPSTREAM");
    assert.match(error.message, new RegExp(`the cluster has a group \`${id.replace(/\./g, "\\.")}\`: an id of`));
    assert.deepEqual(s.requests.filter((r) => r.path === "/v2/users/search" || r.path === "/v2/groups/users/search" || r.path === "/v2/groups/clients/search"), [], "no request reached another endpoint");
    s.assertClean();
  }
  const s = await standin();
  const error = await rejection(issuerFor(s).issue({ username: ".." }));
  assert.equal(error.code, "ERR_ISSUER_PRINCIPAL");
  assert.match(error.message, /cannot look up the user `\.\.`/);
  assert.deepEqual(s.requests.filter((r) => r.method === "GET" && !r.path.startsWith("/v2/users/")), []);
});

test("a grant set over the verifiers' 1 MiB is refused at issue time, naming the `resourceTypes` option", async () => {
  const s = await standin(cluster({ mine: 9000 }));
  const error = await rejection(issuerFor(s, { pageSize: 10_000 }).issue({ username: "alice" }));
  assert.equal(error.code, "ERR_GRANTS_TOO_LARGE");
  assert.match(error.message, /the grant set of `alice` would be \d+ bytes with 9001 authorizations, over the 1048576 bytes verifiers accept .*`resourceTypes`/);
  assert.equal((await issuerFor(s, { pageSize: 10_000, resourceTypes: ["USER_TASK"] }).issue({ username: "alice" })).payload.authorizations.length, 1, "fine with fewer types");
  s.assertClean();
});

test("an error's cause never holds what the failed fetch said (it may name a URL with credentials)", async () => {
  const s = await standin();
  const leaky = Object.assign(new TypeError("fetch failed: https://admin:s3cret-value@camunda.example.com"), { cause: Object.assign(new Error("connect ECONNREFUSED https://admin:s3cret-value@camunda.example.com"), { code: "ECONNREFUSED" }) });
  const error = await rejection(
    issuerFor(s, {
      fetch: (url, init) => (String(url).includes("/v2/") ? Promise.reject(leaky) : fetch(url, init)),
    }).issue({ username: "alice" }),
  );
  assert.match(error.message, /could not be reached \(ECONNREFUSED\)/);
  const chain = [];
  for (let e = error; e; e = e.cause) chain.push(`${e.message} ${JSON.stringify(e)}`);
  assert.ok(!chain.join(" ").includes("s3cret-value"), chain.join(" | "));
});

test("entries many principals share are renewed in the last quarter of their life: nobody waits for them at expiry", async () => {
  const users = ["u0", "u1"];
  const s = await standin(cluster({ groups: [{ groupId: "all", users }] }));
  let clock = Date.now();
  const issuer = issuerFor(s, { now: () => clock, cacheTtl: 30 });
  const settled = async () => {
    while (issuer.stats.upstreamInFlight > 0) await new Promise((r) => setTimeout(r, 5));
  };
  await issuer.issue({ userToken: s.userToken("u0") });
  clock += 25_000;
  const second = await issuer.issue({ userToken: s.userToken("u1") });
  assert.equal(second.stats.cached, false, "u1's own authorizations were not cached");
  await settled(); // the renewals of the group's and role's authorizations and of the mapping rules
  clock += 6000; // 31 s after they were first read: expired, had they not been renewed
  const third = await issuer.issue({ userToken: s.userToken("u1") });
  assert.equal(third.stats.cached, true, "the group, role and mapping rules were renewed in the background");
  assert.equal(third.stats.upstreamRequests, 1, "only /v2/authentication/me, for a token not seen before");
  s.assertClean();
});
