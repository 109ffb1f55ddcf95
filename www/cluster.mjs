// The demo's cluster: the Camunda stand-in (tests/camunda-standin/) holding the sample data of
// data.mjs, and the package's issuer (camunda-authz/issuer) reading it the way a real deployment
// reads a real Orchestration Cluster. A persona signs in to the stand-in (its user token, with
// the persona's claims, as an identity provider would hand out), and the issuer turns that token
// into a grant set: memberships from /v2/authentication/me, mapping rules matched against the
// token's claims, then every owner's authorizations from /v2/authorizations/search. The API
// client persona has no user token: the issuer enumerates its memberships with the service
// account. `decide` is the stand-in's own rule for what the cluster would allow (its
// tests/camunda-standin/tasks.mjs, written from Camunda's documentation and engine, not from
// camunda-authz): the demo's end-to-end test takes what the page should show from it.

import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";

const STANDIN = new URL("../tests/camunda-standin/index.mjs", import.meta.url);
const STANDIN_RULES = new URL("../tests/camunda-standin/tasks.mjs", import.meta.url);
const SERVICE_ACCOUNT = "demo-issuer";

/** What the issuer's service account needs to read (and nothing more). */
const SERVICE_READS = ["AUTHORIZATION", "MAPPING_RULE", "GROUP", "ROLE", "TENANT", "USER"].map((resourceType) => ({
  ownerType: "CLIENT",
  ownerId: SERVICE_ACCOUNT,
  resourceType,
  resourceId: "*",
  permissionTypes: ["READ"],
}));

/** data.mjs in the stand-in's form. */
function clusterData(data) {
  const clientIds = new Set(data.CLIENTS.map((c) => c.clientId));
  return {
    users: data.USERS.map(({ username, name, email }) => ({ username, name, email })),
    clients: [{ clientId: SERVICE_ACCOUNT, clientSecret: randomUUID() }, ...data.CLIENTS.map((c) => ({ clientId: c.clientId, clientSecret: randomUUID() }))],
    groups: data.GROUPS.map((g) => ({ groupId: g.groupId, name: g.name, users: g.users ?? [], clients: g.clients ?? [] })),
    roles: data.ROLES.map((r) => ({ roleId: r.roleId, name: r.name, users: r.users ?? [], clients: r.clients ?? [], groups: r.groups ?? [], mappingRules: r.mappingRules ?? [] })),
    tenants: data.TENANTS.map((t) => {
      const members = data.TENANT_MEMBERS[t.tenantId] ?? [];
      return { tenantId: t.tenantId, name: t.name, users: members.filter((m) => !clientIds.has(m)), clients: members.filter((m) => clientIds.has(m)) };
    }),
    mappingRules: data.MAPPING_RULES.map((r) => ({ ...r, name: r.mappingRuleId })),
    authorizations: [...data.AUTHORIZATIONS.map((a) => ({ ...a })), ...SERVICE_READS],
    userTasks: [],
  };
}

/**
 * Starts the stand-in and returns `{ url, issue(persona), close() }`. `issue` resolves to the
 * issuer's `{ token, payload, expiresAt }`; grant sets are signed with `signingKey` for
 * `issuer` and `audience`, with the persona's cluster flags.
 */
export async function startCluster(data, { signingKey, issuer, audience, ttl }) {
  if (!existsSync(STANDIN)) throw new Error("the Camunda stand-in (tests/camunda-standin/) is missing");
  const [{ startStandin }, { allowed }, { createIssuer }] = await Promise.all([import(STANDIN.href), import(STANDIN_RULES.href), import("../pkg/issuer/node.js")]);
  const cluster = clusterData(data);
  const standin = await startStandin(cluster);
  const service = cluster.clients[0];
  const issuers = new Map(); // one per set of cluster flags: they are configuration, not data
  const issuerFor = ({ authorizationsEnabled, multiTenancyEnabled }) => {
    const key = `${authorizationsEnabled}/${multiTenancyEnabled}`;
    if (!issuers.has(key)) {
      issuers.set(
        key,
        createIssuer({
          camunda: { restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, clientId: service.clientId, clientSecret: service.clientSecret, audience: "orchestration-api" } },
          signingKey,
          issuer,
          audience,
          ttl,
          cluster: { authorizationsEnabled, multiTenancyEnabled, camundaVersion: "8.9" },
        }),
      );
    }
    return issuers.get(key);
  };
  // A persona's sign-in to the stand-in: one user token (it lives an hour), used for half of that.
  const signedIn = new Map(); // persona id -> { token, until (ms) }
  const userToken = (persona) => {
    const held = signedIn.get(persona.id);
    if (held && held.until > Date.now()) return held.token;
    const token = standin.userToken(persona.principal.id, persona.claims ?? {});
    signedIn.set(persona.id, { token, until: Date.now() + 30 * 60e3 });
    return token;
  };
  return {
    url: standin.url,
    issue(persona) {
      const { type, id } = persona.principal;
      const request = type === "CLIENT" ? { clientId: id } : { userToken: userToken(persona) };
      return issuerFor(persona.cluster).issue(request);
    },
    /** Would the stand-in's cluster, with the persona's flags, accept `operation` on `task` from it. */
    decide(persona, operation, task) {
      const { type, id } = persona.principal;
      // The claims of the persona's user token (standin.userToken), which its mapping rules read.
      const caller = standin.caller(type === "CLIENT" ? { clientId: id } : { username: id, claims: { sub: id, preferred_username: id, ...(persona.claims ?? {}) } });
      return allowed({ ...standin.data, ...persona.cluster }, caller, operation, task);
    },
    close: () => standin.close(),
  };
}
