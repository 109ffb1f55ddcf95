// Camunda's own tests of who the user is, as a conformance suite of the issuer: the security
// library's MappingRuleMatcherTest, OidcGroupsExtractorTest and TokenClaimsConverterTest,
// camunda/camunda's OidcGroupsLoaderTest and TokenClaimsConverterTest, and the 8.10
// own-authorizations ITs (MeAuthorizations*IT), transcribed into
// tests/conformance/camunda/{security,me}/<Class>[@<repo>].json with the commit read, each case
// naming its Camunda test method. Each case is a Camunda stand-in cluster (the file's `cluster`
// or `baseCluster` and the case's `cluster`), an issuer made with createIssuer (the public API)
// and one issue; what the Java test asserts becomes what the grant set must say (`expect`, or one
// of `expectOneOf`). A case that cannot be expressed says why (`inexpressible`); a file's
// `normalized` list says what was written differently from the Java test. docs/rules.md
// ("Camunda's own tests") has the counts. A failing case is reported as its own subtest, named
// `<Class>.<method>`, with what differed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { startStandin } from "../camunda-standin/index.mjs";
import { SERVICE_ACCOUNT, serviceAccountAuthorizations } from "../camunda-standin/population.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);
const KEY = lib.generateSigningKey("conformance-cluster-1");
const ROOT = new URL("../conformance/camunda/", import.meta.url);
const DIRS = ["security", "me"];
const FILES = DIRS.flatMap((d) => readdirSync(new URL(`${d}/`, ROOT)).filter((f) => f.endsWith(".json")).sort().map((f) => `${d}/${f}`));

const clone = (v) => (v === undefined ? undefined : structuredClone(v));
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** The stand-in's data for a case: the file's cluster, the case's, the subject, the service account. */
function clusterOf(doc, c) {
  const parts = [doc.cluster, doc.baseCluster, c.cluster].filter(Boolean).map(clone);
  const data = { users: [], clients: [], groups: [], roles: [], tenants: [], mappingRules: [], authorizations: [] };
  for (const p of parts) {
    for (const [k, v] of Object.entries(p)) data[k] = Array.isArray(v) && Array.isArray(data[k]) ? [...data[k], ...v] : v;
  }
  const subject = c.issue?.username ?? c.issue?.userToken?.user;
  if (subject !== undefined && !data.users.some((u) => u.username === subject)) data.users.push({ username: subject });
  data.clients.unshift(SERVICE_ACCOUNT);
  data.authorizations.unshift(...serviceAccountAuthorizations());
  if (doc.eachMappingRuleOwnsAnAuthorization) {
    for (const r of data.mappingRules) data.authorizations.push({ ownerType: "MAPPING_RULE", ownerId: r.mappingRuleId, resourceType: "PROCESS_DEFINITION", resourceId: `process-of-${r.mappingRuleId}`, permissionTypes: ["READ_USER_TASK"] });
  }
  if (doc.camundaVersion !== undefined) data.camundaVersion = doc.camundaVersion;
  return data;
}

/** createIssuer's options for a case: the file's `issuer`, the case's, over an OIDC service account. */
function issuerOptionsOf(doc, c, s) {
  const camunda = { restAddress: s.url, auth: { strategy: "OAUTH", oauthUrl: s.oauthUrl, ...SERVICE_ACCOUNT } };
  const merged = { cluster: {}, ...clone(doc.issuer), ...clone(c.issuer) };
  merged.cluster = { ...doc.issuer?.cluster, ...c.issuer?.cluster };
  const auth = c.issuer?.camunda?.auth ?? doc.issuer?.camunda?.auth;
  delete merged.camunda;
  return { camunda: auth ? { restAddress: s.url, auth } : camunda, signingKey: KEY.privateJwk, issuer: "https://tasklist.example.com", audience: "tasklist", cacheTtl: 0, ...merged };
}

/** The bearer token a case's `userToken` describes. */
async function tokenOf(spec, s, data) {
  if (spec.user !== undefined) return s.userToken(spec.user, spec.claims ?? {});
  if (spec.client !== undefined) {
    const client = data.clients.find((x) => x.clientId === spec.client);
    const res = await fetch(s.oauthUrl, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: client.clientId, client_secret: client.clientSecret }) });
    return (await res.json()).access_token;
  }
  // A token the cluster never issued: it answers 401 to it.
  return `${b64({ alg: "RS256", typ: "JWT", kid: "elsewhere" })}.${b64(spec.notIssuedByCluster)}.${Buffer.from("not-a-signature").toString("base64url")}`;
}

