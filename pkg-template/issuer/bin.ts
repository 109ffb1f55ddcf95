#!/usr/bin/env node
/// <reference types="node" />
// The npm bin, `camunda-authz`: `issuer` (the grants endpoint as a service, bin-serve.ts),
// `keygen` (a signing key, bin-keygen.ts) and `audit` (a user's grant set against the cluster's
// own answers, audit-command.ts). The native CLI (cargo) also signs, verifies, inspects
// and checks; this one does what a deployment of the issuer needs. Exit codes: 0 success, 1 a
// failure (a file that cannot be written, a port that cannot be taken; for `audit`, a
// difference), 2 a usage or configuration error.
import { AUDIT_USAGE, audit } from "./audit-command.js";
import { UsageError } from "./bin-args.js";
import { KEYGEN_USAGE, keygen } from "./bin-keygen.js";
import { ISSUER_USAGE, serve } from "./bin-serve.js";

const USAGE = `usage: camunda-authz <command> [options]

commands:
  issuer    serve grant sets from a Camunda cluster (camunda-authz issuer --help)
  keygen    make an Ed25519 signing key and its JWKS (camunda-authz keygen --help)
  audit     compare a user's grant set with the cluster's answers (camunda-authz audit --help)
  help      this text; \`camunda-authz help <command>\` for a command's

The native CLI (cargo install) also has sign, verify, inspect and check.
`;

const USAGES: Record<string, string> = { issuer: ISSUER_USAGE, keygen: KEYGEN_USAGE, audit: AUDIT_USAGE };

function usageError(command: string | undefined, error: UsageError): number {
  process.stderr.write(`camunda-authz ${command ?? ""}: ${error.message}\n(see camunda-authz ${command !== undefined && Object.hasOwn(USAGES, command) ? `${command} ` : ""}--help)\n`);
  return 2;
}

function main(argv: readonly string[]): number | Promise<number> | undefined {
  const [command, ...args] = argv;
  try {
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
      const about = args[0];
      process.stdout.write(about !== undefined && Object.hasOwn(USAGES, about) ? (USAGES[about] as string) : USAGE);
      return about === undefined || Object.hasOwn(USAGES, about) ? (command === undefined ? 2 : 0) : 2;
    }
    if (command === "issuer") return serve(args);
    if (command === "keygen") return keygen(args);
    if (command === "audit") return audit(args).catch((error: unknown) => (error instanceof UsageError ? usageError(command, error) : Promise.reject(error)));
    throw new UsageError(`unknown command \`${command}\` (the commands are issuer, keygen, audit and help; the native CLI does sign, verify, inspect and check)`);
  } catch (error) {
    if (error instanceof UsageError) return usageError(command, error);
    process.stderr.write(`camunda-authz ${command ?? ""}: ${(error as Error).message}\n`);
    return 1;
  }
}

const code = main(process.argv.slice(2));
if (typeof code === "number") process.exitCode = code;
else if (code !== undefined) {
  code.then(
    (c) => (process.exitCode = c),
    (error: unknown) => {
      process.stderr.write(`camunda-authz audit: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
