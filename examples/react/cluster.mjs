// The example's cluster and issuer: the Camunda stand-in (tests/camunda-standin/) holds data.mjs's
// cluster, user tasks included, and decides every user-task write by its own rules, as the
// Orchestration Cluster does; camunda-authz/issuer reads it as a real deployment reads its
// cluster. A persona signs in to the stand-in (its user token, as an identity provider would hand
// out), and the issuer turns that token into a grant set. `rotateKey` starts signing with a new
// key and publishes only that one; `revoke` changes an authorization in the cluster behind the
// issuer's back, as an administrator would.

import { randomUUID } from "node:crypto";
import { generateSigningKey } from "../../pkg/node.mjs";
import { createIssuer } from "../../pkg/issuer/node.js";
import { startStandin } from "../../tests/camunda-standin/index.mjs";
import { CLUSTER, makeTasks } from "./data.mjs";

const SERVICE_ACCOUNT = { clientId: "example-issuer", clientSecret: randomUUID() };
/** What the issuer's service account reads (and nothing more). */
const SERVICE_READS = ["AUTHORIZATION", "MAPPING_RULE", "GROUP", "ROLE", "TENANT", "USER"].map((resourceType) => ({
  ownerType: "CLIENT",
  ownerId: SERVICE_ACCOUNT.clientId,
  resourceType,
  resourceId: "*",
  permissionTypes: ["READ"],
}));

/**
 * Starts the stand-in; resolves `{ url, issue(personaId, { fresh }), userToken(personaId), jwks,
 * rotateKey(), revoke(persona, change), resetTasks(), close() }`.
 */
export async function startCluster({ issuer, audience, ttl }) {
  const standin = await startStandin({ ...CLUSTER, userTasks: makeTasks(), clients: [SERVICE_ACCOUNT], authorizations: [...CLUSTER.authorizations, ...SERVICE_READS] });
  const tokens = new Map(); // persona -> its user token (the stand-in's live an hour)
  const userToken = (personaId) => {
    if (!tokens.has(personaId)) tokens.set(personaId, standin.userToken(personaId));
    return tokens.get(personaId);
  };
  let rotations = 0;
  const issuerWith = (key) =>
    createIssuer({
      camunda: { restAddress: standin.url, auth: { strategy: "OAUTH", oauthUrl: standin.oauthUrl, ...SERVICE_ACCOUNT, audience: "orchestration-api" } },
      signingKey: key.privateJwk,
      issuer,
      audience,
      ttl,
      cluster: { authorizationsEnabled: true, multiTenancyEnabled: false, camundaVersion: "8.9" },
    });
  let current = issuerWith(generateSigningKey(`example-${Date.now().toString(36)}`));
  return {
    /** The stand-in's REST address, for the server to forward the page's user-task writes. */
    url: standin.url,
    userToken,
    /**
     * `{ token, payload, expiresAt }` for the persona, from its user token. `fresh`: read the
     * cluster again rather than the issuer's cache of it (after the cluster refused an action).
     */
    issue(personaId, { fresh = false } = {}) {
      if (fresh) current.clearCache();
      return current.issue({ userToken: userToken(personaId) });
    },
    /** Changes, in the cluster, the authorizations `match` selects: `change(authorization)` edits one in place. */
    revoke(match, change) {
      for (const a of standin.data.authorizations.filter(match)) change(a);
    },
    /** The user tasks as data.mjs has them (claims and completions undone). */
    resetTasks() {
      standin.data.userTasks.splice(0, Infinity, ...makeTasks());
    },
    /** The stand-in's schema violations (none expected). */
    get violations() {
      return standin.violations;
    },
    get jwks() {
      return current.jwks;
    },
    rotateKey() {
      rotations += 1;
      const key = generateSigningKey(`example-${Date.now().toString(36)}-r${rotations}`);
      current = issuerWith(key);
      return key.kid;
    },
    close: () => standin.close(),
  };
}
