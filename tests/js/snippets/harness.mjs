// Runs README snippets inside one runtime (Node, Deno, workerd, Vercel's edge-runtime or a browser
// page), behind a fetch-style handler so the test drives every runtime the same way. Copied next
// to the generated block modules in the scratch project; it imports nothing itself: the entry of
// each runtime passes the two functions the `authz` fixture is made with (named imports, never the
// package's namespace, which would keep every module a bundler should drop) and the block loaders.
//
//   POST /run/ID   body: the fixture data (JSON)  -> { ok, fetchHandler, routes } or { ok: false, error }
//     sets the fixture globals (see fixtureGlobals), then imports the block's module once (and
//     calls its `__run()` when the test deferred its code into one, as for workerd)
//   ANY  /serve/ID/PATH                           -> the block's answer to PATH
//     a block whose default export has `fetch` gets (request, env); a block that registered
//     routes on the `app` fixture gets them called with an Express-like `req` and `res`

const json = (value, status = 200) => new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

export function makeHarness(api, loaders) {
  const served = new Map();
  return async function handle(request) {
    const url = new URL(request.url);
    const [, kind, id, ...rest] = url.pathname.split("/");
    if (kind === "run" && request.method === "POST" && loaders[id]) {
      const data = await request.json();
      const fixtures = fixtureGlobals(api, data);
      Object.defineProperties(globalThis, fixtures.descriptors);
      let module;
      try {
        module = await loaders[id]();
        if (typeof module.__run === "function") await module.__run();
      } catch (error) {
        return json({ ok: false, error: String(error?.message ?? error), name: error?.name, code: error?.code, stack: String(error?.stack ?? "") });
      }
      const handler = typeof module.default?.fetch === "function" ? module.default : null;
      served.set(id, { handler, routes: fixtures.routes, env: data.env, user: data.user });
      return json({ ok: true, fetchHandler: handler !== null, routes: fixtures.routes.map((r) => `${r.method} ${r.path}`) });
    }
    const block = kind === "serve" ? served.get(id) : undefined;
    if (block === undefined) return json({ error: `nothing at ${url.pathname}` }, 404);
    const target = new URL(`/${rest.join("/")}${url.search}`, url);
    const body = ["GET", "HEAD"].includes(request.method) ? undefined : await request.text();
    try {
      if (block.handler) return await block.handler.fetch(new Request(target, { method: request.method, headers: request.headers, body }), block.env);
      const route = block.routes.find((r) => r.method === request.method && r.path === target.pathname);
      if (!route) return json({ error: `no route ${request.method} ${target.pathname}` }, 404);
      return await expressCall(route.handler, { method: request.method, url: target, headers: request.headers, body, user: block.user });
    } catch (error) {
      // What a server answers for an exception (Deno's and workerd's say only "Internal Server Error").
      return new Response(`uncaught ${error?.stack ?? error}`, { status: 500 });
    }
  };
}

/**
 * The fixture bindings every block sees as globals (its own declarations shadow them):
 * token, jwks, tasks, task, upstream, authz (built on first use, so a browser block still needs
 * its `await init()`), render, app, camundaAuthorizationsOf, env. docs/snippets.md lists them.
 * `api` is `{ Authorizer, verifyGrants }` as the runtime's entry imported them.
 */
export function fixtureGlobals(api, data) {
  const tasks = structuredClone(data.tasks);
  const routes = [];
  const render = (...args) => void render.calls.push(args);
  render.calls = [];
  let authz;
  const values = {
    token: data.token,
    jwks: structuredClone(data.jwks),
    tasks,
    task: tasks[data.taskIndex],
    upstream: new Response(data.searchText, { headers: { "content-type": "application/json" } }),
    render,
    app: Object.fromEntries(["get", "post", "put", "delete"].map((m) => [m, (path, handler) => void routes.push({ method: m.toUpperCase(), path, handler })])),
    camundaAuthorizationsOf: async () => structuredClone(data.authorizations),
    env: data.env,
  };
  const descriptors = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { value, writable: true, configurable: true }]));
  descriptors.authz = {
    configurable: true,
    get: () => (authz ??= new api.Authorizer(api.verifyGrants(data.token, data.jwks, { issuer: data.issuer, audience: data.audience }))),
  };
  return { descriptors, routes };
}

/** Calls an Express-style route handler; resolves the Response it sends. */
function expressCall(handler, { method, url, headers, body, user }) {
  return new Promise((resolve, reject) => {
    let status = 200;
    const res = {
      status(code) {
        status = code;
        return res;
      },
      json: (value) => resolve(json(value, status)),
      send: (value) => resolve(typeof value === "string" ? new Response(value, { status }) : json(value, status)),
    };
    const req = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: Object.fromEntries(headers), body, user };
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(reject);
  });
}
