// camunda-authz/issuer: grant sets from a live Orchestration Cluster, for servers (Node.js 20+,
// Deno, workerd, Vercel Edge). The runtime entries (node.ts, deno.ts, workerd.ts, edge-light.ts)
// load the WebAssembly module first and re-export this.
export { createIssuer } from "./issuer.js";
export type { ClusterFlags, IssueOptions, IssueRequest, IssuedGrants, Issuer, IssuerOptions } from "./issuer.js";
export { createIssuerHandler } from "./handler.js";
export type { HandlerOptions, RequestInfo } from "./handler.js";
export type { IssueErrorEvent, IssueEvent, IssueStats } from "./events.js";
export type { Readiness } from "./readiness.js";
export { camundaFromEnv } from "./config.js";
export type { CamundaAuth, CamundaOptions, Env } from "./config.js";
export { keyRing, publicKeyOf } from "./keys.js";
export type { KeyRing } from "./keys.js";
export type { Claims } from "./claims.js";
export type { IssuerErrorCode } from "./errors.js";
export { AuthzError, generateSigningKey, TASK_WORKER_ROLE } from "../core/index.js";
export { auditGrants } from "./audit.js";
export type { AuditDifference, AuditOptions, AuditReport, DecisionDifference, PrincipalDifference } from "./audit.js";
