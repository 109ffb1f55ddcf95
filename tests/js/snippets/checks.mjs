// Named checks a README block can ask for with `<!-- snippet-check: NAME -->`: what the test
// asserts about the block beyond running it. Each gets `{ fetch, data, cluster, page, service }`:
// `fetch(path, init)` reaches the block's fetch handler or `app` routes in the runtime under
// test (for a service block, the program's own HTTP server), `data` is the fixture data
// (tests/js/snippets/fixtures.mjs), `cluster` the fake Orchestration Cluster, `page` the block's
// Playwright page (browser only), `service` `{ userToken, user }` (service blocks only: a bearer
// token the Camunda stand-in knows, and its user).
import assert from "node:assert/strict";
import * as jose from "jose";
import { SERVICE_TOKEN, USER, VISIBLE } from "./fixtures.mjs";

export const checks = {
  /**
   * The edge search proxy (createSearchProxy with a shared credential): the grant set in
   * `x-camunda-grants`; a good one gives the cluster's items that it allows, the page filled and
   * its `page` saying what the caller can see, after one request to the cluster with the caller's
   * query and the shared credential; a missing or forged one gives a 401 problem with its code.
   */
  async "search-proxy"({ fetch, data, cluster }) {
    const query = { filter: { state: "CREATED" }, page: { limit: 50 } };
    const post = (grants) =>
      fetch("/v2/user-tasks/search", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer user-token", ...(grants === undefined ? {} : { "x-camunda-grants": grants }) },
        body: JSON.stringify(query),
      });
    const seen = cluster.requests.length;
    const ok = await post(data.token);
    const body = await ok.text();
    assert.equal(ok.status, 200, `a good grant set: 200, not ${ok.status} ${body}`);
    const { items, page } = JSON.parse(body);
    assert.deepEqual(items, VISIBLE, "only the visible items");
    assert.deepEqual([page.totalItems, page.hasMoreTotalItems], [VISIBLE.length, false], "the page counts what the caller sees: 2 of the cluster's 4");
    const sent = cluster.requests.slice(seen);
    assert.equal(sent.length, 1, "one request to the cluster (it answered every task at once)");
    assert.deepEqual([sent[0].method, sent[0].path, JSON.parse(sent[0].body), sent[0].headers.authorization], ["POST", "/v2/user-tasks/search", query, `Bearer ${SERVICE_TOKEN}`], "the caller's query, with the shared credential");

    const [h, p, s] = data.token.split(".");
    for (const [what, grants, code] of [
      ["a forged grant set", `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`, "ERR_GRANTS_SIGNATURE"],
      ["no grant set", undefined, "ERR_GRANTS_MISSING"],
    ]) {
      const refused = await post(grants);
      const text = await refused.text();
      assert.equal(refused.status, 401, `${what}: 401, not ${refused.status} ${text}`);
      assert.equal(refused.headers.get("content-type"), "application/problem+json", what);
      assert.equal(JSON.parse(text).code, code, `${what}: the problem's code`);
    }
    assert.equal(cluster.requests.length, seen + 1, "a refused request never reaches the cluster");
  },

  /** A server that publishes its JWKS and issues grant sets for the signed-in user (`req.user`). */
  async "grants-endpoint"({ fetch, data }) {
    const jwks = await (await fetch("/.well-known/camunda-grants-jwks.json")).json();
    const res = await fetch("/api/grants");
    assert.equal(res.status, 200);
    const { token } = await res.json();
    const { payload, protectedHeader } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks), { issuer: data.issuer, audience: data.audience, typ: "camunda-grants+jwt" });
    assert.equal(protectedHeader.alg, "EdDSA");
    assert.deepEqual(payload.principal, { type: "USER", id: USER.name, groups: USER.groups, roles: ["task-worker"] }, "the signed-in user is the principal");
    assert.ok(payload.exp - payload.iat <= 900, "a short-lived grant set");
  },

  /**
   * An issuer service against the Camunda stand-in: it publishes its JWKS, and `GET /grants` with
   * the user's bearer token gives `{ token, expiresAt }`, a grant set for that user, read from the
   * cluster (the user's role through its group), which jose verifies against the JWKS.
   */
  async "issuer-service"({ fetch, data, service }) {
    const keys = await fetch("/.well-known/camunda-grants-jwks.json");
    assert.equal(keys.status, 200, `the JWKS: ${keys.status} ${await keys.clone().text()}`);
    const jwks = await keys.json();
    const res = await fetch("/grants", { headers: { authorization: `Bearer ${service.userToken}` } });
    const text = await res.text();
    assert.equal(res.status, 200, `GET /grants: ${res.status} ${text}`);
    const { token, expiresAt } = JSON.parse(text);
    const { payload } = await jose.jwtVerify(token, jose.createLocalJWKSet(jwks), { issuer: data.issuer, audience: data.audience, typ: "camunda-grants+jwt" });
    assert.equal(new Date(payload.exp * 1000).toISOString(), expiresAt);
    assert.equal(payload.principal.id, service.user, "the bearer's user is the principal");
    assert.deepEqual(payload.principal.roles, ["task-worker"], "its role, through its group, read from the cluster");
    assert.ok(payload.authorizations.some((a) => a.ownerType === "ROLE" && a.ownerId === "task-worker"), "the role's authorizations, read from the cluster");
  },
};
