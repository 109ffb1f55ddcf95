// What the issuer suites assert alike: a promise that rejects with an AuthzError.
import assert from "node:assert/strict";

/** Resolves the AuthzError (by its name, any copy of the package) that `promise` rejects with; fails if it resolves. */
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    assert.equal(error?.name, "AuthzError", `an AuthzError, not ${error?.stack ?? error}`);
    return error;
  }
  assert.fail("expected a rejection");
}
