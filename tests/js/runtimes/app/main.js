// A small app importing the package the way a Tasklist frontend does; built by Vite and esbuild.
import init, * as lib from "camunda-authz";
import { exercise } from "./harness.mjs";

window.__result = exercise({ ...lib, default: init }).catch((error) => ({ error: String(error?.stack ?? error) }));
