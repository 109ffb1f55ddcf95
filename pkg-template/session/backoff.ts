// Retry delays after a failed renewal: exponential backoff with jitter, so that many tabs whose
// server went down do not all come back at the same instant.

export interface BackoffOptions {
  /** Milliseconds before the first retry (default 1000). */
  initialDelay?: number;
  /** The longest delay in milliseconds (default 60000). */
  maxDelay?: number;
}

/**
 * Delay of retry `attempt` (0 for the first): `initialDelay * 2^attempt`, capped at `maxDelay`,
 * then drawn uniformly from its upper half ("equal jitter"), so it never drops below half.
 * `random` is a number in [0, 1).
 */
export function backoffDelay(attempt: number, random: number, { initialDelay = 1000, maxDelay = 60_000 }: BackoffOptions = {}): number {
  const ceiling = Math.min(maxDelay, initialDelay * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
}
