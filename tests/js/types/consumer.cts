// CommonJS consumer: `require` resolves the package's "node" + "require" entry and the same types.
import lib = require("camunda-authz");

const { Authorizer, verifyGrants, generateSigningKey, signGrants, AuthzError, init } = lib;
const key = generateSigningKey("k");
const token: string = signGrants({ authorizationsEnabled: false, principal: { type: "USER", id: "u" } }, key.privateJwk);
const authz = new Authorizer(verifyGrants(token, key.jwks, { issuer: null, audience: null }));
const allowed: boolean = authz.can("complete", { userTaskKey: "1" });
const loaded: Promise<void> = init();
const isError: boolean = new AuthzError("ERR_INIT", "x") instanceof Error;
// @ts-expect-error not an operation
authz.can("teleport", { userTaskKey: "1" });

export = { allowed, loaded, isError };
