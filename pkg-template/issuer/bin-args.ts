/// <reference types="node" />
// The npm bin's command-line options: `--name value` or `--name=value`, `--help` (or `-h`)
// anywhere; an unknown option, a repeated one, a missing value or a stray argument is a usage
// error (exit 2), so a mistyped flag never falls back to a default unnoticed.

/** A usage error: the message goes to stderr with a pointer to `--help`, and the exit code is 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface Parsed {
  help: boolean;
  values: Map<string, string>;
  flags: Set<string>;
}

/** `options` take a value, `switches` do not. */
export function parseArgs(args: readonly string[], options: readonly string[], switches: readonly string[] = []): Parsed {
  const parsed: Parsed = { help: false, values: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--help" || arg === "-h") {
      parsed.help = true;
      continue;
    }
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new UsageError(arg.startsWith("-") ? `unknown option \`${shown(arg)}\`` : `unexpected argument \`${shown(arg)}\`: this command takes options only`);
    const name = m[1] as string;
    if (switches.includes(name)) {
      if (m[2] !== undefined) throw new UsageError(`option \`--${name}\` takes no value`);
      parsed.flags.add(name);
      continue;
    }
    if (!options.includes(name)) throw new UsageError(`unknown option \`--${shown(name)}\``);
    if (parsed.values.has(name)) throw new UsageError(`option \`--${name}\` is given twice`);
    let value = m[2];
    if (value === undefined) {
      value = args[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`option \`--${name}\` needs a value`);
      i += 1;
    }
    parsed.values.set(name, value);
  }
  return parsed;
}

/** Text from the command line or a file, for a message: control characters written visibly, and short. */
export function shown(text: string): string {
  const visible = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
  return visible.length > 200 ? `${visible.slice(0, 200)}...` : visible;
}
