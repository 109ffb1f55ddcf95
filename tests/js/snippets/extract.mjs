// Finds the JavaScript code blocks of a Markdown file and the snippet markers before them.
// The convention itself is described in docs/snippets.md and at the top of
// tests/js/readme-snippets.test.mjs.

/** Info-string languages that are JavaScript (or TypeScript / JSX, transformed before running). */
export const LANGUAGES = { js: "js", javascript: "js", mjs: "js", ts: "ts", typescript: "ts", jsx: "jsx", tsx: "tsx" };
/** Info-string words that choose the runtimes; without any, a block runs in Node. */
export const RUNTIME_WORDS = { node: ["node"], deno: ["deno"], workerd: ["workerd"], "edge-light": ["edge-light"], browser: ["browser"], edge: ["node", "deno", "workerd", "edge-light"], service: ["service"] };

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const MARKER = /^<!--\s*snippet-([a-z]+):([\s\S]*?)-->$/;

/**
 * Splits `text` (the Markdown of `file`) into its JavaScript blocks.
 * Returns `{ blocks, problems }`: each block is `{ file, line, id, info, lang, runtimes, code,
 * prelude, skip, checks }` (`line` is the opening fence's, 1-based); each problem is a message
 * that starts with `file:line`.
 */
export function extract(file, text) {
  const lines = text.split("\n");
  const blocks = [];
  const problems = [];
  let pending = []; // markers waiting for their block: { line, kind, value }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const where = `${file}:${i + 1}`;
    if (/^\s*<!--\s*snippet/.test(line)) {
      let end = i;
      while (end < lines.length && !lines[end].includes("-->")) end++;
      const comment = lines.slice(i, end + 1).join("\n").trim();
      const m = MARKER.exec(comment);
      if (!m || !["skip", "prelude", "check"].includes(m[1])) {
        problems.push(`${where}: not a snippet marker: \`${comment.split("\n")[0]}\` (use snippet-skip, snippet-prelude or snippet-check)`);
      } else {
        pending.push({ line: i + 1, kind: m[1], value: m[2].trim() });
      }
      i = end;
      continue;
    }
    const fence = FENCE.exec(line);
    if (!fence) {
      if (line.trim() !== "" && pending.length > 0) {
        problems.push(`${file}:${pending[0].line}: a snippet marker must come directly before a code block (blank lines allowed)`);
        pending = [];
      }
      continue;
    }
    // A fenced block: find its end (the same fence character, at least as long).
    const [, indent, marks, rest] = fence;
    let end = i + 1;
    const close = new RegExp(`^ {0,3}${marks[0] === "`" ? "`" : "~"}{${marks.length},}\\s*$`);
    while (end < lines.length && !close.test(lines[end])) end++;
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
    const info = rest.trim();
    const [word = "", ...words] = info.split(/\s+/).filter(Boolean);
    const lang = LANGUAGES[word.toLowerCase()];
    const markers = pending;
    pending = [];
    if (end >= lines.length) problems.push(`${where}: the code block is never closed`);
    if (word === "") {
      problems.push(`${where}: a code block without a language: write \`\`\`js, \`\`\`sh, \`\`\`console, ...`);
    } else if (lang === undefined) {
      if (markers.length > 0) problems.push(`${file}:${markers[0].line}: a snippet marker on a \`\`\`${word} block, which is not JavaScript and never runs`);
    } else {
      blocks.push(block({ file, line: i + 1, info, lang, words, code: body.join("\n"), markers }, problems));
    }
    i = end;
  }
  if (pending.length > 0) problems.push(`${file}:${pending[0].line}: a snippet marker with no code block after it`);
  return { blocks, problems };
}

function block({ file, line, info, lang, words, code, markers }, problems) {
  const where = `${file}:${line}`;
  const runtimes = new Set();
  for (const w of words) {
    const chosen = RUNTIME_WORDS[w];
    if (chosen) chosen.forEach((r) => runtimes.add(r));
    else problems.push(`${where}: unknown word \`${w}\` in \`\`\`${info} (runtimes are ${Object.keys(RUNTIME_WORDS).join(", ")})`);
  }
  if (runtimes.size === 0) {
    // A fetch handler is edge code more often than not: where it runs must be said, not defaulted.
    if (/^export\s+default\s*\{[\s\S]*\bfetch\b/m.test(code)) problems.push(`${where}: a block that exports a fetch handler must name its runtimes: \`\`\`${info} edge, or \`\`\`${info} node`);
    runtimes.add("node");
  }
  let skip = null;
  const prelude = [];
  const checks = [];
  for (const m of markers) {
    if (m.kind === "skip") {
      if (m.value === "") problems.push(`${file}:${m.line}: a skipped block needs a reason: <!-- snippet-skip: why -->`);
      skip = m.value || "(no reason given)";
    } else if (m.kind === "prelude") {
      prelude.push(m.value);
    } else {
      checks.push(...m.value.split(/[\s,]+/).filter(Boolean));
    }
  }
  const id = `${file.replace(/[^A-Za-z0-9.]+/g, "_")}-L${line}`;
  return { file, line, id, info, lang, runtimes: [...runtimes], code, prelude: prelude.join("\n"), skip, checks };
}

const IMPORT = /^import\s(?:[\s\S]*?\sfrom\s*)?["'][^"']+["'];?/gm;

/**
 * The module text of a block: its hidden prelude, then its code. `offset` maps a module line
 * back: README line = line - offset. With `deferred`, a block without `export` runs in an
 * exported `__run()` instead of at the top level (workerd allows no I/O there, as a Worker's
 * code would be in a handler): its imports move to the first line, lines stay where they were.
 */
export function moduleOf(block, { deferred = false } = {}) {
  const head = block.prelude === "" ? [] : [block.prelude];
  const preludeLines = head.length === 0 ? 0 : block.prelude.split("\n").length;
  const source = [...head, block.code].join("\n");
  if (!deferred || /^export\s/m.test(source)) return { text: `${source}\n`, offset: preludeLines - block.line, deferred: false };
  const imports = (source.match(IMPORT) ?? []).map((m) => m.replace(/\s*\n\s*/g, " "));
  const body = source.replace(IMPORT, (m) => m.replace(/[^\n]/g, ""));
  return { text: `${imports.join(" ")} export async function __run() {\n${body}\n}\n`, offset: preludeLines + 1 - block.line, deferred: true };
}
