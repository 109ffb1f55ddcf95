// The package's runtime entries after the bundlers that build for each runtime, with the import
// styles people write: the entries that load the WebAssembly module on import (workerd.js,
// edge-light.js, deno.js, node.mjs / node.cjs, and camunda-authz/issuer's) must still load it
// when a bundler has tree-shaken the program (issue 23: `"sideEffects": false` let Wrangler and
// esbuild drop workerd.js's `initSync(wasm)`, and every request of the README's Worker was a 401
// ERR_INIT).
//
// Each program is a module with a default `{ fetch }` that verifies a grant set it is sent and
// decides one task. It is bundled by
//   Wrangler (`wrangler deploy --dry-run --outdir`, as `wrangler deploy` uploads it), run in workerd;
//   esbuild as Wrangler calls it (support/runtimes.mjs bundleWorker), run in workerd;
//   esbuild for Vercel Edge (`edge-light` conditions, as Next.js does), run in Vercel's edge-runtime;
//   Vite's SSR build for Node.js, the package kept external (Vite's default) and bundled (ssr.noExternal);
// and sent a good grant set: it must answer 200 with the decision, not ERR_INIT.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as jose from "jose";
import { installPackage } from "./support/package.mjs";
import { bundleWorker, startEdge, startWorkerd, workerdConfig, workerdModules, wranglerBuild } from "./support/runtimes.mjs";

const ISSUER = "https://tasklist.example.com";
const TASK = { userTaskKey: "2251799813685301", processDefinitionId: "invoice", state: "CREATED", candidateGroups: ["sales"] };

// What every program does with the API it imported: verify the grant set it is sent, decide one task.
const DECIDE = `
const TASK = ${JSON.stringify(TASK)};
async function decide(request, api) {
  const { token, jwks } = await request.json();
  try {
    const authz = new api.Authorizer(api.verifyGrants(token, jwks, { issuer: ${JSON.stringify(ISSUER)}, audience: "tasklist" }));
    return Response.json({ claim: authz.can("claim", TASK), complete: authz.can("complete", TASK) });
  } catch (error) {
    return Response.json({ code: error?.code, message: String(error?.message ?? error) }, { status: 500 });
  }
}
`;

// The import styles: named imports, a namespace, the default export (init) with named imports,
// the search proxy, and the issuer's entry (which signs, so it needs the module too).
const PROGRAMS = {
  named: `import { verifyGrants, Authorizer } from "camunda-authz";
export default { fetch: (request) => decide(request, { verifyGrants, Authorizer }) };`,
  namespace: `import * as authz from "camunda-authz";
export default { fetch: (request) => decide(request, authz) };`,
  default: `import init, { verifyGrants, Authorizer } from "camunda-authz";
export default { async fetch(request) { await init(); return decide(request, { verifyGrants, Authorizer }); } };`,
  // The search proxy, made in the request as a Worker makes it from its env: making it checks the
  // static JWKS (ERR_INIT were the module not loaded), and a request without a grant set is a 401.
  proxy: `import { createSearchProxy, verifyGrants, Authorizer } from "camunda-authz";
export default {
  async fetch(request) {
    const body = await request.clone().json();
    const proxy = createSearchProxy({ upstream: "https://camunda.example.com", jwks: body.jwks, issuer: null, audience: null });
    const missing = await proxy(new Request("https://edge.example/v2/user-tasks/search", { method: "POST" }));
    if (missing.status !== 401) return new Response(await missing.text(), { status: 500 });
    return decide(request, { verifyGrants, Authorizer });
  },
};`,
  issuer: `import { generateSigningKey } from "camunda-authz/issuer";
import { signGrants, verifyGrants, Authorizer } from "camunda-authz";
export default {
  async fetch(request) {
    const body = await request.json();
    const key = generateSigningKey("k-1");
    const token = signGrants(body.payload, key.privateJwk, { ttl: 60, issuer: ${JSON.stringify(ISSUER)}, audience: "tasklist" });
    return decide(new Request("http://x/", { method: "POST", body: JSON.stringify({ token, jwks: key.jwks }) }), { verifyGrants, Authorizer });
  },
};`,
};

