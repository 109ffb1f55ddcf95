// CommonJS: Node.js 20.19+ and 22.12+ load the ES module synchronously (require of ESM).
module.exports = require("./node.mjs");
