// Stand-ins that a test file starts, closed together after the file's tests:
//   const startStandin = standinStarter();   // at the top of the file
//   const s = await startStandin(data, options);
import { after } from "node:test";
import { startStandin } from "../../camunda-standin/index.mjs";

/** A `startStandin(data, options)` whose stand-ins are all closed after the calling file's tests. */
export function standinStarter() {
  const started = [];
  after(() => Promise.all(started.map((s) => s.close())));
  return async (data, options) => {
    const s = await startStandin(data, options);
    started.push(s);
    return s;
  };
}
