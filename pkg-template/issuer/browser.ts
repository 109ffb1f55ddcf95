// The issuer holds a service account's credentials and a private signing key: it never runs in
// a browser. A bundle for one that imports `camunda-authz/issuer` fails here, on load, clearly.
import { AuthzError } from "../core.js";

throw new AuthzError("ERR_ARGUMENT_INVALID", "`camunda-authz/issuer` runs on a server (Node.js, Deno, workerd, Vercel Edge), never in a browser: it holds a service account's secret and the signing key");
