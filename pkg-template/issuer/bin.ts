#!/usr/bin/env node
/// <reference types="node" />
// The npm bin, `camunda-authz`: `issuer` (the grants endpoint as a service, bin-serve.ts) and
// `keygen` (a signing key, bin-keygen.ts). The native CLI (cargo) also signs, verifies, inspects
// and checks; this one does what a deployment of the issuer needs. Exit codes: 0 success, 1 a
// failure (a file that cannot be written, a port that cannot be taken), 2 a usage or
// configuration error.
import { UsageError } from "./bin-args.js";
import { KEYGEN_USAGE, keygen } from "./bin-keygen.js";
import { ISSUER_USAGE, serve } from "./bin-serve.js";

const USAGE = `usage: camunda-authz <command> [options]

commands:
  issuer    serve grant sets from a Camunda cluster (camunda-authz issuer --help)
  keygen    make an Ed25519 signing key and its JWKS (camunda-authz keygen --help)
  help      this text; \`camunda-authz help <command>\` for a command's

The native CLI (cargo install) also has sign, verify, inspect and check.
`;

function main(argv: readonly string[]): number | undefined {
  const [command, ...args] = argv;
  try {
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      const about = args[0];
      process.stdout.write(about === "issuer" ? ISSUER_USAGE : about === "keygen" ? KEYGEN_USAGE : USAGE);
      return about === undefined || about === "issuer" || about === "keygen" ? (command === undefined ? 2 : 0) : 2;
    }
    if (command === "issuer") return serve(args);
    if (command === "keygen") return keygen(args);
    throw new UsageError(`unknown command \`${command}\` (the commands are issuer, keygen and help; the native CLI does sign, verify, inspect and check)`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`camunda-authz ${command ?? ""}: ${error.message}\n(see camunda-authz ${command === "issuer" || command === "keygen" ? `${command} ` : ""}--help)\n`);
      return 2;
    }
    process.stderr.write(`camunda-authz ${command ?? ""}: ${(error as Error).message}\n`);
    return 1;
  }
}

const code = main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
