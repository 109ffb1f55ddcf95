// Camunda requests per issued grant set: 1,000 users in three roles (one held directly, one
// through a group, one through a mapping rule), issued through createIssuer against the
// Camunda stand-in over real HTTP, once by username (memberships enumerated by the service
// account), once by user token (GET /v2/authentication/me), and on 8.10 by user token with the
// cluster resolving (/me and the own-authorizations search, as the user, no service account).
// Prints the requests per grant set, OAuth token requests, and the time per grant set at 1 and
// 20 in flight.
//   node bench/issuer.mjs [--users N]
import { startStandin } from "../tests/camunda-standin/index.mjs";
import { SERVICE_ACCOUNT, serviceAccountAuthorizations } from "../tests/camunda-standin/population.mjs";

const PKG = new URL("../pkg/", import.meta.url);
const lib = await import(new URL("node.mjs", PKG).href);
const { createIssuer } = await import(new URL("issuer/node.js", PKG).href);

const flag = process.argv.indexOf("--users");
const N = flag === -1 ? 1000 : Number(process.argv[flag + 1]);
const users = Array.from({ length: N }, (_, i) => `user-${i}`);
const regionOf = (i) => (i % 3 === 2 ? "eu" : "us");
const data = {
  users: users.map((username) => ({ username })),
  clients: [SERVICE_ACCOUNT],
  groups: [{ groupId: "approvers", users: users.filter((_, i) => i % 3 === 1) }],
  mappingRules: [{ mappingRuleId: "eu-staff", claimName: "$.region", claimValue: "eu" }],
  roles: [
    { roleId: "task-worker", users: users.filter((_, i) => i % 3 === 0) },
    { roleId: "approver", groups: ["approvers"] },
    { roleId: "eu-clerk", mappingRules: ["eu-staff"] },
  ],
  authorizations: [
    ...serviceAccountAuthorizations(),
    ...lib.TASK_WORKER_ROLE.map((a) => ({ ...a, permissionTypes: [...a.permissionTypes] })),
    { ownerType: "ROLE", ownerId: "approver", resourceType: "PROCESS_DEFINITION", resourceId: "invoice", permissionTypes: ["READ_USER_TASK", "UPDATE_USER_TASK"] },
    { ownerType: "ROLE", ownerId: "eu-clerk", resourceType: "PROCESS_DEFINITION", resourceId: "*", permissionTypes: ["READ_USER_TASK"] },
  ],
};
const standin = await startStandin(data);
const standin810 = await startStandin({ ...data, camundaVersion: "8.10" });
const key = lib.generateSigningKey("bench-1");

async function measure(label, request, concurrency, on = standin) {
  const issuer = createIssuer({
    camunda: on === standin ? { restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...SERVICE_ACCOUNT } } : { restAddress: on.url, auth: { strategy: "NONE" } },
    signingKey: key.privateJwk,
    issuer: "https://tasklist.example.com",
    audience: "tasklist",
    ...(on === standin ? {} : { cluster: { camundaVersion: "8.10" } }),
  });
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < N) {
        const i = next++;
        await issuer.issue(request(i));
      }
    }),
  );
  const ms = performance.now() - start;
  const perSet = issuer.stats.requests / N;
  console.log(
    `${label.padEnd(64)} ${String(concurrency).padStart(2)} in flight: ${perSet.toFixed(3)} Camunda requests per grant set (${issuer.stats.requests} for ${N}), ${issuer.stats.tokenRequests} OAuth token request(s), ${(ms / N).toFixed(2)} ms per grant set`,
  );
}

console.log(`issuer: ${N} users in three roles (direct, through a group, through a mapping rule), against the Camunda stand-in over HTTP`);
for (const concurrency of [1, 20]) {
  await measure("by username (memberships enumerated)", (i) => ({ username: users[i], claims: { sub: users[i], region: regionOf(i) } }), concurrency);
  const tokens = users.map((u, i) => standin.userToken(u, { region: regionOf(i) }));
  await measure("by user token (/v2/authentication/me)", (i) => ({ userToken: tokens[i] }), concurrency);
  const tokens810 = users.map((u, i) => standin810.userToken(u, { region: regionOf(i) }));
  await measure("8.10, by user token (the cluster resolves, no service account)", (i) => ({ userToken: tokens810[i] }), concurrency, standin810);
}
standin.assertClean();
standin810.assertClean();
await Promise.all([standin.close(), standin810.close()]);
