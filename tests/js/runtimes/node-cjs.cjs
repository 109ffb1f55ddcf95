// Node.js, CommonJS: `require` resolves the package's "node" + "require" entry.
const lib = require("camunda-authz");
const { init, Authorizer } = require("camunda-authz");

import("./harness.mjs")
  .then(({ exercise }) => exercise(lib))
  .then((report) => {
    if (init !== lib.default || Authorizer !== lib.Authorizer) report.problems.push("destructured require() differs");
    process.stdout.write(JSON.stringify(report));
  });
