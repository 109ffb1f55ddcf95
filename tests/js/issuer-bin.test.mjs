// The npm bin as an operator runs it, a child process against the Camunda stand-in: --help,
// --flag=value, unknown flags and variables refused (exit 2), the configuration checked before
// it listens, the key file read with a bound and never echoed, `keygen`, one JSON log line per
// request without a token, Prometheus text at /metrics, and SIGTERM draining what is in flight.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStandin } from "../camunda-standin/index.mjs";
import { SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";
import { startIssuerBin } from "./support/issuer-bin.mjs";
import { run as runCommand } from "./support/run.mjs";
import { AUD, binEnv, ISS, salesPopulation } from "./support/issuer-population.mjs";

const PKG = new URL("../../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const BIN = fileURLToPath(new URL("issuer/bin.js", PKG));

const standin = await startStandin(salesPopulation());
const scratch = mkdtempSync(join(tmpdir(), "camunda-authz-bin-"));
after(async () => {
  await standin.close();
  rmSync(scratch, { recursive: true, force: true });
});
const key = lib.generateSigningKey("bin-1");
const keyFile = join(scratch, "key.json");
writeFileSync(keyFile, JSON.stringify(key.privateJwk), { mode: 0o600 });
const env = binEnv(standin);

/** Runs the bin to its end with the test's variables alone: `{ code, out, err }`. */
async function run(args, extra = {}, timeout = 20_000) {
  const r = await runCommand(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env, ...extra }, inheritEnv: false, timeout });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

const startBin = (args, extra = {}) => startIssuerBin(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env, ...extra } });

/** Runs `use(base, bin)` with the issuer started on `args` (the key file by default), and kills it after. */
async function withBin(use, args = ["issuer", "--key", keyFile, "--port", "0"]) {
  const bin = startBin(args);
  try {
    return await use(await bin.started, bin);
  } finally {
    bin.child.kill("SIGKILL");
  }
}

test("--help exits 0 for every command; unknown commands, options and stray arguments exit 2", async () => {
  for (const args of [["--help"], ["-h"], ["help"], ["help", "issuer"], ["issuer", "--help"], ["keygen", "--help"], ["help", "keygen"]]) {
    const r = await run(args);
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.err}`);
    assert.match(r.out, /^usage: camunda-authz/, args.join(" "));
  }
  assert.match((await run(["issuer", "--help"])).out, /--key FILE/);
  assert.match((await run(["keygen", "--help"])).out, /--kid KID/);
  for (const [args, message] of [
    [[], /usage: camunda-authz <command>/],
    [["sign"], /unknown command `sign`/],
    [["issuer", "--key", keyFile, "--prot", "8080"], /unknown option `--prot`/],
    [["issuer", "--key", keyFile, "--port"], /option `--port` needs a value/],
    [["issuer", "--key", keyFile, "--key", keyFile], /option `--key` is given twice/],
    [["issuer", "--key", keyFile, "8080"], /unexpected argument `8080`/],
    [["issuer", "--key", keyFile, "--port", "http"], /the port must be an integer from 0 to 65535/],
    [["keygen"], /option `--kid` is required/],
    [["keygen", "--kid", "k", "--force=yes"], /option `--force` takes no value/],
  ]) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.out}${r.err}`);
    assert.match(r.out + r.err, message, args.join(" "));
  }
});

