// What the `onIssue` and `onError` hooks receive (of createIssuer and of createIssuerHandler):
// how long an issue took, whether its authorizations came from the cache, and how many requests
// it made; an error's event has the full message for the operator (never a secret or a token).

/** The account of one issue. */
export interface IssueStats {
  /** Milliseconds from the call to the answer. */
  durationMs: number;
  /**
   * True when every authorization, membership and mapping rule came from the cache; who the
   * principal is may have been looked up (`/v2/authentication/me` for a token not seen within
   * the cache period, the user check by name).
   */
  cached: boolean;
  /** Requests this issue made to the cluster (OAuth token requests not included). */
  upstreamRequests: number;
  /** OAuth token requests this issue made. */
  tokenRequests: number;
}

export interface IssueEvent extends IssueStats {
  /** The principal's id (`sub`). */
  subject: string;
  /** Authorizations in the grant set. */
  authorizations: number;
  /** The signed grant set's length in bytes. */
  tokenBytes: number;
  expiresAt: Date;
}

export interface IssueErrorEvent extends IssueStats {
  error: unknown;
  /** The AuthzError's code (`ERR_INTERNAL` for anything else). */
  code: string;
  /** The full message, for the operator's log. */
  message: string;
  /** The HTTP status the handler answers for it. */
  status: number;
  /** The principal's id, when it was known before the failure. */
  subject?: string;
}
