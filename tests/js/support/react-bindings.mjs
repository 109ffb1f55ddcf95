// camunda-authz/react as a React app runs it, shared by the React 19 suite (react-example.test.mjs,
// React from tests/js) and the React 18 one (react18.test.mjs, React from tests/js/react18):
// resolving "react" to one install, grant sessions made in Node and the server-rendering tests
// (the component they render is react-probe.mjs, which a browser app bundles too). The bindings (pkg/react.js) import "react" as an app's
// dependency; `useReactFrom(dir)` points that name, and react-dom, at `dir`'s node_modules before
// anything imports them.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { register } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CLAIM_BY_GROUP, ISSUED, payloadFor, probeOf } from "./react-probe.mjs";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Resolves `react`, `react-dom` and their subpaths from `dir`'s node_modules in this process. */
export function useReactFrom(dir) {
  const parent = pathToFileURL(join(dir, "node_modules", "x.js")).href;
  register(
    "data:text/javascript," +
      encodeURIComponent(`export function resolve(s, c, next) {
        return /^react(-dom)?(\\/|$)/.test(s) ? next(s, { ...c, parentURL: ${JSON.stringify(parent)} }) : next(s, c);
      }`),
  );
}

/** The full build (signing, for the grant sets), the bindings and React, once `useReactFrom` has run. */
export async function loadBindings() {
  const lib = await import(pathToFileURL(join(ROOT, "pkg", "node.mjs")).href);
  const bindings = await import(pathToFileURL(join(ROOT, "pkg", "react.js")).href);
  const React = await import("react");
  const { renderToString } = await import("react-dom/server");
  return { lib, bindings, React, renderToString };
}

/** A grant set for ana with `authorizations`, signed with `key` (from `lib.generateSigningKey`). */
export const signFor = (lib, key, authorizations) => lib.signGrants(payloadFor(authorizations), key.privateJwk, { ttl: 900, ...ISSUED });

/** A session over an in-process issuer; `fail` makes every fetch of the grant set fail. */
export function sessionFor(lib, { authorizations, fail = false }) {
  const key = lib.generateSigningKey("ssr");
  return lib.createGrantSession({
    fetchGrants: async () => {
      if (fail) throw new Error("connection refused");
      return signFor(lib, key, authorizations);
    },
    fetchJwks: async () => key.jwks,
    ...ISSUED,
    wake: null,
  });
}

/** The server-rendering tests, under `label` (which React). */
export function describeServerRendering(label, { lib, bindings, React, renderToString }) {
  const h = React.createElement;
  const Probe = probeOf(h, bindings);
  const render = (session) => renderToString(h(bindings.GrantSessionProvider, { session }, h(Probe)));

  describe(`camunda-authz/react under server rendering (${label})`, () => {
    test("importing the bindings in Node touches no window or document", () => {
      assert.equal(typeof globalThis.window, "undefined");
      assert.equal(typeof globalThis.document, "undefined");
      assert.equal(typeof bindings.GrantSessionProvider, "function");
    });

    test("a verified session renders the allowed buttons and the fallback with the reason code", async () => {
      const session = sessionFor(lib, { authorizations: CLAIM_BY_GROUP });
      await session.ready;
      const html = render(session);
      assert.match(html, /<p id="state">verified:ana:-<\/p>/);
      assert.match(html, /<p id="verified">true<\/p>/);
      assert.match(html, /<p id="actions">get,search,getForm,claim<\/p>/);
      assert.match(html, /<p id="buttons">assignToMe<\/p>/);
      assert.match(html, /<p id="claim">true<\/p>/);
      assert.match(html, /<button>Assign to me<\/button>/);
      assert.match(html, /<button>Assign to me \(Tasklist\)<\/button>/);
      assert.match(html, /<em>denied:no-grant<\/em>/);
      assert.match(html, /<i>hidden:not-assignee:screen<\/i>/, "Complete is Tasklist's only for the assignee");
      assert.doesNotMatch(html, /Complete<\/button>|Complete task<\/button>/);
      session.close();
    });

    test("a loading or failed session renders every action denied, with the session's code", async () => {
      const loading = sessionFor(lib, { authorizations: [] });
      assert.match(render(loading), /<p id="state">loading:-:-<\/p>.*<p id="actions"><\/p>.*<p id="buttons"><\/p>.*<em>denied:no-verified-grants<\/em>.*<i>hidden:no-verified-grants:permission<\/i>/s);
      loading.close();
      const failed = sessionFor(lib, { authorizations: [], fail: true });
      await failed.ready.catch(() => {});
      const html = render(failed);
      assert.match(html, /<p id="state">error:-:ERR_GRANTS_UNAVAILABLE<\/p>/);
      assert.match(html, /<p id="verified">false<\/p>/);
      assert.doesNotMatch(html, /<button>/);
      failed.close();
    });

    test("a hook outside a provider throws an AuthzError naming the provider", () => {
      assert.throws(() => renderToString(h(Probe)), (e) => e instanceof lib.AuthzError && e.code === "ERR_ARGUMENT_INVALID" && /GrantSessionProvider/.test(e.message));
    });
  });
}
