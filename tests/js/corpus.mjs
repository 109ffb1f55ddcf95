// Loads tests/corpus/*.json as { fileName: document } for the conformance suite (Node/Deno).
import { readdirSync, readFileSync } from "node:fs";

const dir = new URL("../corpus/", import.meta.url);

export function loadCorpus() {
  const corpus = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
    corpus[name] = JSON.parse(readFileSync(new URL(name, dir), "utf8"));
  }
  return corpus;
}