/** The requests of one case's issue: `{ userToken }` or `{ username | clientId, claims }`. */
async function requestsOf(c, s, data) {
  const i = c.issue;
  const out = [];
  if (i.userToken !== undefined) out.push({ via: "userToken", request: { userToken: await tokenOf(i.userToken, s, data) }, holder: i.userToken });
  else {
    const { username, clientId, claims } = i;
    out.push({ via: "claims", request: { ...(username !== undefined ? { username } : { clientId }), ...(claims !== undefined ? { claims } : {}) } });
    if (c.alsoAsUserToken) out.push({ via: "userToken", request: { userToken: await tokenOf({ user: username, claims }, s, data) }, holder: { user: username } });
  }
  return out;
}

const matches = (item, partial) => Object.entries(partial).every(([k, v]) => item[k] === v);
const sameList = (got, want, ordered) => (ordered ? JSON.stringify(got) === JSON.stringify(want) : JSON.stringify([...got].sort()) === JSON.stringify([...want].sort()));

/** What differs between an outcome (`{ payload, requests }` or `{ error }`) and one expectation: [] when none. */
function differences(expect, outcome, data) {
  const d = [];
  if (expect.error !== undefined) {
    if (outcome.error === undefined) return [`expected ${expect.error}, but a grant set was issued (principal ${JSON.stringify(outcome.payload.principal)})`];
    if (outcome.error.code !== expect.error) d.push(`expected ${expect.error}, got ${outcome.error.code ?? "a non-package error"}: ${outcome.error.message}`);
    else if (expect.messageMatches !== undefined && !new RegExp(expect.messageMatches, "i").test(outcome.error.message)) d.push(`${expect.error}, but its message does not say /${expect.messageMatches}/i: ${outcome.error.message}`);
    return d;
  }
  if (outcome.error !== undefined) return [`expected a grant set, got ${outcome.error.code ?? "a non-package error"}: ${outcome.error.message}`];
  const p = outcome.payload;
  for (const [k, v] of Object.entries(expect.principal ?? {})) if (p.principal[k] !== v) d.push(`principal.${k} is ${JSON.stringify(p.principal[k])}, expected ${JSON.stringify(v)}`);
  for (const k of ["mappingRules", "groups", "roles", "tenants"]) {
    if (expect[k] !== undefined && !sameList(p.principal[k] ?? [], expect[k], expect.ordered)) d.push(`principal.${k} is ${JSON.stringify(p.principal[k])}, expected ${JSON.stringify(expect[k])}${expect.ordered ? " in that order" : ""}`);
  }
  if (expect.authorizationsEnabled !== undefined && p.authorizationsEnabled !== expect.authorizationsEnabled) d.push(`authorizationsEnabled is ${p.authorizationsEnabled}, the cluster says ${expect.authorizationsEnabled}`);
  const list = p.authorizations ?? [];
  const a = expect.authorizations ?? {};
  for (const want of a.includes ?? []) if (!list.some((x) => matches(x, want))) d.push(`no authorization ${JSON.stringify(want)} in the grant set`);
  for (const not of a.excludes ?? []) if (list.some((x) => matches(x, not))) d.push(`the grant set holds an authorization ${JSON.stringify(not)}`);
  if (a.all !== undefined) for (const x of list) if (!matches(x, a.all)) d.push(`authorization ${JSON.stringify(x)} is not ${JSON.stringify(a.all)}`);
  if (a.exactly !== undefined && (list.length !== a.exactly.length || !a.exactly.every((want) => list.some((x) => matches(x, want))))) d.push(`the grant set's authorizations are ${JSON.stringify(list.map((x) => `${x.ownerType}:${x.ownerId} ${x.resourceType}:${x.resourceId ?? x.resourcePropertyName}`))}, expected exactly ${JSON.stringify(a.exactly)}`);
  // A mapping rule's authorization is in the grant set exactly when the rule matched.
  if (expect.mappingRules !== undefined && data.eachRule) {
    const owners = [...new Set(list.filter((x) => x.ownerType === "MAPPING_RULE").map((x) => x.ownerId))];
    if (!sameList(owners, expect.mappingRules, false)) d.push(`the grant set holds the authorizations of the mapping rules ${JSON.stringify(owners)}, expected ${JSON.stringify(expect.mappingRules)}`);
  }
  if (expect.onlyWithTheUsersToken) {
    const holder = outcome.holder?.user !== undefined ? `user:${outcome.holder.user}` : `oauth:${outcome.holder?.client}`;
    const others = outcome.requests.filter((r) => r.as !== holder);
    if (others.length) d.push(`${others.length} request(s) not made with the user's token: ${[...new Set(others.map((r) => `${r.method} ${r.path} as ${r.as}`))].slice(0, 4).join(", ")}`);
  }
  return d;
}

