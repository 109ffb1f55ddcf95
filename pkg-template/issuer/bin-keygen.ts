/// <reference types="node" />
// `camunda-authz keygen`: a new Ed25519 signing key, as the native CLI's keygen makes it (the same
// options, files and output), for npm users who have no native binary.
import { parseArgs, shown, UsageError } from "./bin-args.js";
import { writeFile } from "./bin-files.js";
import { generateSigningKey } from "./node.js";

export const KEYGEN_USAGE = `usage: camunda-authz keygen --kid KID [--out-private FILE] [--out-jwks FILE] [--force]

makes an Ed25519 signing key from the system's secure random source.

options:
  --kid KID            the key id that tokens name in their header (required)
  --out-private FILE   write the private JWK to FILE (mode 0600)
  --out-jwks FILE      write the public JWKS ({ "keys": [...] }) to FILE
  --force              replace existing output files (refused otherwise); the new file is
                       written beside the old one and renamed into place, so a symbolic link
                       at FILE is replaced, never followed

without --out-* it prints { "privateJwk": ..., "jwks": ... } to stdout. with one of them,
stdout gets the other part alone (the JWKS, or the private JWK), so it can be redirected to a
file. keep the private JWK secret; publish the JWKS. camunda-authz issuer --key takes the
private JWK file.
`;

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** Runs keygen; resolves the exit code (a usage error throws UsageError). */
export function keygen(args: readonly string[]): number {
  const parsed = parseArgs(args, ["kid", "out-private", "out-jwks"], ["force"]);
  if (parsed.help) {
    process.stdout.write(KEYGEN_USAGE);
    return 0;
  }
  const kid = parsed.values.get("kid");
  if (kid === undefined) throw new UsageError("option `--kid` is required");
  if (kid.trim() === "") throw new UsageError("option `--kid` must not be empty");
  const outPrivate = parsed.values.get("out-private");
  const outJwks = parsed.values.get("out-jwks");
  if (outPrivate === "-" || outJwks === "-") throw new UsageError("leave out --out-private or --out-jwks to print to stdout instead of `-`");
  if (outPrivate !== undefined && outPrivate === outJwks) throw new UsageError("--out-private and --out-jwks name the same file");
  const force = parsed.flags.has("force");
  const key = generateSigningKey(kid);
  const note = (text: string) => process.stderr.write(`${text}\n`);
  if (outPrivate === undefined && outJwks === undefined) {
    process.stdout.write(`${pretty({ privateJwk: key.privateJwk, jwks: key.jwks })}\n`);
    note(`made Ed25519 key \`${shown(kid)}\`: keep privateJwk secret, publish jwks`);
    return 0;
  }
  if (outPrivate !== undefined) {
    writeFile(outPrivate, pretty(key.privateJwk), { private: true, force });
    note(`wrote the private JWK of key \`${shown(kid)}\` to \`${shown(outPrivate)}\` (keep it secret)`);
  }
  if (outJwks !== undefined) {
    writeFile(outJwks, pretty(key.jwks), { private: false, force });
    note(outPrivate === undefined ? `wrote the public JWKS of key \`${shown(kid)}\` to \`${shown(outJwks)}\`; the private JWK is on stdout (keep it secret)` : `wrote the public JWKS to \`${shown(outJwks)}\``);
  }
  if (outPrivate === undefined) process.stdout.write(`${pretty(key.privateJwk)}\n`);
  else if (outJwks === undefined) process.stdout.write(`${pretty(key.jwks)}\n`);
  return 0;
}
