// The issuer's configuration is checked when it is made: createIssuer refuses what would fail
// later (a version the signer refuses, a page size the API refuses, a key that cannot sign),
// camundaFromEnv refuses incomplete OAuth or Basic settings instead of falling back to no
// authentication, no URL may hold credentials, and a misspelt option is an error. Errors that
// concern a URL name it (never a secret in it), and a 400 from the OAuth endpoint does not
// blame the credentials.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { startStandin } from "../camunda-standin/index.mjs";
import { SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";
import { rejection } from "./support/issuer-asserts.mjs";
import { salesPopulation } from "./support/issuer-population.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer, camundaFromEnv } = await import(new URL("issuer/node.js", PKG).href);

const KEY = lib.generateSigningKey("config-1");
const OTHER = lib.generateSigningKey("config-2");
const CAMUNDA = { restAddress: "http://127.0.0.1:9" };
const make = (options = {}) => createIssuer({ camunda: CAMUNDA, signingKey: KEY.privateJwk, issuer: "https://tasklist.example.com", audience: "tasklist", ...options });

/** `code: message` of what `fn` throws, or "ok". */
function thrown(fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof lib.AuthzError, `an AuthzError, not ${error}`);
    return `${error.code}: ${error.message}`;
  }
  return "ok";
}

const standin = await startStandin({ ...salesPopulation(), clients: [{ ...SERVICE_ACCOUNT, scopes: ["orchestration"] }] });
after(() => standin.close());

test("camundaVersion is `8.<minor>` as the signer takes it, checked at createIssuer", () => {
  for (const version of ["8.9.2", "9.0", "8", "v8.9", "8.09", "8.x", "", 8.9]) {
    assert.match(thrown(() => make({ cluster: { camundaVersion: version } })), /^ERR_ARGUMENT_INVALID: `cluster\.camundaVersion` must be `8\.<minor>`/, JSON.stringify(version));
  }
  for (const version of ["8.8", "8.9", "8.10", "8.11"]) assert.equal(thrown(() => make({ cluster: { camundaVersion: version } })), "ok", version);
});

test("the cluster flags and every option are checked for their type, and a misspelt option is an error", () => {
  const cases = [
    [{ cluster: { authorizationsEnabled: "false" } }, /`cluster\.authorizationsEnabled` must be true or false/],
    [{ cluster: { multiTenancyEnabled: 1 } }, /`cluster\.multiTenancyEnabled` must be true or false/],
    [{ cluster: { groupsClaim: 5 } }, /`cluster\.groupsClaim` must be a string/],
    [{ cluster: { camundaversion: "8.9" } }, /unknown option `cluster\.camundaversion`/],
    [{ pagesize: 100 }, /unknown option `pagesize`/],
    [{ camunda: { ...CAMUNDA, restAdress: "x" } }, /unknown option `camunda\.restAdress`/],
    [{ camunda: { ...CAMUNDA, auth: { strategy: "BASIC", username: "u", password: "p", pasword: "q" } } }, /unknown option `camunda\.auth\.pasword`/],
    [{ ttl: 0 }, /`ttl` must be a whole number of seconds from 1/],
    [{ ttl: 1.5 }, /`ttl` must be a whole number of seconds from 1/],
    [{ cacheTtl: -1 }, /`cacheTtl` must be a number of seconds from 0/],
    [{ timeoutMs: 0 }, /`timeoutMs` must be a whole number of milliseconds from 1/],
    [{ deadlineMs: Number.POSITIVE_INFINITY }, /`deadlineMs` must be a whole number of milliseconds from 1/],
    [{ resourceTypes: [] }, /`resourceTypes` must be a non-empty array of resource type names/],
    [{ resourceTypes: ["USER_TASK", ""] }, /`resourceTypes` must be a non-empty array of resource type names/],
    [{ checkUserExists: "no" }, /`checkUserExists` must be true or false/],
    [{ fetch: "fetch" }, /`fetch` must be a function/],
    [{ onIssue: true }, /`onIssue` must be a function/],
    [{ previousKeys: {} }, /`previousKeys` must be an array of JWKs/],
  ];
  for (const [options, message] of cases) assert.match(thrown(() => make(options)), message, JSON.stringify(options));
});

test("ttl is at most a day, the lifetime verifiers accept by default (maxLifetime), checked at createIssuer", () => {
  for (const ttl of [86_401, 2 ** 31 - 1]) {
    assert.match(thrown(() => make({ ttl })), /^ERR_ARGUMENT_INVALID: `ttl` must be a whole number of seconds from 1 to 86400, not \d+: verifiers refuse a longer lifetime by default \(maxLifetime\)/, String(ttl));
  }
  for (const ttl of [1, 86_400]) assert.equal(thrown(() => make({ ttl })), "ok", String(ttl));
});

