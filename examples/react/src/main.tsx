// The example's entry: sign in (a cookie, as a real login would set), start one grant session
// for the page, log its disagreements with the cluster, and render the Tasklist under its provider.

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createGrantSession } from "camunda-authz";
import { GrantSessionProvider } from "camunda-authz/react";
import { App } from "./App.tsx";
import { fetchPersonas, signIn } from "./api.ts";
import "./style.css";

const personas = await fetchPersonas();
const wanted = new URLSearchParams(location.search).get("as") ?? localStorage.getItem("persona") ?? "ana";
const first = personas.find((p) => p.id === wanted) ?? personas[0];
if (first === undefined) throw new Error("the server lists no personas");
await signIn(first.id);

const session = createGrantSession({
  grantsUrl: "/grants",
  // After the cluster refused an allowed action, ask the server to read the cluster afresh.
  grantsHeaders: ({ fresh }) => (fresh ? { "cache-control": "no-cache" } : {}),
  jwksUrl: "/.well-known/camunda-grants-jwks.json",
  issuer: location.origin, // the example's issuer is the page's own server
  audience: "tasklist",
  clockTolerance: 5,
});
// For the app's logs: the cluster refused an action the grant set allowed (and the session renewed).
session.on("disagreement", (d) => {
  console.info(`camunda-authz disagreement: ${JSON.stringify({ operation: d.operation, taskKey: d.taskKey, status: d.status, before: d.before.code, after: d.after.code })}`);
});

const root = document.getElementById("root");
if (root === null) throw new Error("no #root element");
createRoot(root).render(
  <StrictMode>
    <GrantSessionProvider session={session}>
      <App personas={personas} />
    </GrantSessionProvider>
  </StrictMode>,
);