test("--flag=value works; every configuration error fails at start with exit 2, naming its variable and never a secret", async () => {
  await withBin(async (base) => assert.equal((await fetch(`${base}/healthz`)).status, 200), ["issuer", `--key=${keyFile}`, "--port=0"]);
  const malformed = join(scratch, "malformed.json");
  writeFileSync(malformed, JSON.stringify(key.privateJwk).replace('"d":', '"d"::'));
  for (const [extra, file, message] of [
    [{ CAMUNDA_AUTHZ_CAMUNDA_VERSION: "8.9.2" }, keyFile, /`cluster\.camundaVersion` must be `8\.<minor>`.*\(CAMUNDA_AUTHZ_CAMUNDA_VERSION\)/],
    [{ CAMUNDA_AUTHZ_PAGE_SIZE: "20000" }, keyFile, /`pageSize` must be a whole number from 1 to 10000.*\(CAMUNDA_AUTHZ_PAGE_SIZE\)/],
    [{ CAMUNDA_AUTHZ_TLL: "60" }, keyFile, /unknown variable `CAMUNDA_AUTHZ_TLL`/],
    [{ CAMUNDA_AUTHZ_AUTHORIZATIONS_ENABLED: "yes" }, keyFile, /CAMUNDA_AUTHZ_AUTHORIZATIONS_ENABLED must be true or false/],
    [{ CAMUNDA_AUTH_STRATEGY: "", CAMUNDA_CLIENT_SECRET: "" }, keyFile, /`CAMUNDA_CLIENT_SECRET` is not set \(CAMUNDA_CLIENT_ID and CAMUNDA_OAUTH_URL are\)/],
    [{ CAMUNDA_REST_ADDRESS: "http://admin:s3cret-value@127.0.0.1:1" }, keyFile, /`CAMUNDA_REST_ADDRESS` must not hold credentials/],
    [{}, "/dev/zero", /the key file `\/dev\/zero` could not be read: the key file `\/dev\/zero` is larger than 1048576 bytes/],
    [{}, malformed, /the key file `.*malformed\.json`: the key ring is not JSON/],
  ]) {
    const started = performance.now();
    const r = await run(["issuer", "--key", file, "--port", "0"], extra);
    assert.equal(r.code, 2, `${JSON.stringify(extra)} ${file}: ${r.out}${r.err}`);
    assert.match(r.err, message);
    assert.ok(performance.now() - started < 10_000);
    for (const secret of [SERVICE_ACCOUNT.clientSecret, "s3cret-value", key.privateJwk.d.slice(0, 8)]) assert.ok(!(r.out + r.err).includes(secret), `${r.err} holds a secret`);
  }
});

test("keygen makes a key as the native CLI does: files refused when they exist, mode 0600, --force replaces; the issuer serves it", async () => {
  const priv = join(scratch, "k2.jwk");
  const jwks = join(scratch, "k2.jwks");
  const made = await run(["keygen", "--kid", "grants-2027-01", "--out-private", priv, "--out-jwks", jwks]);
  assert.equal(made.code, 0, made.err);
  assert.match(made.err, /wrote the private JWK of key `grants-2027-01`/);
  assert.equal(statSync(priv).mode & 0o777, 0o600);
  const privateJwk = JSON.parse(readFileSync(priv, "utf8"));
  const published = JSON.parse(readFileSync(jwks, "utf8"));
  assert.equal(privateJwk.kid, "grants-2027-01");
  assert.deepEqual(published.keys.map((k) => k.kid), ["grants-2027-01"]);
  assert.ok(!("d" in published.keys[0]));
  const again = await run(["keygen", "--kid", "grants-2027-01", "--out-private", priv]);
  assert.equal(again.code, 1);
  assert.match(again.err, /already exists; pass --force to overwrite it/);
  assert.equal(JSON.parse(readFileSync(priv, "utf8")).d, privateJwk.d, "kept");
  assert.equal((await run(["keygen", "--kid", "grants-2027-01", "--out-private", priv, "--force"])).code, 0);
  assert.notEqual(JSON.parse(readFileSync(priv, "utf8")).d, privateJwk.d, "replaced");
  const stdout = await run(["keygen", "--kid", "k3"]);
  assert.deepEqual(Object.keys(JSON.parse(stdout.out)), ["privateJwk", "jwks"]);

  await withBin(async (base) => {
    const served = await (await fetch(`${base}/.well-known/camunda-grants-jwks.json`)).json();
    const res = await (await fetch(`${base}/grants`, { headers: { authorization: `Bearer ${standin.userToken("alice")}` } })).json();
    assert.equal(lib.verifyGrants(res.token, served, { issuer: ISS, audience: AUD }).header.kid, "grants-2027-01");
  }, ["issuer", "--key", priv, "--port", "0"]);
});