test("pageSize is 1 to the API's maximum of 10000, checked at createIssuer, not at the first search", () => {
  for (const pageSize of [0, 10_001, 1.5, -1, "100", Number.NaN]) {
    assert.match(thrown(() => make({ pageSize })), /^ERR_ARGUMENT_INVALID: `pageSize` must be a whole number from 1 to 10000/, String(pageSize));
  }
  for (const pageSize of [1, 10_000]) assert.equal(thrown(() => make({ pageSize })), "ok");
});

test("the signing key must sign: a broken `d`, or an `x` of another key, fails at createIssuer", () => {
  assert.match(thrown(() => make({ signingKey: { ...KEY.privateJwk, d: "AAAA" } })), /^ERR_KEY_INVALID: /);
  assert.match(thrown(() => make({ signingKey: { ...KEY.privateJwk, x: OTHER.publicJwk.x } })), /^ERR_KEY_INVALID: `x` of the private JWK does not belong to its `d`/);
  for (const message of [thrown(() => make({ signingKey: { ...KEY.privateJwk, d: "AAAA" } }))]) assert.ok(!message.includes(KEY.privateJwk.d));
});

test("previousKeys are published as their public half only, whatever they hold", () => {
  const issuer = make({ previousKeys: [OTHER.privateJwk] });
  assert.deepEqual(issuer.jwks.keys.map((k) => k.kid), ["config-1", "config-2"]);
  assert.ok(issuer.jwks.keys.every((k) => !("d" in k)), "no private half in the JWKS");
});

test("camundaFromEnv: OAuth and Basic settings are complete or an error, never silently no authentication", () => {
  const env = (extra) => ({ CAMUNDA_REST_ADDRESS: "https://c.example", ...extra });
  const cases = [
    [{ CAMUNDA_CLIENT_ID: "id" }, /`CAMUNDA_CLIENT_SECRET` is not set \(CAMUNDA_CLIENT_ID is\)/],
    [{ CAMUNDA_CLIENT_SECRET: "s3cret-value" }, /`CAMUNDA_CLIENT_ID` is not set \(CAMUNDA_CLIENT_SECRET is\)/],
    [{ CAMUNDA_BASIC_AUTH_PASSWORD: "s3cret-value" }, /`CAMUNDA_BASIC_AUTH_USERNAME` is not set \(CAMUNDA_BASIC_AUTH_PASSWORD is\)/],
    [{ CAMUNDA_CLIENT_ID: "id", CAMUNDA_CLIENT_SECRET: "s3cret-value", CAMUNDA_BASIC_AUTH_USERNAME: "u", CAMUNDA_BASIC_AUTH_PASSWORD: "p" }, /both OAuth .* and Basic .*: set CAMUNDA_AUTH_STRATEGY/],
    [{ CAMUNDA_AUTH_STRATEGY: "NONE", CAMUNDA_CLIENT_ID: "id", CAMUNDA_CLIENT_SECRET: "s3cret-value" }, /CAMUNDA_AUTH_STRATEGY is NONE, but CAMUNDA_CLIENT_ID and CAMUNDA_CLIENT_SECRET are set/],
  ];
  for (const [extra, message] of cases) {
    const got = thrown(() => camundaFromEnv(env(extra)));
    assert.match(got, message, JSON.stringify(extra));
    assert.ok(!got.includes("s3cret-value"), got);
  }
  assert.deepEqual(camundaFromEnv(env({})).auth, { strategy: "NONE" });
  // A strategy named takes its own variables and ignores the other's, as Camunda's SDKs do.
  assert.equal(camundaFromEnv(env({ CAMUNDA_AUTH_STRATEGY: "BASIC", CAMUNDA_BASIC_AUTH_USERNAME: "u", CAMUNDA_BASIC_AUTH_PASSWORD: "p", CAMUNDA_CLIENT_SECRET: "s3cret-value" })).auth.strategy, "BASIC");
  // createIssuer without `camunda` refuses the same environment.
  assert.match(thrown(() => createIssuer({ env: env({ CAMUNDA_CLIENT_ID: "id" }), signingKey: KEY.privateJwk, issuer: "i", audience: "a" })), /CAMUNDA_CLIENT_SECRET/);
});

