// The assembled package in pkg/ under Node.js (ESM entry), through the shared conformance suite.
import { test } from "node:test";
import { conformance } from "./conformance.mjs";
import { loadCorpus } from "./corpus.mjs";

const lib = await import(process.env.CAMUNDA_AUTHZ_PKG ?? new URL("../../pkg/node.mjs", import.meta.url).href);

for (const { name, run } of conformance(lib, loadCorpus())) test(name, run);
