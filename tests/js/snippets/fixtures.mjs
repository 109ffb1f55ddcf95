// The fixture data behind the names README snippets may use without defining them (the list is
// in docs/snippets.md), made independently of the package: the grant set is signed with jose.
// Also the stand-in for the Orchestration Cluster (`env.CAMUNDA`): a server on 127.0.0.1 that
// answers POST /v2/user-tasks/search with the search response and records what it was sent.
import { createServer } from "node:http";
import * as jose from "jose";

export const ISSUER = "https://tasklist.example.com";
export const AUDIENCE = "tasklist";
export const USER = { name: "demo", groups: ["sales"] };

// The `task-worker` role: read, claim and complete the tasks the principal is a candidate for or assigned to.
const AUTHORIZATIONS = ["assignee", "candidateUsers", "candidateGroups"].map((resourcePropertyName) => ({
  ownerType: "ROLE",
  ownerId: "task-worker",
  resourceType: "USER_TASK",
  resourcePropertyName,
  permissionTypes: ["READ", "CLAIM", "COMPLETE"],
}));

const task = (key, fields) => ({
  userTaskKey: key,
  name: "Review invoice",
  state: "CREATED",
  processDefinitionId: "invoice",
  processDefinitionKey: "2251799813685100",
  processInstanceKey: "2251799813685200",
  elementId: "review",
  tenantId: "<default>",
  creationDate: "2026-11-23T10:00:00.000Z",
  candidateUsers: [],
  candidateGroups: [],
  ...fields,
});

// The principal `demo` (group `sales`, role `task-worker`) may see and claim 1 and 3, not 2 and 4.
const TASKS = [
  task("2251799813685301", { candidateGroups: ["sales"] }),
  task("2251799813685302", { candidateGroups: ["accounting"] }),
  task("2251799813685303", { assignee: "demo" }),
  task("2251799813685304", { candidateUsers: ["someone-else"] }),
];
export const VISIBLE = [TASKS[0], TASKS[2]];
/** The bearer token of the cluster's shared reader (a service account), as a Worker's secret holds it. */
export const SERVICE_TOKEN = "service-account-token";
export const SEARCH = { items: TASKS, page: { totalItems: 4, startCursor: "WzFd", endCursor: "WzRd", hasMoreTotalItems: false } };

/** The fixture data (sent to every runtime's harness) and the fake cluster; `close()` stops it. */
export async function makeFixtures() {
  const { publicKey, privateKey } = await jose.generateKeyPair("Ed25519", { extractable: true });
  const jwks = { keys: [{ ...(await jose.exportJWK(publicKey)), kid: "key-2026-11", alg: "EdDSA", use: "sig" }] };
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    ver: 1,
    camundaVersion: "8.9",
    sub: USER.name,
    authorizationsEnabled: true,
    multiTenancyEnabled: false,
    principal: { type: "USER", id: USER.name, groups: USER.groups, roles: ["task-worker"] },
    authorizations: AUTHORIZATIONS,
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + 900,
  };
  const token = await new jose.SignJWT(payload).setProtectedHeader({ alg: "EdDSA", typ: "camunda-grants+jwt", kid: "key-2026-11" }).sign(privateKey);
  const cluster = await fakeCluster(JSON.stringify(SEARCH));
  const data = {
    token,
    jwks,
    tasks: TASKS,
    taskIndex: 0,
    searchText: JSON.stringify(SEARCH),
    issuer: ISSUER,
    audience: AUDIENCE,
    user: USER,
    authorizations: AUTHORIZATIONS,
    env: { JWKS: JSON.stringify(jwks), ISSUER, CAMUNDA: cluster.url, CAMUNDA_TOKEN: SERVICE_TOKEN },
  };
  return { data, cluster };
}

function fakeCluster(searchText) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (d) => (body += d));
    req.on("end", () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      if (req.method === "POST" && req.url === "/v2/user-tasks/search") res.writeHead(200, { "content-type": "application/json" }).end(searchText);
      else res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ title: "NOT_FOUND" }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      resolve({ url: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => {
          server.close(r);
          server.closeAllConnections();
        }) });
    }),
  );
}
