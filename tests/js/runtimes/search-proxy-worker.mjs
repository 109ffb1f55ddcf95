// The search proxies of search-proxy-app.mjs as a Cloudflare Worker (bundled by Wrangler); its
// bindings are the app's env.
import { makeApp } from "./search-proxy-app.mjs";

let app;
export default {
  fetch(request, env) {
    app ??= makeApp(env);
    return app(request);
  },
};