test("one JSON line per request, never a token; /metrics in Prometheus text", async () => {
  await withBin(async (base, bin) => {
    const alice = standin.userToken("alice");
    const grants = await (await fetch(`${base}/grants`, { headers: { authorization: `Bearer ${alice}` } })).json();
    assert.equal((await fetch(`${base}/grants?access_token=${alice}`, { headers: { authorization: "Bearer not-a-token-the-cluster-knows" } })).status, 401);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await fetch(`${base}/nothing`)).status, 404);
    const metrics = await fetch(`${base}/metrics`);
    assert.match(metrics.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    for (const line of [
      'camunda_authz_issues_total{outcome="issued",code=""} 1',
      'camunda_authz_issues_total{outcome="failed",code="ERR_ISSUER_PRINCIPAL"} 1',
      'camunda_authz_http_requests_total{route="/grants",status="200"} 1',
      'camunda_authz_http_requests_total{route="/grants",status="401"} 1',
      'camunda_authz_http_requests_total{route="other",status="404"} 1',
      "camunda_authz_issue_duration_seconds_count 2",
      "# TYPE camunda_authz_issue_duration_seconds histogram",
    ]) assert.ok(text.includes(line), `/metrics lacks ${line}:\n${text}`);
    assert.match(text, /^camunda_authz_upstream_requests_total [1-9]\d*$/m);
    assert.match(text, /^process_resident_memory_bytes \d+$/m);
    await new Promise((r) => setTimeout(r, 100));
    const lines = bin.output().split("\n").filter((l) => l.startsWith("{"));
    const entries = lines.map((l) => JSON.parse(l));
    const requests = entries.filter((e) => e.msg === "request");
    assert.deepEqual(requests.map((e) => `${e.path} ${e.status}`), ["/grants 200", "/grants 401", "/healthz 200", "/readyz 200", "/nothing 404", "/metrics 200"]);
    const [ok, refused] = requests;
    assert.equal(ok.subject, "alice");
    assert.equal(ok.level, "info");
    assert.equal(typeof ok.durationMs, "number");
    assert.equal(typeof ok.upstreamRequests, "number");
    assert.equal(ok.cached, false);
    assert.match(ok.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(refused.code, "ERR_ISSUER_PRINCIPAL");
    assert.equal(refused.level, "warn");
    assert.match(refused.message, /the cluster refused the user token/);
    for (const secret of [alice, grants.token, "not-a-token-the-cluster-knows", SERVICE_ACCOUNT.clientSecret, key.privateJwk.d]) assert.ok(!bin.output().includes(secret), "a token or secret in the log");
  });
});

test("SIGTERM drains: the request in flight is answered, then the process exits 0", async () => {
  await withBin(async (base, bin) => {
    standin.fail({ path: "/v2/authentication/me", delayMs: 800 });
    const slow = fetch(`${base}/grants`, { headers: { authorization: `Bearer ${standin.userToken("alice")}` } });
    await new Promise((r) => setTimeout(r, 200));
    bin.child.kill("SIGTERM");
    const res = await slow;
    assert.equal(res.status, 200, "answered although SIGTERM came while it was in flight");
    assert.ok((await res.json()).token);
    assert.equal(await bin.exited, 0);
    await assert.rejects(fetch(`${base}/healthz`), "no longer listening");
    assert.match(bin.output(), /"msg":"SIGTERM: draining \(1 request\(s\) in flight\)"/);
    assert.match(bin.output(), /"msg":"stopped"/);
  }).finally(() => standin.clearFailures());
});
