// Drift that heals: the cluster refused (403 or 409) an operation the grant set allowed, so the
// grant set is older than the cluster's authorizations (one was revoked since it was issued).
// `reportRefusal` renews at once, decides again, and emits a `disagreement` with both decisions.
// Refusals share their renewals, and start one at most once per cool-down: a burst of refusals
// (a list of buttons the cluster now refuses) costs one request to the issuer.

import { AuthzError } from "../core/index.js";
import type { Authorizer, Explanation } from "../core/index.js";
import type { DeniedAuthorizer } from "./denied.js";
import type { Disagreement, RefusalReport } from "./types.js";

/** The statuses with which the cluster refuses an operation it could have accepted (Camunda: FORBIDDEN, INVALID_STATE). */
export const REFUSAL_STATUSES: readonly number[] = [403, 409];

export interface DriftHooks {
  /** The authorizer in use now. */
  authorizer(): Authorizer | DeniedAuthorizer;
  /** A renewal that reads the authorizations afresh; resolves when it settled (either way). */
  renew(): Promise<void>;
  now(): number;
  /** Milliseconds after a refusal's renewal began during which refusals do not renew again. */
  cooldownMs: number;
  emit(disagreement: Disagreement): void;
}

/** The report's `status`; its operation and task are checked by the authorizer's `explain` (the package's codes). */
function checked(report: RefusalReport): RefusalReport {
  if (typeof report?.status !== "number") throw new AuthzError("ERR_ARGUMENT_INVALID", "reportRefusal takes `{ status, operation, task }`, `status` the cluster's HTTP status");
  return report;
}

export class Drift {
  #hooks: DriftHooks;
  #renewal: Promise<void> | null = null; // the renewal refusals started, shared
  #renewedAt = -Infinity; // ms: when it began

  constructor(hooks: DriftHooks) {
    this.#hooks = hooks;
  }

  async report(input: RefusalReport): Promise<Disagreement | null> {
    const { status, operation, task } = checked(input);
    const before = this.#hooks.authorizer().explain(operation, task);
    if (!REFUSAL_STATUSES.includes(status)) return null;
    // Denied already: the grant set and the cluster agree, nothing drifted.
    if (!before.allowed) return null;
    await this.#renewOnce();
    const after = this.#hooks.authorizer().explain(operation, task);
    const key = (task as { userTaskKey?: unknown }).userTaskKey;
    const disagreement: Disagreement = Object.freeze({ operation, taskKey: typeof key === "string" ? key : null, status, before: before as Explanation, after });
    this.#hooks.emit(disagreement);
    return disagreement;
  }

  /** Joins the refusals' renewal under way, starts one unless one began within the cool-down. */
  #renewOnce(): Promise<void> {
    if (this.#renewal !== null) return this.#renewal;
    const now = this.#hooks.now();
    if (now - this.#renewedAt < this.#hooks.cooldownMs) return Promise.resolve();
    this.#renewedAt = now;
    const renewal = this.#hooks.renew().finally(() => {
      this.#renewal = null;
    });
    this.#renewal = renewal;
    return renewal;
  }
}
