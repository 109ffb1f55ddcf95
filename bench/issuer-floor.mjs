// The floor under the issuer's latency: a Node.js process that does nothing but what any service
// in the issuer's place must do, for bench/issuer-load.mjs. For each `GET /grants` it makes the
// same requests to the cluster as the issuer does, with the same `fetch`, and answers their
// bodies: `?mode=cached` one (`GET /v2/authentication/me` with the caller's token), `?mode=uncached`
// two (that, then the user's own `POST /v2/authorizations/search` as the service account). No
// checks, no cache, no signature. Whatever its p99 adds to the stand-in's own is what this machine
// charges for one more process and one more hop at this concurrency, before the issuer's work.
// `&client=http` makes the same requests with node:http and a keep-alive agent instead of
// `fetch` (undici): the cheapest client Node.js has, which the issuer cannot use in every runtime.
//   STANDIN_URL, OAUTH_URL, CLIENT_ID, CLIENT_SECRET -> prints "listening on http://127.0.0.1:<port>/"
import { Agent, createServer, request } from "node:http";

const { STANDIN_URL, OAUTH_URL, CLIENT_ID, CLIENT_SECRET } = process.env;

const tokenResponse = await fetch(OAUTH_URL, {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
});
const serviceToken = (await tokenResponse.json()).access_token;

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** One request with node:http: `{ status, text }`. */
function httpRequest(url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d) => (text += d)).on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", reject).end(body);
  });
}

/** One request with fetch: `{ status, text }`. */
async function fetchRequest(url, init) {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text() };
}

async function answer(req) {
  const query = new URL(req.url, "http://floor").searchParams;
  const send = query.get("client") === "http" ? httpRequest : fetchRequest;
  const me = await send(`${STANDIN_URL}/v2/authentication/me`, { headers: { authorization: req.headers.authorization ?? "" } });
  if (query.get("mode") !== "uncached" || me.status !== 200) return { status: me.status, body: me.text };
  const search = await send(`${STANDIN_URL}/v2/authorizations/search`, {
    method: "POST",
    headers: { authorization: `Bearer ${serviceToken}`, "content-type": "application/json" },
    body: JSON.stringify({ filter: { ownerType: "USER", ownerId: JSON.parse(me.text).username }, page: { limit: 1000 } }),
  });
  return { status: search.status, body: `{"me":${me.text},"authorizations":${search.text}}` };
}

const server = createServer((req, res) => {
  answer(req).then(
    ({ status, body }) => res.writeHead(status, { "content-type": "application/json" }).end(body),
    () => res.writeHead(502).end(),
  );
});
server.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}/`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
