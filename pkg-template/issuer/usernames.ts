// Which claim of a user token holds the username the cluster resolves it to, learnt from the
// cluster's answers: where `GET /v2/authentication/me` said `alice` for a token whose `sub` is
// `alice`, the next token's `sub` is most likely its username too (Camunda reads it from one
// configured claim, Helm's `usernameClaim`, "commonly `email`, `preferred_username`, `sub`,
// `upn`, `unique_name`": camunda/camunda-docs docs/self-managed/deployment/helm/configure/
// authentication-and-authorization/jwt-token-claims.md). An uncached issue uses the guess to
// ask for the user's own authorizations while /me is still on its way: one round trip instead
// of two. A guess only starts a read; who the grant set is for is always what
// /me says, and a wrong guess's read is dropped (issuer.ts).
import type { Claims } from "./claims.js";

/** The claims Camunda's username claim usually is, tried first (in this order) when learning. */
const USUAL = ["sub", "preferred_username", "email", "upn", "unique_name", "username", "name"];

export class UsernameClaim {
  #claim: string | undefined;

  /** The username the token's learnt claim names, or undefined (nothing learnt, or not a string there). */
  guess(claims: Claims): string | undefined {
    if (this.#claim === undefined) return undefined;
    const value = claims[this.#claim];
    return typeof value === "string" && value !== "" ? value : undefined;
  }

  /** The cluster said `username` for a token with these claims: keep the claim that holds it. */
  learn(claims: Claims, username: string): void {
    if (this.#claim !== undefined && claims[this.#claim] === username) return;
    this.#claim = USUAL.find((k) => claims[k] === username) ?? Object.keys(claims).find((k) => claims[k] === username) ?? this.#claim;
  }
}
