// Node.js, ES module: `import` resolves the package's "node" + "import" entry.
import * as lib from "camunda-authz";
import { exercise } from "./harness.mjs";

process.stdout.write(JSON.stringify(await exercise(lib)));
