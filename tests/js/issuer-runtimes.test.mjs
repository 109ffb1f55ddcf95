// The issuer as a user installs it (`npm pack` of pkg/, installed offline into a scratch project
// under .cache/runtimes/ by tests/js/support/package.mjs), importing `camunda-authz/issuer` by name so the package's own
// conditions pick the entry: Deno (only --allow-net to the stand-in and --allow-env), workerd (a
// Worker bundled as Wrangler does, serving the grants endpoint), Vercel's edge-runtime (bundled as
// Next.js does), `npx camunda-authz issuer`, a strict TypeScript consumer, and a browser bundle,
// which must get the entry that refuses to run.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStandin } from "../camunda-standin/index.mjs";
import { SERVICE_ACCOUNT } from "../camunda-standin/population.mjs";
import { startIssuerBin } from "./support/issuer-bin.mjs";
import { AUD, binEnv, ISS, salesPopulation } from "./support/issuer-population.mjs";
import { CACHE, installPackage, PKG } from "./support/package.mjs";
import { run as runFor, runOk as runOkFor } from "./support/run.mjs";
import { BIN, bundleWorker, denoEnv, inputsOf, startEdge, startWorkerd, workerdConfig, workerdModules } from "./support/runtimes.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
let RUN;
const lib = await import(new URL("../../pkg/node.mjs", import.meta.url).href);

