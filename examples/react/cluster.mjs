// The example's issuer: camunda-authz/issuer reading the Camunda stand-in (tests/camunda-standin/)
// that holds data.mjs's cluster, as a real deployment reads its Orchestration Cluster. A persona
// signs in to the stand-in (its user token, as an identity provider would hand out), and the
// issuer turns that token into a grant set. `rotateKey` starts signing with a new key and
// publishes only that one.

import { randomUUID } from "node:crypto";
import { generateSigningKey } from "../../pkg/node.mjs";
import { createIssuer } from "../../pkg/issuer/node.js";
import { startStandin } from "../../tests/camunda-standin/index.mjs";
import { CLUSTER } from "./data.mjs";

const SERVICE_ACCOUNT = { clientId: "example-issuer", clientSecret: randomUUID() };
/** What the issuer's service account reads (and nothing more). */
const SERVICE_READS = ["AUTHORIZATION", "MAPPING_RULE", "GROUP", "ROLE", "TENANT", "USER"].map((resourceType) => ({
  ownerType: "CLIENT",
  ownerId: SERVICE_ACCOUNT.clientId,
  resourceType,
  resourceId: "*",
  permissionTypes: ["READ"],
}));

/** Starts the stand-in; resolves `{ issue(personaId), jwks, rotateKey(), close() }`. */
export async function startCluster({ issuer, audience, ttl }) {
  const standin = await startStandin({ ...CLUSTER, clients: [SERVICE_ACCOUNT], authorizations: [...CLUSTER.authorizations, ...SERVICE_READS] });
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
    /** `{ token, payload, expiresAt }` for the persona, from its user token. */
    issue: (personaId) => current.issue({ userToken: standin.userToken(personaId) }),
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
