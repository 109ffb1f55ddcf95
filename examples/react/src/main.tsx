// The example's entry: sign in (a cookie, as a real login would set), start one grant session
// for the page, and render the Tasklist under its provider.

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
  jwksUrl: "/.well-known/camunda-grants-jwks.json",
  issuer: location.origin, // the example's issuer is the page's own server
  audience: "tasklist",
  clockTolerance: 5,
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