const data = salesPopulation({
  mappingRules: [{ mappingRuleId: "eu", claimName: "$.region", claimValue: "eu" }],
  authorizations: [{ ownerType: "MAPPING_RULE", ownerId: "eu", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK"] }],
});
const EXPECTED = { type: "USER", id: "alice", groups: ["sales"], roles: ["task-worker"], tenants: [], mappingRules: ["eu"] };
let standin;
const key = lib.generateSigningKey("runtime-1");

// The commands here (Deno, tsc) get 90 s.
const run = (cmd, args, opts) => runFor(cmd, args, { timeout: 90_000, ...opts });
const runOk = (cmd, args, opts) => runOkFor(cmd, args, { timeout: 90_000, ...opts });

before(async () => {
  assert.ok(existsSync(join(PKG, "issuer", "index.js")), "pkg/ is missing the issuer: run ./x build first");
  standin = await startStandin(data);
  ({ runDir: RUN } = await installPackage("issuer"));
});

after(async () => {
  await standin?.close();
  if (RUN) rmSync(RUN, { recursive: true, force: true });
});

/** The grant set verifies and names alice's memberships. */
function judge(token, jwks, where) {
  const grants = lib.verifyGrants(token, jwks, { issuer: ISS, audience: AUD });
  assert.deepEqual(grants.payload.principal, EXPECTED, `${where}: memberships`);
  assert.equal(grants.payload.authorizations.length, 2, `${where}: authorizations`);
}

test("Deno: createIssuer from CAMUNDA_* variables, issue by name and by user token, the handler", async () => {
  writeFileSync(
    join(RUN, "deno-issuer.mjs"),
    `import { createIssuer, createIssuerHandler } from "camunda-authz/issuer";
const [signingKey, userToken] = [JSON.parse(Deno.args[0]), Deno.args[1]];
const issuer = createIssuer({ signingKey, issuer: ${JSON.stringify(ISS)}, audience: ${JSON.stringify(AUD)} });
const byName = await issuer.issue({ username: "alice", claims: { region: "eu" } });
const res = await createIssuerHandler(issuer)(new Request("http://localhost/grants", { headers: { authorization: "Bearer " + userToken } }));
console.log(JSON.stringify({ byName: byName.token, isDate: byName.expiresAt instanceof Date, status: res.status, body: await res.json(), jwks: issuer.jwks }));
`,
  );
  const host = new URL(standin.url).host;
  const env = { CAMUNDA_REST_ADDRESS: standin.url, CAMUNDA_OAUTH_URL: standin.oauthUrl, CAMUNDA_CLIENT_ID: SERVICE_ACCOUNT.clientId, CAMUNDA_CLIENT_SECRET: SERVICE_ACCOUNT.clientSecret };
  const r = await runOk(
    join(BIN, "deno"),
    ["run", "--no-prompt", "--no-lock", "--cached-only", `--allow-net=${host}`, `--allow-env=${Object.keys(env).join(",")}`, "deno-issuer.mjs", JSON.stringify(key.privateJwk), standin.userToken("alice", { region: "eu" })],
    { cwd: RUN, env: { ...env, ...denoEnv(join(CACHE, "deno")) } },
  );
  const out = JSON.parse(r.stdout.trim().split("\n").at(-1));
  assert.equal(out.isDate, true);
  assert.equal(out.status, 200);
  judge(out.byName, out.jwks, "deno, by name");
  judge(out.body.token, out.jwks, "deno, handler");
  standin.assertClean();
});

test("workerd: a Worker serving the grants endpoint and the JWKS, configured by its bindings", async () => {
  const out = join(RUN, "workerd");
  writeFileSync(
    join(RUN, "issuer-worker.mjs"),
    `import { createIssuer, createIssuerHandler } from "camunda-authz/issuer";
let handle;
export default {
  fetch(request, env) {
    handle ??= createIssuerHandler(createIssuer({ env, signingKey: JSON.parse(env.SIGNING_KEY), issuer: env.ISSUER, audience: env.AUDIENCE }), {
      onError: (error) => console.error(error.stack),
    });
    return handle(request);
  },
};
`,
  );
  const built = await bundleWorker(join(RUN, "issuer-worker.mjs"), out, { outfile: join(out, "worker.js") });
  const inputs = inputsOf(built.metafile);
  assert.ok(inputs.includes("camunda-authz/issuer/workerd.js"), "the workerd entry");
  assert.ok(!inputs.some((p) => /node-http|bin\.js/.test(p)), "nothing of Node.js in the Worker");
  const text = (name, value) => `(name = "${name}", text = ${JSON.stringify(value)})`;
  const bindings = [
    text("CAMUNDA_REST_ADDRESS", standin.url),
    text("CAMUNDA_OAUTH_URL", standin.oauthUrl),
    text("CAMUNDA_CLIENT_ID", SERVICE_ACCOUNT.clientId),
    text("CAMUNDA_CLIENT_SECRET", SERVICE_ACCOUNT.clientSecret),
    text("SIGNING_KEY", JSON.stringify(key.privateJwk)),
    text("ISSUER", ISS),
    text("AUDIENCE", AUD),
  ];
  const modules = workerdModules(["worker.js"], ["camunda_authz_bg.wasm"]);
  writeFileSync(join(out, "config.capnp"), workerdConfig({ modules, bindings, outbound: true }));
  const workerd = await startWorkerd(out);
  try {
    const { base } = workerd;
    const jwks = await (await fetch(`${base}/.well-known/camunda-grants-jwks.json`)).json();
    const res = await fetch(`${base}/grants`, { headers: { authorization: `Bearer ${standin.userToken("alice", { region: "eu" })}` } });
    assert.equal(res.status, 200, `${await res.clone().text()}\n${workerd.output()}`);
    assert.equal(res.headers.get("cache-control"), "no-store");
    judge((await res.json()).token, jwks, "workerd");
    const refused = await fetch(`${base}/grants`, { headers: { authorization: "Bearer nope" } });
    assert.equal(refused.status, 401);
  } finally {
    await workerd.close();
  }
  standin.assertClean();
});

test("Vercel edge-runtime: an Edge route serving grants, bundled as Next.js does", async () => {
  writeFileSync(
    join(RUN, "issuer-edge.mjs"),
    `import { createIssuer, createIssuerHandler } from "camunda-authz/issuer";
const issuer = createIssuer({ env: process.env, signingKey: JSON.parse(process.env.SIGNING_KEY), issuer: process.env.ISSUER, audience: "tasklist" });
export default createIssuerHandler(issuer, { grantsPath: "/api/grants" });
`,
  );
  const env = { CAMUNDA_REST_ADDRESS: standin.url, CAMUNDA_OAUTH_URL: standin.oauthUrl, CAMUNDA_CLIENT_ID: SERVICE_ACCOUNT.clientId, CAMUNDA_CLIENT_SECRET: SERVICE_ACCOUNT.clientSecret, SIGNING_KEY: JSON.stringify(key.privateJwk), ISSUER: ISS };
  const { built, runtime } = await startEdge(join(RUN, "issuer-edge.mjs"), { "process.env": JSON.stringify(env) });
  const inputs = inputsOf(built.metafile);
  assert.ok(inputs.includes("camunda-authz/issuer/edge-light.js"), "the edge-light entry");
  const jwks = await (await runtime.dispatchFetch("https://edge.example/.well-known/camunda-grants-jwks.json")).json();
  const res = await runtime.dispatchFetch("https://edge.example/api/grants", { headers: { authorization: `Bearer ${standin.userToken("alice", { region: "eu" })}` } });
  assert.equal(res.status, 200, await res.clone().text());
  judge((await res.json()).token, jwks, "edge-runtime");
  standin.assertClean();
});

test("npx camunda-authz issuer: the installed bin serves grants", async () => {
  const keyFile = join(RUN, "issuer-key.json");
  writeFileSync(keyFile, JSON.stringify(key.privateJwk));
  const env = binEnv(standin, { CAMUNDA_BASIC_AUTH_USERNAME: "unused", npm_config_cache: join(CACHE, "npm-cache") });
  // In its own process group: npx starts the bin as a child, and both are stopped together.
  const bin = startIssuerBin("npx", ["--offline", "--no-install", "camunda-authz", "issuer", "--key", keyFile, "--port", "0"], { cwd: RUN, env: { ...process.env, ...env }, detached: true });
  try {
    const base = await bin.started;
    const jwks = await (await fetch(`${base}/.well-known/camunda-grants-jwks.json`)).json();
    const res = await fetch(`${base}/grants`, { method: "POST", headers: { authorization: `Bearer ${standin.userToken("alice", { region: "eu" })}` } });
    assert.equal(res.status, 200, await res.clone().text());
    judge((await res.json()).token, jwks, "npx");
  } finally {
    try {
      process.kill(-bin.child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  await bin.exited;
});

test("a browser bundle gets the issuer's refusing entry, which throws a clear AuthzError", async () => {
  const esbuild = await import("esbuild");
  // Every function the issuer's entry exports has its refusing twin (a name missing here is a
  // bundler error in the app, not the clear refusal).
  writeFileSync(join(RUN, "browser-app.mjs"), `import { createIssuer, auditGrants } from "camunda-authz/issuer";\nexport { createIssuer, auditGrants };\n`);
  const built = await esbuild.build({ entryPoints: [join(RUN, "browser-app.mjs")], bundle: true, format: "esm", platform: "browser", write: false, metafile: true, logLevel: "silent" });
  const inputs = inputsOf(built.metafile);
  assert.ok(inputs.includes("camunda-authz/issuer/browser.js"));
  assert.ok(!inputs.includes("camunda-authz/issuer/issuer.js"), "no issuer code in a browser bundle");
  const file = join(RUN, "browser-bundle.mjs");
  writeFileSync(file, built.outputFiles[0].text);
  // Loading it throws; where a bundler dropped the module's top level (the package has no side
  // effects), calling it does.
  const refused = (error) => error.name === "AuthzError" && /never in a browser/.test(error.message);
  let loaded;
  try {
    loaded = await import(file);
  } catch (error) {
    assert.ok(refused(error), String(error));
  }
  if (loaded) assert.throws(() => loaded.createIssuer({}), refused);
  assert.equal(readFileSync(file, "utf8").includes("client_secret"), false);
});

test("TypeScript: a strict consumer of camunda-authz/issuer, with Node.js types (nodenext) and without (bundler)", async () => {
  const dir = join(RUN, "types-issuer");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "consumer.ts"),
    `import { createIssuer, createIssuerHandler, generateSigningKey, keyRing, AuthzError } from "camunda-authz/issuer";
import type { IssuedGrants, IssuerOptions } from "camunda-authz/issuer";
const key = generateSigningKey("k");
const options: IssuerOptions = {
  camunda: { restAddress: "https://c.example", auth: { strategy: "OAUTH", oauthUrl: "https://idp/token", clientId: "a", clientSecret: "b" } },
  signingKey: key.privateJwk, issuer: "https://x", audience: "tasklist", cluster: { multiTenancyEnabled: true }, resourceTypes: ["USER_TASK"],
};
const issuer = createIssuer(options);
const rotated = createIssuer({ ...keyRing({ keys: [key.privateJwk] }), issuer: "https://x", audience: ["a", "b"] });
export const handler: (request: Request) => Promise<Response> = createIssuerHandler(issuer, { jwksMaxAge: 60 });
export async function expires(userToken: string): Promise<Date> {
  try {
    const issued: IssuedGrants = await issuer.issue({ userToken });
    const roles: readonly string[] | undefined = issued.payload.principal.roles;
    void roles;
    return issued.expiresAt;
  } catch (error) {
    if (error instanceof AuthzError && (error.code === "ERR_ISSUER_UPSTREAM" || error.code === "ERR_ISSUER_PRINCIPAL")) return new Date(0);
    throw error;
  }
}
void rotated.issue({ username: "alice", claims: { groups: ["sales"] } });
// @ts-expect-error: a strategy Camunda does not have
createIssuer({ ...options, camunda: { restAddress: "x", auth: { strategy: "KERBEROS" } } });
`,
  );
  writeFileSync(
    join(dir, "node-only.ts"),
    `import { createServer } from "node:http";
import { toNodeListener } from "camunda-authz/issuer";
import { handler } from "./consumer.js";
createServer(toNodeListener(handler));
`,
  );
  const base = { strict: true, noEmit: true, target: "es2022", skipLibCheck: false, exactOptionalPropertyTypes: true };
  const projects = {
    "tsconfig.node.json": { compilerOptions: { ...base, module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"], types: ["node"], typeRoots: [join(HERE, "node_modules", "@types")] }, files: ["consumer.ts", "node-only.ts"] },
    "tsconfig.bundler.json": { compilerOptions: { ...base, module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"], types: [] }, files: ["consumer.ts"] },
  };
  for (const [name, config] of Object.entries(projects)) {
    writeFileSync(join(dir, name), JSON.stringify(config));
    const r = await run(join(BIN, "tsc"), ["-p", join(dir, name)], { cwd: dir });
    assert.equal(r.code, 0, `tsc -p ${name}:\n${r.stdout}${r.stderr}`);
  }
});
