// What the runtime entries share. A bundler drops a bare `import "../workerd.js"` from a package
// marked `"sideEffects": false`, so the WebAssembly module is loaded where it is needed: the
// functions that sign (createIssuer, generateSigningKey) first run the entry's `load`, which
// calls the idempotent `initSync` with the module as the runtime imports it.
import { generateSigningKey as generate } from "../core/index.js";
import type { SigningKey } from "../core/index.js";
import { createIssuerOn } from "./issuer.js";
import type { Issuer, IssuerOptions } from "./issuer.js";
import type { Platform } from "./options.js";

export interface LoadedApi {
  createIssuer(options: IssuerOptions): Issuer;
  generateSigningKey(kid: string): SigningKey;
}

export function loaded(load: () => void, platform: Platform = {}): LoadedApi {
  let done = false;
  const once = () => {
    if (done) return;
    load();
    done = true;
  };
  return {
    createIssuer(options: IssuerOptions): Issuer {
      once();
      return createIssuerOn(options, platform);
    },
    generateSigningKey(kid: string): SigningKey {
      once();
      return generate(kid);
    },
  };
}
