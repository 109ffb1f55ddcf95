// An edge app of search proxies, one per configuration under test, each at its own path prefix
// (`/NAME/v2/user-tasks/search`), for tests/js/edge-proxy.test.mjs: run in Node.js over HTTP and
// in workerd as a Worker that Wrangler bundled. `env`: CAMUNDA (the stand-in's REST address),
// JWKS (text), JWKS_URL, SERVICE_TOKEN (a bearer token of the stand-in's shared reader).
import { createSearchProxy } from "camunda-authz";

export function makeApp(env) {
  const base = { upstream: env.CAMUNDA, issuer: "https://tasklist.example.com", audience: "tasklist", timeout: 2 };
  const shared = () => ({ authorization: `Bearer ${env.SERVICE_TOKEN}` });
  const errors = [];
  const proxies = {
    own: createSearchProxy({ ...base, jwks: env.JWKS }),
    fill: createSearchProxy({ ...base, jwks: env.JWKS, credentials: shared, onError: (e) => errors.push(`${e.status} ${e.code}`) }),
    bounded: createSearchProxy({ ...base, jwks: env.JWKS, credentials: shared, maxUpstreamPages: 2 }),
    rotating: createSearchProxy({ ...base, jwksUrl: env.JWKS_URL, credentials: shared, jwksCooldown: 0 }),
    stale: createSearchProxy({ ...base, jwksUrl: env.JWKS_URL, credentials: shared, jwksMaxAge: 1, jwksCooldown: 0.8 }),
    bound: createSearchProxy({ ...base, jwks: env.JWKS, credentials: shared, expectSubject: (request) => request.headers.get("x-user") ?? "" }),
    small: createSearchProxy({ ...base, jwks: env.JWKS, credentials: shared, maxRequestBytes: 256 }),
    nowhere: createSearchProxy({ ...base, upstream: env.NOWHERE, jwks: env.JWKS, credentials: shared }),
  };
  return (request) => {
    const name = new URL(request.url).pathname.split("/")[1];
    if (name === "errors") return Response.json(errors.splice(0));
    const proxy = proxies[name];
    return proxy ? proxy(request) : new Response("no such proxy", { status: 404 });
  };
}
