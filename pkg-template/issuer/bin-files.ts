/// <reference types="node" />
// Files for the npm bin, as the native CLI handles them (src/bin/camunda-authz/files.rs): a file
// is read up to a bound (a key file of /dev/zero is refused after the bound, not read until
// memory runs out), and an output file is never written through a symbolic link nor rewritten
// in place: without `force` an existing name is refused (O_CREAT | O_EXCL | O_NOFOLLOW); with it
// the text goes to a new file beside it, which then takes the name. A private key gets mode 0600.
import { closeSync, constants, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { shown } from "./bin-args.js";

/** A file's text, at most `max` bytes; more is an error naming the bound, not the content. */
export function readBounded(path: string, max: number, what: string): string {
  const fd = openSync(path, constants.O_RDONLY);
  try {
    const buffer = Buffer.alloc(Math.min(max + 1, 64 * 1024));
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      size += n;
      if (size > max) throw new Error(`${what} \`${shown(path)}\` is larger than ${max} bytes`);
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function createNew(path: string, mode: number): number {
  return openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode);
}

function writeAll(fd: number, text: string): void {
  writeSync(fd, `${text}\n`);
  fsyncSync(fd);
}

/** Writes `text` and a newline to a new file (see the top); `private` files get mode 0600. */
export function writeFile(path: string, text: string, options: { private: boolean; force: boolean }): void {
  const mode = options.private ? 0o600 : 0o666;
  if (!options.force) {
    let fd: number;
    try {
      fd = createNew(path, mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new Error(`\`${shown(path)}\` already exists; pass --force to overwrite it`);
      throw error;
    }
    try {
      writeAll(fd, text);
    } catch (error) {
      unlinkSync(path);
      throw error;
    } finally {
      closeSync(fd);
    }
    return;
  }
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString("hex")}.tmp`);
  const fd = createNew(temporary, mode);
  try {
    try {
      writeAll(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // already gone
    }
    throw error;
  }
}