function check(c, outcome, data) {
  if (c.expect !== undefined) return differences(c.expect, outcome, data);
  const each = c.expectOneOf.map((e) => differences(e, outcome, data));
  if (each.some((x) => x.length === 0)) return [];
  return [`none of the accepted outcomes: ${each.map((x, i) => `(${i + 1}) ${x.join("; ")}`).join(" | ")}`];
}

/** Runs one case: a stand-in, an issuer, the issue(s); resolves to the differences found. */
async function runCase(doc, c) {
  const data = clusterOf(doc, c);
  const s = await startStandin(data);
  try {
    const problems = [];
    for (const { via, request, holder } of await requestsOf(c, s, data)) {
      const issuer = createIssuer(issuerOptionsOf(doc, c, s));
      const before = s.requests.length;
      let outcome;
      try {
        outcome = { payload: (await issuer.issue(request)).payload };
      } catch (error) {
        outcome = { error };
      }
      outcome.requests = s.requests.slice(before);
      outcome.holder = holder;
      for (const p of check(c, outcome, { eachRule: doc.eachMappingRuleOwnsAnAuthorization })) problems.push(`via ${via}: ${p}`);
    }
    if (s.violations.length) problems.push(`the stand-in saw schema violations: ${s.violations.join(" | ")}`);
    return problems;
  } finally {
    await s.close();
  }
}

const counts = [];
for (const file of FILES) {
  const doc = JSON.parse(readFileSync(new URL(file, ROOT), "utf8"));
  const repoName = doc.repo.split("/")[1];
  test(`${doc.camundaClass} (${doc.repo} ${doc.path} @${doc.commit.slice(0, 8)})`, async (t) => {
    assert.ok([`${doc.camundaClass}.json`, `${doc.camundaClass}@${repoName}.json`].includes(file.split("/")[1]), `${file}: a file per class, named after it (and its repository where two hold the class)`);
    assert.match(doc.repo, /^camunda\/(camunda|camunda-security-library)$/);
    assert.match(doc.commit, /^[0-9a-f]{40}$/, "the commit read");
    assert.ok(doc.cases.length > 0);
    const row = { camundaClass: doc.camundaClass, repo: doc.repo, commit: doc.commit.slice(0, 8), cases: doc.cases.length, decided: 0, inexpressible: 0, failing: [] };
    counts.push(row);
    for (const c of doc.cases) {
      const at = `${doc.camundaClass}.${c.camundaTest}`;
      assert.match(c.camundaTest, /^(\w+\.)?\w+$/, `${at}: a Camunda test method`);
      assert.equal(doc.cases.filter((x) => x.camundaTest === c.camundaTest).length, 1, `${at}: once`);
      assert.ok(c.camundaExpects !== undefined, `${at}: what the Java test asserts`);
      if (c.inexpressible !== undefined) {
        assert.ok(typeof c.inexpressible === "string" && c.inexpressible.length > 20, `${at}: says why it cannot be expressed`);
        row.inexpressible++;
        continue;
      }
      assert.ok((c.expect === undefined) !== (c.expectOneOf === undefined), `${at}: expect or expectOneOf`);
      row.decided++;
      await t.test(at, async () => {
        const problems = await runCase(doc, c);
        if (problems.length) row.failing.push(c.camundaTest);
        assert.deepEqual(problems, [], `${at}: Camunda's test and the package differ:\n  ${problems.join("\n  ")}`);
      });
    }
    t.diagnostic(`${doc.camundaClass} (${repoName}): ${doc.cases.length} cases, ${row.decided} decided, ${row.inexpressible} inexpressible, ${row.failing.length} failing${row.failing.length ? `: ${row.failing.join(", ")}` : ""}`);
  });
}

test("every class the suite promises is transcribed", () => {
  const have = counts.map((c) => `${c.camundaClass}@${c.repo}`);
  for (const name of [
    "MappingRuleMatcherTest@camunda/camunda-security-library",
    "OidcGroupsExtractorTest@camunda/camunda-security-library",
    "TokenClaimsConverterTest@camunda/camunda-security-library",
    "OidcGroupsLoaderTest@camunda/camunda",
    "TokenClaimsConverterTest@camunda/camunda",
    "MeAuthorizationsIT@camunda/camunda",
    "MeAuthorizationsOidcIT@camunda/camunda",
    "MeAuthorizationsDisabledIT@camunda/camunda",
  ]) assert.ok(have.includes(name), name);
  assert.ok(counts.reduce((n, c) => n + c.decided, 0) >= 45, "decided cases");
});