let setupPromise;
/** The installed package, one folder per program, and a grant set signed with jose. */
function setup() {
  setupPromise ??= (async () => {
    const { runDir } = await installPackage("run");
    for (const [name, code] of Object.entries(PROGRAMS)) {
      mkdirSync(join(runDir, name), { recursive: true });
      writeFileSync(join(runDir, name, "main.mjs"), `${code}\n${DECIDE}`);
    }
    const { publicKey, privateKey } = await jose.generateKeyPair("Ed25519", { extractable: true });
    const jwks = { keys: [{ ...(await jose.exportJWK(publicKey)), kid: "edge-1", alg: "EdDSA", use: "sig" }] };
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      ver: 1, camundaVersion: "8.9", sub: "demo", authorizationsEnabled: true, multiTenancyEnabled: false,
      principal: { type: "USER", id: "demo", groups: ["sales"] },
      authorizations: [{ ownerType: "GROUP", ownerId: "sales", resourceType: "USER_TASK", resourcePropertyName: "candidateGroups", permissionTypes: ["READ", "CLAIM"] }],
    };
    const token = await new jose.SignJWT({ ...payload, iss: ISSUER, aud: "tasklist", iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: "EdDSA", typ: "camunda-grants+jwt", kid: "edge-1" })
      .sign(privateKey);
    return { runDir, body: JSON.stringify({ token, jwks, payload }) };
  })();
  return setupPromise;
}

after(async () => {
  const s = await setupPromise?.catch(() => null);
  if (s) rmSync(s.runDir, { recursive: true, force: true });
});

/** The program's answer must be the decision (claim allowed, complete not), not an error. */
async function judge(res) {
  const text = await res.text();
  assert.equal(res.status, 200, `the program answered ${res.status}: ${text}`);
  assert.deepEqual(JSON.parse(text), { claim: true, complete: false });
}

/** Sends the program the grant set through `fetchFn(init)`. */
async function ask(fetchFn) {
  const { body } = await setup();
  return judge(await fetchFn({ method: "POST", headers: { "content-type": "application/json" }, body }));
}

/** Serves the modules in `dir` (workerd module entries) with workerd and asks it. */
async function inWorkerd(dir, modules) {
  writeFileSync(join(dir, "config.capnp"), workerdConfig({ modules }));
  const workerd = await startWorkerd(dir);
  try {
    await ask((init) => fetch(`${workerd.base}/`, init));
  } finally {
    await workerd.close();
  }
}

for (const name of Object.keys(PROGRAMS)) {
  test(`${name} imports: Wrangler's bundle, in workerd`, { timeout: 180_000 }, async () => {
    const { runDir } = await setup();
    const out = join(runDir, name, "wrangler");
    await inWorkerd(out, await wranglerBuild(join(runDir, name, "main.mjs"), out, { home: join(runDir, ".wrangler-home") }));
  });

  test(`${name} imports: esbuild as Wrangler runs it, in workerd`, async () => {
    const { runDir } = await setup();
    const out = join(runDir, name, "esbuild-workerd");
    await bundleWorker(join(runDir, name, "main.mjs"), out, { outfile: join(out, "main.js") });
    await inWorkerd(out, workerdModules(["main.js"], ["camunda_authz_bg.wasm"]));
  });

  test(`${name} imports: esbuild for Vercel Edge (edge-light), in edge-runtime`, async () => {
    const { runDir } = await setup();
    const { runtime } = await startEdge(join(runDir, name, "main.mjs"), {});
    await ask((init) => runtime.dispatchFetch("https://edge.example/", init));
  });

  for (const bundled of [false, true]) {
    test(`${name} imports: Vite's SSR build for Node.js, ${bundled ? "the package bundled (ssr.noExternal)" : "the package external"}`, async () => {
      const { runDir } = await setup();
      const { build } = await import("vite");
      const outDir = join(runDir, name, bundled ? "vite-ssr-bundled" : "vite-ssr");
      await build({
        root: join(runDir, name),
        configFile: false,
        logLevel: "silent",
        ssr: { noExternal: bundled ? true : [] },
        build: { ssr: "main.mjs", outDir, emptyOutDir: true, rollupOptions: { output: { entryFileNames: "main.mjs" } } },
      });
      const program = (await import(pathToFileURL(join(outDir, "main.mjs")).href)).default;
      await ask((init) => program.fetch(new Request("http://ssr.test/", init)));
    });
  }
}