test("no credentials inside a URL, and a REST address without query or fragment; the message never shows the secret", () => {
  const cases = [
    [() => camundaFromEnv({ CAMUNDA_REST_ADDRESS: "https://admin:s3cret-value@c.example" }), /`CAMUNDA_REST_ADDRESS` must not hold credentials \(https:\/\/\*\*\*@c\.example\/\)/],
    [() => make({ camunda: { restAddress: "https://admin:s3cret-value@c.example/v2" } }), /`camunda\.restAddress` must not hold credentials/],
    [() => make({ camunda: { restAddress: "https://c.example", auth: { strategy: "OAUTH", oauthUrl: "https://id:s3cret-value@idp.example/token", clientId: "a", clientSecret: "b" } } }), /`camunda\.auth\.oauthUrl` must not hold credentials/],
    [() => camundaFromEnv({ CAMUNDA_REST_ADDRESS: "https://c.example", CAMUNDA_CLIENT_ID: "a", CAMUNDA_CLIENT_SECRET: "b", CAMUNDA_OAUTH_URL: "https://u:s3cret-value@idp.example/t" }), /`CAMUNDA_OAUTH_URL` must not hold credentials/],
    [() => make({ camunda: { restAddress: "https://c.example/?token=s3cret-value" } }), /`camunda\.restAddress` must not have a query or a fragment/],
    [() => make({ camunda: { restAddress: "https://c.example/#x" } }), /`camunda\.restAddress` must not have a query or a fragment/],
    [() => make({ camunda: { restAddress: "not a url" } }), /`camunda\.restAddress` must be an http\(s\) URL/],
    [() => make({ camunda: { restAddress: "ftp://c.example" } }), /`camunda\.restAddress` must be an http\(s\) URL/],
  ];
  for (const [fn, message] of cases) {
    const got = thrown(fn);
    assert.match(got, message);
    assert.ok(!got.includes("s3cret-value"), got);
  }
});

function closedPort() {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

test("errors name the URL they concern: an unreachable cluster, an unreachable or wrong OAuth URL", async () => {
  const port = await closedPort();
  const oauth = (oauthUrl, extra = {}) => ({ restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl, ...SERVICE_ACCOUNT, ...extra } });
  const down = await rejection(make({ camunda: { restAddress: `http://127.0.0.1:${port}`, auth: { strategy: "NONE" } } }).issue({ username: "alice" }));
  assert.equal(down.code, "ERR_ISSUER_UPSTREAM");
  assert.match(down.message, new RegExp(`http://127\\.0\\.0\\.1:${port}/v2/`));
  assert.match(down.message, /could not be reached \(ECONNREFUSED\)/);
  const idpDown = await rejection(make({ camunda: oauth(`http://127.0.0.1:${port}/oauth/token`) }).issue({ username: "alice" }));
  assert.equal(idpDown.code, "ERR_ISSUER_UPSTREAM");
  assert.match(idpDown.message, new RegExp(`the OAuth token request to http://127\\.0\\.0\\.1:${port}/oauth/token failed: it could not be reached \\(ECONNREFUSED\\)`));
  const wrongPath = await rejection(make({ camunda: oauth(`${standin.url}/oauth/nothing-here`) }).issue({ username: "alice" }));
  assert.match(wrongPath.message, new RegExp(`the OAuth token endpoint ${standin.url.replace(/\./g, "\\.")}/oauth/nothing-here answered 404: is CAMUNDA_OAUTH_URL \\(oauthUrl\\) the token endpoint\\?`));
  assert.doesNotMatch(wrongPath.message, /credentials/);
  for (const error of [down, idpDown, wrongPath]) {
    assert.ok(!error.message.includes(SERVICE_ACCOUNT.clientSecret));
    assert.ok(!String(error.cause?.message ?? "").includes(SERVICE_ACCOUNT.clientSecret));
  }
});

test("a 400 from the OAuth endpoint names its OAuth error and the URL, and does not blame the credentials; a 401 does", async () => {
  const oauth = (extra) => ({ restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...SERVICE_ACCOUNT, ...extra } });
  const scope = await rejection(make({ camunda: oauth({ scope: "everything" }) }).issue({ username: "alice" }));
  assert.equal(scope.code, "ERR_ISSUER_AUTH");
  assert.match(scope.message, /the OAuth token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token refused the token request \(400 invalid_scope\): check the scope and audience/);
  assert.doesNotMatch(scope.message, /credentials/);
  const secret = await rejection(make({ camunda: oauth({ clientSecret: "wrong-secret-value" }) }).issue({ username: "alice" }));
  assert.equal(secret.code, "ERR_ISSUER_AUTH");
  assert.match(secret.message, /the OAuth token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token refused the client credentials of `camunda-authz-issuer` \(401 invalid_client\)/);
  assert.ok(!secret.message.includes("wrong-secret-value"));
  assert.equal((await make({ camunda: oauth({ scope: "orchestration" }) }).issue({ username: "alice" })).payload.sub, "alice");
  standin.assertClean();
});
