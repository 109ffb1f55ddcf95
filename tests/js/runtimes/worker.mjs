// A Cloudflare Worker (bundled as Wrangler does: conditions workerd, worker, browser; the .wasm
// import kept as a module). The JWKS comes from a text binding.
import * as lib from "camunda-authz";
import { makeHandler } from "./fetch-handler.mjs";

let handle;
export default {
  fetch(request, env) {
    handle ??= makeHandler(lib, env.JWKS);
    return handle(request);
  },
};
