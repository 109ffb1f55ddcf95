// A small app importing the package the way a Tasklist frontend does; built by Vite and esbuild.
import init, * as lib from "camunda-authz";
import { exercise } from "./harness.mjs";
import signingLog from "./signing.js";

window.__result = exercise({ ...lib, default: init }, { signingLog }).catch((error) => ({ error: String(error?.stack ?? error) }));
