// Is the issuer ready to issue: the cluster answers, and the service account, where one is
// configured, is accepted and sees authorizations. One request, `POST /v2/authorizations/search`
// with a page of one, made as the service account (or without credentials for strategy NONE, where
// any answer below 500 means the cluster is there). The answer is kept for CHECK_EVERY_MS and
// concurrent checks share one request, so a probe every second costs the cluster one request
// per 2 s; while the circuit breaker or the OAuth backoff holds requests back, the check fails
// without a request.
import { AuthzError } from "../core/index.js";
import type { CamundaClient } from "./client.js";
import { IssueContext } from "./context.js";
import { checkCanSeeAuthorizations } from "./authorizations.js";
import { issuerError } from "./errors.js";

/** What `issuer.ready()` answers. */
export interface Readiness {
  ready: boolean;
  /** Why not: the error's code and message (for the operator: the handler keeps the message off the response). */
  code?: string;
  message?: string;
}

const CHECK_EVERY_MS = 2000;
const CHECK_TIMEOUT_MS = 5000;

export function readinessCheck(client: CamundaClient, options: { withAccount: boolean; authorizationsEnabled: boolean; now: () => number }): () => Promise<Readiness> {
  let last: { at: number; answer: Promise<Readiness> } | undefined;

  async function check(): Promise<Readiness> {
    const ctx = new IssueContext(CHECK_TIMEOUT_MS, options.now);
    try {
      if (!options.withAccount) {
        const res = await Promise.race([client.probe("POST", "/v2/authorizations/search", { page: { limit: 1 } }, ctx), ctx.expired]);
        if (res.status >= 500) throw issuerError("ERR_ISSUER_UPSTREAM", `POST ${client.where}/v2/authorizations/search failed (${res.status})`);
      } else if (options.authorizationsEnabled) {
        await Promise.race([checkCanSeeAuthorizations(client, ctx), ctx.expired]);
      } else {
        await Promise.race([client.call("POST", "/v2/authorizations/search", { body: { page: { limit: 1 } }, call: ctx }), ctx.expired]);
      }
      return { ready: true };
    } catch (error) {
      const e = error instanceof AuthzError ? error : new AuthzError("ERR_ISSUER_UPSTREAM", "the readiness check failed");
      return { ready: false, code: e.code, message: e.message };
    } finally {
      ctx.finish();
    }
  }

  return () => {
    const now = options.now();
    if (last === undefined || now - last.at >= CHECK_EVERY_MS) last = { at: now, answer: check() };
    return last.answer;
  };
}
