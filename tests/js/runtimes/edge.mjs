// A Vercel Edge function (bundled as Next.js does: conditions edge-light, worker, browser; the
// `.wasm?module` import provided as a compiled module). The JWKS comes from the environment.
import * as lib from "camunda-authz";
import { makeHandler } from "./fetch-handler.mjs";

export default makeHandler(lib, process.env.JWKS);
