// The browser build cannot sign, but the conformance suite signs grant sets as it goes. The test
// runs the suite once in Node.js with `recording` (the full build's signGrants and
// generateSigningKey, each answer logged in call order); in Chromium, `replaying` gives the same
// answers in the same order (the suite is deterministic), so every check runs unchanged against
// the browser build's verifier. Before that, `unsupported` checks that the browser build itself
// refuses to sign, make keys or scan a search response.

/** Wraps the full build's signing functions; `log` fills with their answers. */
export function recording(lib) {
  const log = [];
  const logged = (fn) => (...args) => {
    try {
      const value = fn(...args);
      log.push({ value });
      return value;
    } catch (error) {
      log.push({ error: { code: error.code, message: error.message } });
      throw error;
    }
  };
  return { log, functions: { signGrants: logged(lib.signGrants), generateSigningKey: logged(lib.generateSigningKey) } };
}

/** Signing functions that answer from `log`, throwing `lib.AuthzError` where the full build threw. */
export function replaying(lib, log) {
  let next = 0;
  const replay = () => {
    const entry = log[next++];
    if (entry === undefined) throw new Error("the recorded signing log is exhausted: the suite changed its calls");
    if (entry.error) throw new lib.AuthzError(entry.error.code, entry.error.message);
    return structuredClone(entry.value);
  };
  return { signGrants: replay, generateSigningKey: replay };
}

/** Problems, if the browser build does not refuse what it leaves out with `ERR_UNSUPPORTED`. */
export function unsupported(lib, payload) {
  const problems = [];
  const refuses = (what, fn) => {
    try {
      fn();
      problems.push(`browser build: ${what} answered`);
    } catch (error) {
      if (!(error instanceof lib.AuthzError) || error.code !== "ERR_UNSUPPORTED") problems.push(`browser build: ${what} threw ${error?.code ?? error}`);
    }
  };
  const jwk = { kty: "OKP", crv: "Ed25519", kid: "k", d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A" };
  refuses("signGrants", () => lib.signGrants(payload, jwk, { now: 1763800100 }));
  refuses("generateSigningKey", () => lib.generateSigningKey("k"));
  refuses("filterSearchResponse", () => lib.Authorizer.fromUnverifiedPayload(payload).filterSearchResponse('{"items":[]}'));
  return problems;
}
