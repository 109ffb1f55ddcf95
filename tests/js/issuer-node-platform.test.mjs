// The issuer's platform in Node.js: its requests over node:http with keep-alive agents
// (issuer/node-fetch.ts), not the global fetch, unless the options bring one; no redirect
// followed; the answer read under the same byte cap and deadline as fetch's. Its signatures by
// node:crypto (issuer/node-sign.ts), the same token to the byte as the module's.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { startStandin } from "../camunda-standin/index.mjs";
import { SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";
import { AUD, ISS, salesPopulation } from "./support/issuer-population.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);

const standin = await startStandin(salesPopulation());
const servers = [];
after(async () => {
  await standin.close();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});
const key = lib.generateSigningKey("node-fetch-1");
const camunda = { restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...SERVICE_ACCOUNT } };

async function listen(handler) {
  const server = createServer(handler);
  servers.push(server);
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${server.address().port}`;
}

test("the Node.js entry issues without the global fetch, and a fetch in the options is used instead", async () => {
  const original = globalThis.fetch;
  let globalCalls = 0;
  globalThis.fetch = (...args) => {
    globalCalls += 1;
    return original(...args);
  };
  try {
    const issued = await createIssuer({ camunda, signingKey: key.privateJwk, issuer: ISS, audience: AUD }).issue({ username: "alice" });
    assert.equal(issued.payload.sub, "alice");
    assert.equal(globalCalls, 0, "no request went through globalThis.fetch");
    let optionCalls = 0;
    const fetch = (...args) => {
      optionCalls += 1;
      return original(...args);
    };
    await createIssuer({ camunda, signingKey: key.privateJwk, issuer: ISS, audience: AUD, fetch }).issue({ username: "alice" });
    assert.ok(optionCalls > 0, "the options' fetch made the requests");
    assert.equal(globalCalls, 0);
  } finally {
    globalThis.fetch = original;
  }
});

test("a redirect is not followed: the credential never goes to another address", async () => {
  let elsewhere = 0;
  const other = await listen((req, res) => {
    elsewhere += 1;
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  const redirecting = await listen((req, res) => res.writeHead(307, { location: `${other}${req.url}` }).end());
  const issuer = createIssuer({ camunda: { restAddress: redirecting, auth: { strategy: "BASIC", username: "svc", password: "secret" } }, signingKey: key.privateJwk, issuer: ISS, audience: AUD });
  await assert.rejects(issuer.issue({ username: "alice" }), (e) => e.code === "ERR_ISSUER_UPSTREAM" && /307/.test(e.message) && !/secret/.test(e.message));
  assert.equal(elsewhere, 0, "the redirect's target got no request");
});

test("an answer without end is cut at maxResponseBytes, and one that stalls ends at timeoutMs", async () => {
  const endless = await listen((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (res.write(chunk));
    };
    res.on("drain", pump);
    pump();
  });
  const cut = createIssuer({ camunda: { restAddress: endless, auth: { strategy: "NONE" } }, signingKey: key.privateJwk, issuer: ISS, audience: AUD, maxResponseBytes: 1 << 20 });
  const t = performance.now();
  await assert.rejects(cut.issue({ username: "alice" }), (e) => e.code === "ERR_ISSUER_UPSTREAM" && /maxResponseBytes/.test(e.message));
  assert.ok(performance.now() - t < 5000);
  const stalled = await listen((req, res) => res.writeHead(200, { "content-type": "application/json" }).write("{"));
  const slow = createIssuer({ camunda: { restAddress: stalled, auth: { strategy: "NONE" } }, signingKey: key.privateJwk, issuer: ISS, audience: AUD, timeoutMs: 300 });
  await assert.rejects(slow.issue({ username: "alice" }), (e) => e.code === "ERR_ISSUER_UPSTREAM" && /timed out after 300 ms/.test(e.message));
});

test("a kept-alive socket the server closed is reset once and the request goes out again on a new one", async () => {
  const { nodeFetch } = await import(new URL("issuer/node-fetch.js", PKG).href);
  // The server drops every connection's second request without an answer, as a server that
  // closes an idle connection while the request is on its way does.
  const served = new WeakMap();
  let dropped = 0;
  const url = await listen((req, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    if (n > 1) {
      dropped += 1;
      req.socket.destroy();
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" }).end(`ok ${req.method}`);
  });
  const read = async (r) => {
    const reader = r.body.getReader();
    let text = "";
    for (let c = await reader.read(); !c.done; c = await reader.read()) text += Buffer.from(c.value).toString();
    return text;
  };
  assert.equal(await read(await nodeFetch(`${url}/a`, {})), "ok GET");
  assert.equal(await read(await nodeFetch(`${url}/b`, { method: "POST", body: "{}" })), "ok POST");
  assert.equal(dropped, 1, "the second request met the closed socket, and was sent again");
});

test("node:crypto signs what the module prepared: the same token to the byte as signGrants, verified by the module", async () => {
  const { nodeSigner } = await import(new URL("issuer/node-sign.js", PKG).href);
  const { grantsSigningInput } = await import(new URL("core/grants.js", PKG).href);
  const signWith = nodeSigner(key.privateJwk);
  assert.equal(typeof signWith, "function");
  const payload = { ver: 1, camundaVersion: "8.9", sub: "alice", authorizationsEnabled: true, multiTenancyEnabled: false, principal: { type: "USER", id: "alice", groups: ["é ✓"], roles: [], tenants: [], mappingRules: [] }, authorizations: [], jti: "j-1" };
  const options = { ttl: 600, issuer: ISS, audience: AUD, now: 1_800_000_000 };
  const input = grantsSigningInput(payload, key.privateJwk.kid, options);
  assert.equal(`${input}.${signWith(input)}`, lib.signGrants(payload, key.privateJwk, options));
  // What signGrants refuses, the prepared input refuses too (the module's checks come first).
  assert.throws(() => grantsSigningInput({ ...payload, principal: { ...payload.principal, type: "ROBOT" } }, key.privateJwk.kid, options), (e) => e.code === "ERR_GRANTS_MALFORMED");
  // A key node:crypto does not take leaves the signing to the module.
  assert.equal(nodeSigner({ ...key.privateJwk, d: "not-a-key" }), undefined);
  // An issued grant set verifies.
  const issuer = createIssuer({ camunda, signingKey: key.privateJwk, issuer: ISS, audience: AUD });
  const issued = await issuer.issue({ username: "alice" });
  assert.equal(lib.verifyGrants(issued.token, issuer.jwks, { issuer: ISS, audience: AUD }).payload.sub, "alice");
});
