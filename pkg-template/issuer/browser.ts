// The issuer holds a service account's credentials and a private signing key: it never runs in
// a browser. A browser bundle that imports `camunda-authz/issuer` gets this entry, which throws
// a clear AuthzError when it loads and from every function it names.
import { AuthzError } from "../core/index.js";

function refuse(): never {
  throw new AuthzError("ERR_ARGUMENT_INVALID", "`camunda-authz/issuer` runs on a server (Node.js, Deno, workerd, Vercel Edge), never in a browser: it holds a service account's secret and the signing key");
}

refuse();

export function createIssuer(_options: unknown): never {
  return refuse();
}
export function createIssuerHandler(_issuer: unknown, _options?: unknown): never {
  return refuse();
}
export function camundaFromEnv(_env: unknown): never {
  return refuse();
}
export function keyRing(_value: unknown): never {
  return refuse();
}
export function publicKeyOf(_jwk: unknown): never {
  return refuse();
}
export function generateSigningKey(_kid: unknown): never {
  return refuse();
}
export function auditGrants(_options: unknown): never {
  return refuse();
}
export { AuthzError, TASK_WORKER_ROLE } from "../core/index.js";
