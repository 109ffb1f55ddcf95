// The issuer under load and faults, side by side with the same run's baseline: the stand-in's
// own latency for the same requests (a client asking GET /v2/authentication/me directly), and the
// floor: a process forwarding the issuer's requests to the cluster and doing nothing else
// (bench/issuer-floor.mjs). Four processes: the Camunda stand-in (bench/issuer-standin.mjs), the
// issuer as operators run it (`camunda-authz issuer`, the bin), the floor, and this one, the
// load: 50 clients in a closed loop.
//   1. 1,000 distinct users, the stand-in adding 20 ms per request: uncached, then cached
//   2. the same with the cluster slow (2 s per request)
//   3. the cluster down: refusing connections, then not answering at all; then back
//   4. a user in 5,000 groups: the GROUP authorizations read at once, or one search per group
//   5. 100,000 distinct users within one cache period (bench/issuer-many.mjs): memory
// It prints the table, checks the issue's three budgets (PASS/FAIL), and writes its section of
// bench/RESULTS.md (after bench/run.mjs has written the rest). `--quick`: fewer users.
import { fork, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SERVICE_ACCOUNT, serviceAccountAuthorizations } from "../tests/camunda-standin/population.mjs";

const PKG = new URL("../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const QUICK = process.argv.includes("--quick");
const USERS = QUICK ? 300 : 1000;
const SLOW_USERS = QUICK ? 50 : 150;
const MANY = QUICK ? 20_000 : 100_000;
const CONCURRENCY = 50;
const LATENCY_MS = 20;
const SLOW_MS = 2000;
const DEADLINE_MS = 10_000;
const OUTAGE_MS = QUICK ? 6000 : 12_000;

// --- the processes ----------------------------------------------------------------------------

/** Every child process, stopped when this one exits however it ends. */
const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** The stand-in in its own process: `call(op, args)` over IPC. */
async function standinProcess(data, options = {}) {
  const child = fork(fileURLToPath(new URL("issuer-standin.mjs", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  children.add(child);
  const pending = new Map();
  let ids = 0;
  child.on("message", ({ id, result, error }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (error) p.reject(new Error(error));
    else p.resolve(result);
  });
  const call = (op, args = {}) =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error("the stand-in has stopped"));
      pending.set(++ids, { resolve, reject });
      child.send({ id: ids, op, ...args });
    });
  const { url, oauthUrl } = await call("start", { data, options: { record: false, ...options } });
  const tokens = async (users) => {
    const all = [];
    for (let i = 0; i < users.length; i += 5000) all.push(...(await call("tokens", { users: users.slice(i, i + 5000) })));
    return all;
  };
  return { url, oauthUrl, call, tokens, pid: child.pid, close: () => call("close") };
}

/**
 * A Node.js process that prints `listening on http://127.0.0.1:<port>/`; resolves its base URL.
 * Its output goes to `logFile` (read here only for that line), as a log collector would take it:
 * not through a pipe to this process, which is busy with the load and would hold the writer up.
 */
async function listeningProcess(args, env, logFile) {
  const fd = openSync(logFile, "w");
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", fd, "inherit"] });
  closeSync(fd);
  children.add(child);
  let exited = null;
  child.on("exit", (code) => (exited = code));
  for (;;) {
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(readFileSync(logFile, "utf8"));
    if (m) return { base: m[1], child, pid: child.pid, close: () => child.kill("SIGTERM") };
    if (exited !== null) throw new Error(`${args[0]} exited (${exited})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The issuer bin against the stand-in; its log lines go to a file in the scratch folder. */
function issuerProcess(standin, scratch) {
  const keyFile = join(scratch, "key.json");
  writeFileSync(keyFile, JSON.stringify(lib.generateSigningKey("load-1").privateJwk), { mode: 0o600 });
  return listeningProcess([fileURLToPath(new URL("issuer/bin.js", PKG)), "issuer", "--key", keyFile, "--port", "0"], {
    CAMUNDA_REST_ADDRESS: standin.url,
    CAMUNDA_AUTH_STRATEGY: "OAUTH",
    CAMUNDA_OAUTH_URL: standin.oauthUrl,
    CAMUNDA_CLIENT_ID: SERVICE_ACCOUNT.clientId,
    CAMUNDA_CLIENT_SECRET: SERVICE_ACCOUNT.clientSecret,
    CAMUNDA_AUTHZ_ISSUER: "https://tasklist.example.com",
    CAMUNDA_AUTHZ_AUDIENCE: "tasklist",
    CAMUNDA_AUTHZ_DEADLINE_MS: String(DEADLINE_MS),
  }, join(scratch, "issuer.log"));
}

/** The floor (bench/issuer-floor.mjs): the same requests to the cluster, forwarded and nothing else. */
function floorProcess(standin, scratch) {
  return listeningProcess([fileURLToPath(new URL("issuer-floor.mjs", import.meta.url))], { STANDIN_URL: standin.url, OAUTH_URL: standin.oauthUrl, CLIENT_ID: SERVICE_ACCOUNT.clientId, CLIENT_SECRET: SERVICE_ACCOUNT.clientSecret }, join(scratch, "floor.log"));
}

/** CPU time a process has used (user + system), in ms: Linux's /proc, else NaN. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in ticks of 1/100 s (USER_HZ)
  } catch {
    return Number.NaN;
  }
}

/** The most resident memory the issuer was seen with so far (every /metrics read updates it). */
let peakRss = 0;

async function metrics(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  peakRss = Math.max(peakRss, value("process_resident_memory_bytes") || 0);
  return { rss: value("process_resident_memory_bytes"), upstream: value("camunda_authz_upstream_requests_total"), tokens: value("camunda_authz_oauth_token_requests_total"), upstreamInFlight: value("camunda_authz_upstream_requests_in_flight"), issuesInFlight: value("camunda_authz_issues_in_flight"), cacheEntries: value("camunda_authz_cache_entries") };
}

// --- the load ---------------------------------------------------------------------------------

const quantile = (sorted, q) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);

/**
 * 50 clients in a closed loop: each request is `request(i)`; until `count` requests, or until
 * `stop()` says so. Resolves latencies (ms) with their statuses and the wall time.
 */
async function load(request, { count = Number.POSITIVE_INFINITY, stop = () => false }) {
  const results = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count && !stop()) {
        const i = next++;
        const t = performance.now();
        let status;
        try {
          const res = await request(i);
          await res.arrayBuffer();
          status = res.status;
        } catch {
          status = 0; // the connection failed: not answered
        }
        results.push({ at: t - started, ms: performance.now() - t, status });
      }
    }),
  );
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  return { results, wallMs: performance.now() - started, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), max: ms.at(-1) ?? Number.NaN };
}

const grants = (base, tokens) => (i) => fetch(`${base}/grants`, { headers: { authorization: `Bearer ${tokens[i % tokens.length]}` } });
const floorGrants = (floor, tokens, mode, client = "fetch") => (i) => fetch(`${floor.base}/grants?mode=${mode}&client=${client}`, { headers: { authorization: `Bearer ${tokens[i % tokens.length]}` } });
const direct = (standin, tokens) => (i) => fetch(`${standin.url}/v2/authentication/me`, { headers: { authorization: `Bearer ${tokens[i % tokens.length]}` } });
/** The other request of an uncached grant set, directly: the user's own authorizations, searched as the service account (as the issuer and the floor ask). */
const directSearch = (standin, serviceToken, users) => (i) =>
  fetch(`${standin.url}/v2/authorizations/search`, {
    method: "POST",
    headers: { authorization: `Bearer ${serviceToken}`, "content-type": "application/json" },
    body: JSON.stringify({ filter: { ownerType: "USER", ownerId: users[i % users.length] }, page: { limit: 1000 } }),
  });

/** A service account token from the stand-in's OAuth endpoint. */
async function serviceTokenOf(standin) {
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: SERVICE_ACCOUNT.clientId, client_secret: SERVICE_ACCOUNT.clientSecret });
  return (await (await fetch(standin.oauthUrl, { method: "POST", body })).json()).access_token;
}

/** The p50 and p99 of runs' latencies together: the round trips of every kind. */
function pooled(...runs) {
  const ms = runs.flatMap((r) => r.results.map((x) => x.ms)).sort((a, b) => a - b);
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
}

// --- the population ---------------------------------------------------------------------------

/** Users with two authorizations of their own; a third in group `approvers`; all in role task-worker by mapping rule. */
function population(names, extra = {}) {
  return {
    users: [],
    clients: [SERVICE_ACCOUNT],
    groups: [{ groupId: "approvers", users: names.filter((_, i) => i % 3 === 1) }, ...(extra.groups ?? [])],
    roles: [
      { roleId: "task-worker", mappingRules: ["ops"] },
      { roleId: "approver", groups: ["approvers"] },
    ],
    mappingRules: [{ mappingRuleId: "ops", claimName: "$.dept", claimValue: "ops" }],
    authorizations: [
      ...serviceAccountAuthorizations(),
      ...lib.TASK_WORKER_ROLE.map((a) => ({ ...a, permissionTypes: [...a.permissionTypes] })),
      { ownerType: "ROLE", ownerId: "approver", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] },
      ...names.flatMap((u, i) => [
        { ownerType: "USER", ownerId: u, resourceType: "PROCESS_DEFINITION", resourceId: `process-${i % 50}`, permissionTypes: ["READ_USER_TASK"] },
        { ownerType: "USER", ownerId: u, resourceType: "USER_TASK", resourceId: String(2251799813685000 + i), permissionTypes: ["READ", "CLAIM"] },
      ]),
      ...(extra.authorizations ?? []),
    ],
  };
}

// --- the scenarios ----------------------------------------------------------------------------

const rows = [];
const budgets = [];
const fmt = (ms) => (Number.isNaN(ms) ? "—" : ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

function row(scenario, r, baseline, extra = {}) {
  const ok = r.results.filter((x) => x.status === 200).length;
  rows.push({ scenario, perSecond: r.results.length ? ((ok / r.wallMs) * 1000).toFixed(1) : "—", p50: fmt(r.p50), p99: fmt(r.p99), baseline: baseline ? `${fmt(baseline.p50)} / ${fmt(baseline.p99)}` : "", ...extra });
}

/**
 * A baseline, then each user's first grant set (uncached: their own authorizations are not in
 * the cache), then the same users again (cached). `warm` users are issued first and not
 * counted: the service account's token, the permission self-check, the mapping rules and the
 * roles' authorizations are read once for the issuer, not for each user.
 */
async function steady(issuer, floor, standin, tokens, users, warm, label, latencyMs, count) {
  await standin.call("latency", { ms: latencyMs });
  await load(floorGrants(floor, warm, "uncached"), { count: warm.length });
  await load(floorGrants(floor, warm, "uncached", "http"), { count: warm.length });
  const cpu = () => ({ issuer: cpuMs(issuer.pid), standin: cpuMs(standin.pid), floor: cpuMs(floor.pid) });
  const c0 = cpu();
  const baseline = await load(direct(standin, tokens), { count });
  const c1 = cpu();
  const serviceToken = await serviceTokenOf(standin);
  const c1a = cpu();
  const baselineSearch = await load(directSearch(standin, serviceToken, users), { count });
  const c1b = cpu();
  const floorUncached = await load(floorGrants(floor, tokens, "uncached"), { count });
  const c2 = cpu();
  const floorCached = await load(floorGrants(floor, tokens, "cached"), { count });
  const c3 = cpu();
  const floorHttpUncached = await load(floorGrants(floor, tokens, "uncached", "http"), { count });
  const c3a = cpu();
  const floorHttpCached = await load(floorGrants(floor, tokens, "cached", "http"), { count });
  const c3b = cpu();
  // The issuer's warm-up right before its runs: the baselines and floors take longer than the
  // cache period with the cluster slow, and what they leave of the shared entries has expired.
  // Each warm user 20 times: the cached path's code is compiled before it is measured too.
  await load(grants(issuer.base, warm), { count: warm.length * 20 });
  const before = await metrics(issuer.base);
  const c3c = cpu();
  const uncached = await load(grants(issuer.base, tokens), { count });
  const c4 = cpu();
  const middle = await metrics(issuer.base);
  const cached = await load(grants(issuer.base, tokens), { count });
  const c5 = cpu();
  const after = await metrics(issuer.base);
  const ok = (r) => r.results.filter((x) => x.status === 200).length;
  // An uncached grant set makes both requests: its baseline is their round trips together.
  const roundTrips = pooled(baseline, baselineSearch);
  const per = (a, b, r) => ((b.upstream - a.upstream) / ok(r)).toFixed(2);
  const statuses = (r) => [...new Set(r.results.map((x) => x.status))].join(",");
  // CPU per answer of the process answering, and of the stand-in (/metrics requests included: four per phase).
  const cpuNote = (a, b, r, who) => `CPU per answer: ${who ? `${who} ${((b[who] - a[who]) / ok(r)).toFixed(2)} ms, ` : ""}stand-in ${((b.standin - a.standin) / ok(r)).toFixed(2)} ms`;
  row(`${label}: baseline, GET /v2/authentication/me directly`, baseline, null, { requests: "1", rss: "", statuses: statuses(baseline), note: cpuNote(c0, c1, baseline) });
  row(`${label}: baseline, POST /v2/authorizations/search directly (the user's own, as the service account)`, baselineSearch, null, { requests: "1", rss: "", statuses: statuses(baselineSearch), note: cpuNote(c1a, c1b, baselineSearch) });
  row(`${label}: floor, uncached (the same two requests forwarded, nothing else)`, floorUncached, roundTrips, { requests: "2", rss: "", statuses: statuses(floorUncached), note: cpuNote(c1b, c2, floorUncached, "floor") });
  row(`${label}: floor, one request (/me forwarded, nothing else)`, floorCached, baseline, { requests: "1", rss: "", statuses: statuses(floorCached), note: cpuNote(c2, c3, floorCached, "floor") });
  row(`${label}: floor with node:http, uncached`, floorHttpUncached, roundTrips, { requests: "2", rss: "", statuses: statuses(floorHttpUncached), note: cpuNote(c3, c3a, floorHttpUncached, "floor") });
  row(`${label}: floor with node:http, one request`, floorHttpCached, baseline, { requests: "1", rss: "", statuses: statuses(floorHttpCached), note: cpuNote(c3a, c3b, floorHttpCached, "floor") });
  row(`${label}: uncached (each user's first grant set)`, uncached, roundTrips, { requests: per(before, middle, uncached), rss: mb(middle.rss), statuses: statuses(uncached), note: cpuNote(c3c, c4, uncached, "issuer") });
  row(`${label}: cached (the same users again)`, cached, baseline, { requests: per(middle, after, cached), rss: mb(after.rss), statuses: statuses(cached), note: cpuNote(c4, c5, cached, "issuer") });
  return { baseline, baselineSearch, roundTripP99: roundTrips.p99, cachedRequests: per(middle, after, cached), floorUncached, floorCached, uncached, cached, floorHttpUncached, floorHttpCached, issuerCpu: { uncached: (c4.issuer - c3c.issuer) / ok(uncached), cached: (c5.issuer - c4.issuer) / ok(cached) }, floorCpu: { uncached: (c2.floor - c1b.floor) / ok(floorUncached), cached: (c3.floor - c2.floor) / ok(floorCached) } };
}

/** An outage of OUTAGE_MS under load, then the cluster back: what was answered, how fast, what piled up, how soon it recovers. */
async function outage(issuer, standin, tokens, label, start, end) {
  await standin.call("latency", { ms: LATENCY_MS });
  const before = await metrics(issuer.base);
  // Memory that grows while the cluster is down is measured against the most the process had
  // already used under load: what a failure costs beyond it (the V8 heap shrinks between phases,
  // so the RSS at the start alone would count the heap growing back as a pile-up).
  const peakBefore = peakRss;
  let maxUpstream = 0;
  let maxIssues = 0;
  let maxRss = before.rss;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const m = await metrics(issuer.base).catch(() => null);
      if (m) {
        maxUpstream = Math.max(maxUpstream, m.upstreamInFlight);
        maxIssues = Math.max(maxIssues, m.issuesInFlight);
        maxRss = Math.max(maxRss, m.rss);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await start();
  const outageStart = performance.now();
  const during = await load(grants(issuer.base, tokens), { stop: () => performance.now() - outageStart > OUTAGE_MS });
  await end();
  const back = performance.now();
  // Recovery: until 2 s in a row answered 200.
  let firstOk = Number.NaN;
  let okSince = Number.NaN;
  const after = await load(grants(issuer.base, tokens), {
    stop: () => performance.now() - back > 30_000 || (!Number.isNaN(okSince) && performance.now() - okSince > 2000),
  });
  for (const r of after.results.sort((a, b) => a.at + a.ms - (b.at + b.ms))) {
    const doneAt = r.at + r.ms;
    if (r.status === 200) {
      if (Number.isNaN(firstOk)) firstOk = doneAt;
      if (Number.isNaN(okSince)) okSince = doneAt;
    } else okSince = Number.NaN;
  }
  sampling = false;
  await sampler;
  const answered = during.results.filter((r) => r.status !== 0);
  const issued = during.results.filter((r) => r.status === 200).length;
  const statuses = [...new Set(during.results.map((r) => r.status))].sort().join(",");
  row(`${label}: ${OUTAGE_MS / 1000} s`, during, null, {
    requests: "",
    rss: `${mb(before.rss)} at the start (${mb(peakBefore)} the most before) → max ${mb(maxRss)}`,
    statuses,
    note: `${during.results.length} asked, ${answered.length} answered, ${issued} issued; the slowest ${fmt(during.max)}; in flight at most ${maxIssues} issues, ${maxUpstream} requests to the cluster; back: first grant set after ${fmt(firstOk)}, all issued from ${fmt(okSince)}`,
  });
  return { during, answered: answered.length, issued, maxRss, peakBefore, firstOk, okSince };
}

async function fanOut() {
  // One group in five has an authorization (5,000 would be a grant set over 1 MiB).
  const groups = Array.from({ length: 5000 }, (_, i) => ({ groupId: `g${i}`, users: ["wide"] }));
  const granted = groups.filter((_, i) => i % 5 === 0);
  const data = population(["wide"], { groups, authorizations: granted.map((g, i) => ({ ownerType: "GROUP", ownerId: g.groupId, resourceType: "PROCESS_DEFINITION", resourceId: `p${i}`, permissionTypes: ["READ_USER_TASK"] })) });
  const standin = await standinProcess(data, { latencyMs: LATENCY_MS });
  const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);
  const [token] = await standin.tokens([{ username: "wide", claims: { dept: "ops" } }]);
  const results = {};
  for (const [label, options] of [
    ["the GROUP authorizations read at once", {}],
    ["one search per group (what a type over maxSearchItems falls back to)", { maxSearchItems: 500 }],
  ]) {
    const issuer = createIssuer({ camunda: { restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...SERVICE_ACCOUNT } }, signingKey: lib.generateSigningKey("fan-1").privateJwk, issuer: "i", audience: "a", deadlineMs: 120_000, resourceTypes: ["PROCESS_DEFINITION"], ...options });
    const t = performance.now();
    const { payload, stats } = await issuer.issue({ userToken: token });
    results[label] = { ms: performance.now() - t, requests: stats.upstreamRequests, authorizations: payload.authorizations.length };
  }
  await standin.close();
  return results;
}

async function many(standinData) {
  const standin = await standinProcess(standinData, { checkEvery: 100 });
  const child = spawn(process.execPath, ["--expose-gc", fileURLToPath(new URL("issuer-many.mjs", import.meta.url))], { env: { ...process.env, STANDIN_URL: standin.url, OAUTH_URL: standin.oauthUrl, USERS: String(MANY) }, stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
  await new Promise((r) => child.on("exit", r));
  await standin.close();
  return out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

// --- the run ----------------------------------------------------------------------------------

const scratch = mkdtempSync(join(tmpdir(), "camunda-authz-load-"));
const names = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const steadyUsers = names("steady", USERS);
const slowUsers = names("slow", SLOW_USERS);
// Each outage its own users: none of them in the cache when it starts (a token the cluster
// accepted within the cache period is issued from the cache, down or not).
const downUsers = names("down", USERS);
const holeUsers = names("hole", USERS);
const warmUsers = names("warm", CONCURRENCY);
const standin = await standinProcess(population([...warmUsers, ...steadyUsers, ...slowUsers, ...downUsers, ...holeUsers]));
const issuer = await issuerProcess(standin, scratch);
const floor = await floorProcess(standin, scratch);
const tokensOf = (users) => standin.tokens(users.map((username) => ({ username, claims: { dept: "ops" } })));
const started = performance.now();
try {
  const warm = await tokensOf(warmUsers);
  const fast = await steady(issuer, floor, standin, await tokensOf(steadyUsers), steadyUsers, warm, `${USERS} users, +${LATENCY_MS} ms`, LATENCY_MS, USERS);
  const slow = await steady(issuer, floor, standin, await tokensOf(slowUsers), slowUsers, warm.slice(0, CONCURRENCY), `${SLOW_USERS} users, slow cluster (+${SLOW_MS / 1000} s)`, SLOW_MS, SLOW_USERS);
  const downTokens = await tokensOf(downUsers);
  const refused = await outage(issuer, standin, downTokens, "cluster down (refusing connections)", () => standin.call("down"), () => standin.call("up"));
  const hole = await outage(issuer, standin, await tokensOf(holeUsers), "cluster down (not answering)", () => standin.call("blackhole", { on: true }), () => standin.call("blackhole", { on: false }));
  const violations = await standin.call("violations");
  issuer.close();
  floor.close();
  await standin.close();
  const fan = await fanOut();
  const samples = await many(population([]));

  // --- budgets ---
  const check = (name, ok, value, budget) => budgets.push({ name, ok, value, budget });
  for (const [label, s] of [
    [`+${LATENCY_MS} ms`, fast],
    [`slow +${SLOW_MS / 1000} s`, slow],
  ]) {
    check(`cached p99 (${label})`, s.cached.p99 <= s.baseline.p99 + 10, fmt(s.cached.p99), `≤ the stand-in's p99 + 10 ms = ${fmt(s.baseline.p99 + 10)}; it asks the cluster nothing (${s.cachedRequests} requests per grant set); the floor forwarding one request: ${fmt(s.floorCached.p99)} (${fmt(s.floorHttpCached.p99)} with node:http)`);
    check(`uncached p99 (${label})`, s.uncached.p99 <= 2 * s.roundTripP99 + 20, fmt(s.uncached.p99), `≤ 2 x the p99 of its upstream round trips + 20 ms = ${fmt(2 * s.roundTripP99 + 20)} (GET /me and the user's authorization search directly, together: p99 ${fmt(s.roundTripP99)}; /me's alone ${fmt(s.baseline.p99)}, the search's ${fmt(s.baselineSearch.p99)}); the floor's ${fmt(s.floorUncached.p99)} (${fmt(s.floorHttpUncached.p99)} with node:http)`);
  }
  for (const [label, o] of [
    ["refusing", refused],
    ["not answering", hole],
  ]) {
    check(`down (${label}): every request answered within the deadline, none issued`, o.answered === o.during.results.length && o.during.max <= DEADLINE_MS + 250 && o.issued === 0, `${o.answered}/${o.during.results.length} answered, slowest ${fmt(o.during.max)}, ${o.issued} issued`, `all, ≤ ${DEADLINE_MS} ms (+250 ms), fail closed`);
    check(`down (${label}): RSS growth over the most it had used before`, o.maxRss - o.peakBefore < 64 * 1048576, mb(o.maxRss - o.peakBefore), "< 64 MB");
  }
  const full = samples.filter((s) => s.users >= 20_000 && s.rss);
  const last = samples.filter((s) => s.rss).at(-1);
  const tenK = samples.find((s) => s.users === 10_000);
  const twentyK = samples.find((s) => s.users === 20_000);
  check(`${MANY} users within one cache period: cache entries`, last.cacheEntries <= 3 * 10_000 + 2, String(last.cacheEntries), "≤ 3 caches x cacheEntries (10,000) + the directory and mapping rules");
  check(`${MANY} users: heap used after the cache filled (10,000 → ${MANY} users)`, last.heapUsed - tenK.heapUsed < 16 * 1048576, mb(last.heapUsed - tenK.heapUsed), "< 16 MB: flat once full");
  check(`${MANY} users: RSS after the cache filled (20,000 → ${MANY} users)`, last.rss - twentyK.rss < 64 * 1048576, mb(last.rss - twentyK.rss), "< 64 MB: flat once full");

  // --- output ---
  const lines = [];
  lines.push(`Written by \`./x bench\` (\`node bench/issuer-load.mjs${QUICK ? " --quick" : ""}\`) on ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}; ${Math.round((performance.now() - started) / 1000)} s. Four processes on this machine's 2 cores: the stand-in, the issuer (\`camunda-authz issuer\`), the floor, the load (${CONCURRENCY} clients, closed loop). Schema violations seen by the stand-in: ${violations}.`);
  lines.push("");
  lines.push("| scenario | grant sets/s | p50 | p99 | the stand-in's p50 / p99 (baseline: /me for one request, /me and the search together for two) | Camunda requests per grant set | issuer RSS | statuses | notes |");
  lines.push("|---|---:|---:|---:|---:|---:|---:|---|---|");
  for (const r of rows) lines.push(`| ${r.scenario} | ${r.perSecond} | ${r.p50} | ${r.p99} | ${r.baseline} | ${r.requests ?? ""} | ${r.rss ?? ""} | ${r.statuses ?? ""} | ${r.note ?? ""} |`);
  lines.push("");
  lines.push(`A user in 5,000 groups (1,000 of them with an authorization), +${LATENCY_MS} ms per request, by user token:`);
  lines.push("");
  for (const [label, f] of Object.entries(fan)) lines.push(`- ${label}: ${f.requests} Camunda requests, ${fmt(f.ms)}, ${f.authorizations} authorizations`);
  lines.push("");
  lines.push(`${MANY.toLocaleString("en")} distinct users within one cache period (\`{ username, claims }\`, in a process of its own, memory after a GC):`);
  lines.push("");
  lines.push("| users | RSS | heap used | heap committed | wasm memory | cache entries | time |");
  lines.push("|---:|---:|---:|---:|---:|---:|---:|");
  for (const s of samples.filter((x) => x.rss)) lines.push(`| ${s.users.toLocaleString("en")} | ${mb(s.rss)} | ${mb(s.heapUsed)} | ${mb(s.heapTotal)} | ${mb(s.wasm)} | ${s.cacheEntries} | ${(s.ms / 1000).toFixed(1)} s |`);
  lines.push("");
  lines.push("Budgets:");
  lines.push("");
  lines.push("```");
  for (const b of budgets) lines.push(`${b.ok ? "PASS" : "FAIL"}  ${b.name}: ${b.value}   budget ${b.budget}`);
  lines.push("```");
  lines.push("");
  const over = (a, b) => `${a.p99 - b.p99 >= 0 ? "+" : ""}${fmt(a.p99 - b.p99)}`;
  lines.push(`A cached grant set asks the cluster nothing: the issuer keeps what the cluster said of a user token it accepted (\`/me\`) for the cache period, under the token's SHA-256, never past the token's \`exp\`. Its budget's baseline is still the stand-in's own p99 for one request, \`GET /v2/authentication/me\` directly. An uncached grant set makes two requests, \`/me\` and the user's authorization search (as the service account, as the issuer asks it); its baseline is both round trips directly, their latencies together (+${LATENCY_MS} ms: /me p99 ${fmt(fast.baseline.p99)}, the search ${fmt(fast.baselineSearch.p99)}, together ${fmt(fast.roundTripP99)}; slow: ${fmt(slow.baseline.p99)}, ${fmt(slow.baselineSearch.p99)}, ${fmt(slow.roundTripP99)}).`);
  lines.push("");
  lines.push(`The floor is a Node.js process that makes the issuer's requests to the cluster with the same \`fetch\` and answers their bodies, nothing else (bench/issuer-floor.mjs): what one more process and one more hop cost on this machine at ${CONCURRENCY} concurrent. Its "one request" rows forward \`/me\` alone, what a cached grant set cost before the issuer kept the cluster's answers for tokens: in the +${LATENCY_MS} ms run ${over(fast.floorCached, fast.baseline)} over the stand-in's own p99 (${over(fast.floorHttpCached, fast.baseline)} with node:http and a keep-alive agent, the cheapest client Node.js has), with the cluster slow ${over(slow.floorCached, slow.baseline)} (${over(slow.floorHttpCached, slow.baseline)}): with the cluster slow the ${CONCURRENCY} clients move in step, the stand-in answers ${CONCURRENCY} requests within the same millisecond, and whatever processes them finishes the last one ${CONCURRENCY} x its CPU per answer later, so a process that does nothing but forward was over the +10 ms budget on its own. Two requests (uncached): the floor ${fmt(fast.floorUncached.p99)} (${fmt(fast.floorHttpUncached.p99)} with node:http) where the budget allows ${fmt(2 * fast.roundTripP99 + 20)}; slow ${fmt(slow.floorUncached.p99)} (${fmt(slow.floorHttpUncached.p99)}) where it allows ${fmt(2 * slow.roundTripP99 + 20)}. The issuer's p99 is ${over(fast.uncached, fast.floorUncached)} over the floor's uncached (+${LATENCY_MS} ms) and ${over(slow.uncached, slow.floorHttpUncached)} over the node:http floor's (slow). CPU per answer: the floor ${fast.floorCpu.cached.toFixed(2)} ms for one request and ${fast.floorCpu.uncached.toFixed(2)} ms for two; the issuer ${fast.issuerCpu.cached.toFixed(2)} ms cached and ${fast.issuerCpu.uncached.toFixed(2)} ms uncached (+${LATENCY_MS} ms), ${slow.issuerCpu.cached.toFixed(2)} and ${slow.issuerCpu.uncached.toFixed(2)} ms (slow); a signature by node:crypto is about 0.06 ms of it, and a grant set asked for again is not signed again.`);
  const section = lines.join("\n");
  console.log(section);
  const results = new URL("RESULTS.md", import.meta.url);
  const BEGIN = "<!-- issuer-load: written by bench/issuer-load.mjs -->";
  const END = "<!-- /issuer-load -->";
  let text = readFileSync(results, "utf8");
  const block = `${BEGIN}\n## The issuer under load and faults\n\n${section}\n${END}\n`;
  text = text.includes(BEGIN) ? text.slice(0, text.indexOf(BEGIN)) + block + text.slice(text.indexOf(END) + END.length + 1) : `${text.trimEnd()}\n\n${block}`;
  writeFileSync(results, text);
  if (full.some((s) => Number.isNaN(s.rss))) process.exitCode = 1;
} finally {
  issuer.child.kill("SIGKILL");
  floor.child.kill("SIGKILL");
  standin.call("close").catch(() => {});
  rmSync(scratch, { recursive: true, force: true });
}
