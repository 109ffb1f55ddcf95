// Deno, run with no permission flags: the package's "deno" entry must load without --allow-read.
import * as lib from "camunda-authz";
import { exercise } from "./harness.mjs";

console.log(JSON.stringify(await exercise(lib)));
