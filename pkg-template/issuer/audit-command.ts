/// <reference types="node" />
// `camunda-authz audit`: the grant set the issuer would give a user, compared with what the
// user's own cluster answers them (audit.ts). It reads the same CAMUNDA_* and CAMUNDA_AUTHZ_*
// variables as `camunda-authz issuer` (bin-serve.ts) and changes nothing in the cluster. Exit
// codes: 0 no difference, 1 a difference (or the audit could not run: the message says which),
// 2 a usage or configuration error.
import { parseArgs, shown, UsageError } from "./bin-args.js";
import { readBounded } from "./bin-files.js";
import { ConfigError, optionsFromEnv, withVariable } from "./bin-serve.js";
import { MAX_KEY_RING_CHARS } from "./keys.js";
import { createIssuer, generateSigningKey } from "./node.js";
import type { Issuer } from "./issuer.js";
import { auditGrants } from "./audit.js";
import { auditText } from "./audit-text.js";
import { AuthzError } from "../core/index.js";

export const AUDIT_USAGE = `usage: camunda-authz audit (--user-token-file FILE | --user-token TOKEN) [--json] [--max-tasks N] [--key FILE]

Issues the grant set the issuer would give the user whose bearer token this is, and compares it
with the user's cluster: its principal with GET /v2/authentication/me, its \`search\` and \`get\`
decisions with the cluster's user-task search as the user, the service account's search (a
task it sees and the user's search does not return must be denied) and GET
/v2/user-tasks/{key} as the user. Prints each difference with the grant set's explanation. It
only reads (GET and search POSTs): nothing in the cluster changes.

  --user-token-file FILE  the user's bearer token, in a file (at most 64 KiB; surrounding
                          whitespace ignored)
  --user-token TOKEN      the token itself (other users of the machine can see a command line:
                          prefer the file)
  --json                  the report as JSON on stdout
  --max-tasks N           at most N tasks per search (1 to 10000, default 500)
  --key FILE              the key ring to sign with (default: CAMUNDA_AUTHZ_KEY_FILE; without
                          either, a key made for this run: the grant set never leaves it)
  --help                  this text

The cluster, the service account and the grant sets: the variables of camunda-authz issuer
(camunda-authz issuer --help). CAMUNDA_AUTHZ_ISSUER and CAMUNDA_AUTHZ_AUDIENCE default to
camunda-authz-audit here.

Exit codes: 0 no difference, 1 a difference or a failure to audit (the message says which),
2 a usage or configuration error.
`;

const MAX_TOKEN_BYTES = 64 * 1024;

function issuerFromEnv(keyFile: string | undefined): Issuer {
  let keyText: string;
  if (keyFile === undefined) keyText = JSON.stringify(generateSigningKey("camunda-authz-audit").privateJwk);
  else {
    try {
      keyText = readBounded(keyFile, MAX_KEY_RING_CHARS, "the key file");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`the key file \`${shown(keyFile)}\` could not be read: ${code === undefined ? (error as Error).message : code}`);
    }
  }
  // The grant set is verified here and never leaves the process: its iss and aud only need to agree.
  process.env.CAMUNDA_AUTHZ_ISSUER ??= "camunda-authz-audit";
  process.env.CAMUNDA_AUTHZ_AUDIENCE ??= "camunda-authz-audit";
  try {
    return createIssuer(optionsFromEnv(keyText));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(withVariable((error as Error).message));
  }
}

function userToken(values: Map<string, string>): string {
  const file = values.get("user-token-file");
  const given = values.get("user-token");
  if ((file === undefined) === (given === undefined)) throw new UsageError("give the user's token with exactly one of --user-token-file FILE and --user-token TOKEN");
  let token = given;
  if (file !== undefined) {
    try {
      token = readBounded(file, MAX_TOKEN_BYTES, "the token file");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`the token file \`${shown(file)}\` could not be read: ${code === undefined ? (error as Error).message : code}`);
    }
  }
  token = (token as string).trim().replace(/^Bearer\s+/i, "");
  if (token === "" || /\s/.test(token)) throw new UsageError("the user's token is empty or has whitespace inside: give the bearer token alone");
  return token;
}

/** Runs the audit; resolves the exit code. */
export async function audit(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args, ["user-token", "user-token-file", "max-tasks", "key"], ["json"]);
  if (parsed.help) {
    process.stdout.write(AUDIT_USAGE);
    return 0;
  }
  const token = userToken(parsed.values);
  const maxText = parsed.values.get("max-tasks");
  const maxTasks = maxText === undefined ? undefined : /^[0-9]{1,5}$/.test(maxText) ? Number(maxText) : Number.NaN;
  if (maxTasks !== undefined && !(maxTasks >= 1 && maxTasks <= 10_000)) throw new UsageError(`--max-tasks must be an integer from 1 to 10000, not \`${shown(maxText ?? "")}\``);
  const json = parsed.flags.has("json");
  let issuer: Issuer;
  try {
    issuer = issuerFromEnv(parsed.values.get("key") ?? (process.env.CAMUNDA_AUTHZ_KEY_FILE?.trim() || undefined));
  } catch (error) {
    process.stderr.write(`camunda-authz audit: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    const report = await auditGrants({ issuer, userToken: token, ...(maxTasks === undefined ? {} : { maxTasks }) });
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : auditText(report));
    return report.differences.length === 0 ? 0 : 1;
  } catch (error) {
    const code = error instanceof AuthzError ? error.code : "ERR_INTERNAL";
    const message = error instanceof Error ? error.message : String(error);
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } }, null, 2)}\n`);
    process.stderr.write(`camunda-authz audit: the audit could not run: ${code}: ${message}\n`);
    return 1;
  }
}
