#!/usr/bin/env node
/// <reference types="node" />
// `npx camunda-authz issuer`: the grants endpoint and the JWKS as a service, for stacks that are
// not JavaScript. Configured by the CAMUNDA_* variables of Camunda's SDKs (the cluster and the
// service account), CAMUNDA_AUTHZ_* (the grant sets) and a key file.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createIssuer, createIssuerHandler, keyRing } from "./node.js";
import { toNodeListener } from "./node-http.js";

const USAGE = `usage: camunda-authz issuer [--key FILE] [--port N] [--host ADDRESS]

Serves GET/POST /grants (the user's bearer token in, { token, expiresAt } out) and
GET /.well-known/camunda-grants-jwks.json.

  --key FILE     the key ring: a private Ed25519 JWK (camunda-authz keygen --out-private), or
                 { "keys": [current private JWK, older public JWKs...] } during a rotation
                 (default: CAMUNDA_AUTHZ_KEY_FILE)
  --port N       default: PORT, else 8080; 0 picks a free port
  --host ADDRESS default: HOST, else 127.0.0.1

The cluster: CAMUNDA_REST_ADDRESS, CAMUNDA_AUTH_STRATEGY (OAUTH | BASIC | NONE),
CAMUNDA_CLIENT_ID, CAMUNDA_CLIENT_SECRET, CAMUNDA_OAUTH_URL, CAMUNDA_TOKEN_AUDIENCE,
CAMUNDA_BASIC_AUTH_USERNAME, CAMUNDA_BASIC_AUTH_PASSWORD.
The grant sets: CAMUNDA_AUTHZ_ISSUER and CAMUNDA_AUTHZ_AUDIENCE (required), CAMUNDA_AUTHZ_TTL
(seconds, default 900), CAMUNDA_AUTHZ_AUTHORIZATIONS_ENABLED (default true),
CAMUNDA_AUTHZ_MULTI_TENANCY_ENABLED (default false), CAMUNDA_AUTHZ_CAMUNDA_VERSION (default 8.9),
CAMUNDA_AUTHZ_GROUPS_CLAIM, CAMUNDA_AUTHZ_CACHE_TTL (seconds, default 30).
`;

function fail(message: string, code = 2): never {
  process.stderr.write(`camunda-authz issuer: ${message}\n`);
  process.exit(code);
}

function flag(name: string, fallback?: string): string | undefined {
  const args = process.argv.slice(3);
  const i = args.indexOf(name);
  if (i === -1) return fallback;
  const v = args[i + 1];
  if (v === undefined || v.startsWith("--")) fail(`${name} needs a value`);
  return v;
}

function bool(name: string, fallback: boolean): boolean {
  const v = process.env[name]?.trim().toLowerCase();
  if (v === undefined || v === "") return fallback;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return fail(`${name} must be true or false, not \`${v}\``);
}

function seconds(name: string, fallback: number): number {
  const v = process.env[name]?.trim();
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) fail(`${name} must be a number of seconds, not \`${v}\``);
  return n;
}

function main(): void {
  const command = process.argv[2];
  if (command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(USAGE);
    return;
  }
  if (command !== "issuer") fail(`unknown command \`${command ?? ""}\` (this package's command is \`issuer\`; the native CLI does keygen, sign, verify, inspect and check)\n\n${USAGE}`);
  const keyFile = flag("--key", process.env.CAMUNDA_AUTHZ_KEY_FILE);
  if (!keyFile) fail("no key file: pass --key FILE or set CAMUNDA_AUTHZ_KEY_FILE");
  const port = Number(flag("--port", process.env.PORT ?? "8080"));
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail("the port must be an integer from 0 to 65535");
  const host = flag("--host", process.env.HOST ?? "127.0.0.1") ?? "127.0.0.1";
  const issuerName = process.env.CAMUNDA_AUTHZ_ISSUER;
  const audience = process.env.CAMUNDA_AUTHZ_AUDIENCE;
  if (!issuerName || !audience) fail("CAMUNDA_AUTHZ_ISSUER and CAMUNDA_AUTHZ_AUDIENCE must be set");
  let ring;
  try {
    ring = keyRing(readFileSync(keyFile, "utf8"));
  } catch (error) {
    fail(`the key file \`${keyFile}\` could not be read: ${(error as Error).message}`);
  }
  let issuer;
  try {
    issuer = createIssuer({
      signingKey: ring.signingKey,
      previousKeys: ring.previousKeys,
      issuer: issuerName,
      audience: audience.includes(",") ? audience.split(",").map((a) => a.trim()) : audience,
      ttl: seconds("CAMUNDA_AUTHZ_TTL", 900),
      cacheTtl: seconds("CAMUNDA_AUTHZ_CACHE_TTL", 30),
      cluster: {
        authorizationsEnabled: bool("CAMUNDA_AUTHZ_AUTHORIZATIONS_ENABLED", true),
        multiTenancyEnabled: bool("CAMUNDA_AUTHZ_MULTI_TENANCY_ENABLED", false),
        camundaVersion: process.env.CAMUNDA_AUTHZ_CAMUNDA_VERSION || "8.9",
        ...(process.env.CAMUNDA_AUTHZ_GROUPS_CLAIM ? { groupsClaim: process.env.CAMUNDA_AUTHZ_GROUPS_CLAIM } : {}),
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const handler = createIssuerHandler(issuer, {
    onError: (error) => process.stderr.write(`camunda-authz issuer: ${(error as { code?: string }).code ?? "error"}: ${(error as Error).message}\n`),
  });
  const server = createServer(toNodeListener(handler));
  server.on("error", (error) => fail(`cannot listen on ${host}:${port}: ${error.message}`, 1));
  server.listen(port, host, () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : port;
    process.stdout.write(`camunda-authz issuer listening on http://${host.includes(":") ? `[${host}]` : host}:${actual}/ (grants at /grants)\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main();
