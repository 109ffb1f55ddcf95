// A consumer whose lib has neither DOM nor Node.js types (a strict edge or library project):
// the declarations must still compile, with no `skipLibCheck`.
import { Authorizer, verifyGrants, type Jwks, type Task } from "camunda-authz";

export function visibleTasks<T extends Task>(token: string, jwks: Jwks, tasks: readonly T[]): T[] {
  return new Authorizer(verifyGrants(token, jwks, { issuer: null, audience: "tasklist" })).filter(tasks);
}
// @ts-expect-error not an operation
export const bad = (a: Authorizer) => a.can("teleport", {});
