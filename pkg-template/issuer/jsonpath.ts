// The JSONPath subset Camunda's claim rules need, read and evaluated as Jayway JsonPath (the
// library Camunda's MappingRuleMatcher and OidcGroupsLoader evaluate claims with) reads and
// evaluates it, with Camunda's option DEFAULT_PATH_LEAF_TO_NULL: names (`.a`, `['a']`, `["a"]`),
// indexes (`[0]`, `[-1]`), wildcards (`.*`, `[*]`) and deep scans (`..a`, `..*`, `..[0]`,
// `..['a']`). Anything else Jayway knows (filters `[?(...)]`, slices, unions, functions) is a
// JsonPathError naming it: the caller reports it, it never quietly matches nothing.
//
// As Jayway: a path without a leading `$` starts at the root (`a.b` is `$.a.b`); a definite path
// (names and indexes only) reads one value, or undefined where a step is missing (a missing last
// name reads null); an indefinite one (a wildcard or a scan) reads the list of every value it
// reaches, skipping the branches where a step is missing (a missing last name adds null), and a
// scan `..a` reaches only the objects that have `a`.

export class JsonPathError extends Error {
  /** True when Jayway refuses the text too (Camunda then matches nothing); false when only the issuer cannot evaluate it. */
  readonly invalid: boolean;
  constructor(message: string, invalid: boolean) {
    super(message);
    this.invalid = invalid;
  }
}

function notJsonPath(text: string, why: string): JsonPathError {
  return new JsonPathError(`\`${text}\` is not JSONPath: ${why}`, true);
}

type Step = { kind: "name"; name: string } | { kind: "index"; index: number } | { kind: "wildcard" } | { kind: "scan"; step: Step };

export interface JsonPath {
  readonly text: string;
  readonly steps: readonly Step[];
  /** Names and indexes only: one value, not a list. */
  readonly definite: boolean;
}

/** How deep a scan walks (claims are a token's payload; deeper is refused, not walked). */
const MAX_DEPTH = 64;

function unsupported(text: string, what: string): JsonPathError {
  return new JsonPathError(`\`${text}\` uses ${what}, which the issuer does not evaluate (it reads names, indexes, \`*\` and \`..\`)`, false);
}

/** A quoted name from `quote` at `at`; returns the name and the index after the closing quote. */
function quoted(text: string, at: number): [string, number] {
  const quote = text[at];
  let name = "";
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\\") {
      const next = text[i + 1];
      if (next === undefined || !"\\'\"/".includes(next)) throw unsupported(text, `the escape \`\\${next ?? ""}\``);
      name += next;
      i += 1;
    } else if (c === quote) return [name, i + 1];
    else name += c;
  }
  throw notJsonPath(text, "a quoted name is not closed");
}

/** One bracket step `[...]` at `at` (the `[`); returns it and the index after `]`. */
function bracket(text: string, at: number): [Step, number] {
  const c = text[at + 1];
  if (c === "*" && text[at + 2] === "]") return [{ kind: "wildcard" }, at + 3];
  if (c === "'" || c === '"') {
    const [name, end] = quoted(text, at + 1);
    if (text[end] === ",") throw unsupported(text, "a union of names");
    if (text[end] !== "]") throw notJsonPath(text, "`]` expected after a quoted name");
    return [{ kind: "name", name }, end + 1];
  }
  const m = /^\[\s*(-?\d+)\s*\]/.exec(text.slice(at));
  if (m && m[1] !== undefined) return [{ kind: "index", index: Number(m[1]) }, at + m[0].length];
  const inner = text.slice(at + 1, text.indexOf("]", at) < 0 ? undefined : text.indexOf("]", at));
  if (inner.startsWith("?")) throw unsupported(text, "a filter");
  if (inner.includes(":")) throw unsupported(text, "an array slice");
  if (inner.includes(",")) throw unsupported(text, "a union of indexes");
  throw unsupported(text, `\`[${inner}\``);
}

/** A dotted name at `at`: up to the next `.` or `[`; returns it and the index after it. */
function dotted(text: string, at: number): [Step, number] {
  if (text[at] === "*") return [{ kind: "wildcard" }, at + 1];
  let end = at;
  while (end < text.length && text[end] !== "." && text[end] !== "[") {
    if (text[end] === "(") throw unsupported(text, "a function");
    if (text[end] === " ") throw notJsonPath(text, "a name with a blank needs brackets (`['my name']`)");
    end += 1;
  }
  if (end === at) throw notJsonPath(text, "a name is missing after `.`");
  return [{ kind: "name", name: text.slice(at, end) }, end];
}

/** Reads a path as Jayway's PathCompiler does; a JsonPathError for anything else. */
export function compileJsonPath(expression: string): JsonPath {
  const trimmed = expression.trim();
  if (trimmed.startsWith("@")) throw unsupported(expression, "`@` outside a filter");
  const text = trimmed.startsWith("$") ? trimmed : `$.${trimmed}`;
  const steps: Step[] = [];
  let i = 1;
  while (i < text.length) {
    let step: Step;
    if (text.startsWith("..", i)) {
      const [inner, end] = text[i + 2] === "[" ? bracket(text, i + 2) : dotted(text, i + 2);
      step = { kind: "scan", step: inner };
      i = end;
    } else if (text[i] === "." && text[i + 1] === "[") [step, i] = bracket(text, i + 1); // `.['name']`, as Jayway's readDotToken reads it
    else if (text[i] === ".") [step, i] = dotted(text, i + 1);
    else if (text[i] === "[") [step, i] = bracket(text, i);
    else throw notJsonPath(expression, `\`${text.slice(i)}\` is not a step`);
    steps.push(step);
  }
  return { text: expression, steps, definite: steps.every((s) => s.kind === "name" || s.kind === "index") };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The nodes `node` and everything under it. */
function subtree(node: unknown, depth: number, visit: (v: unknown) => void): void {
  if (depth > MAX_DEPTH) throw new JsonPathError(`the claims nest deeper than ${MAX_DEPTH} levels under a \`..\` scan`, false);
  if (!Array.isArray(node) && !isObject(node)) return;
  visit(node);
  for (const child of Array.isArray(node) ? node : Object.values(node)) subtree(child, depth + 1, visit);
}

/**
 * The value at the path: for a definite path the value (undefined where a step is missing), for
 * an indefinite one the list of values reached.
 */
export function readJsonPath(path: JsonPath, root: unknown): unknown {
  const out: unknown[] = [];
  const last = path.steps.length - 1;
  const apply = (step: Step, node: unknown, i: number, scanned: boolean): void => {
    switch (step.kind) {
      case "name":
        if (!isObject(node)) return;
        if (Object.hasOwn(node, step.name)) walk(node[step.name], i + 1);
        else if (i === last && !scanned) walk(null, i + 1); // DEFAULT_PATH_LEAF_TO_NULL
        return;
      case "index": {
        if (!Array.isArray(node)) return;
        const at = step.index < 0 ? node.length + step.index : step.index;
        if (at >= 0 && at < node.length) walk(node[at], i + 1);
        return;
      }
      case "wildcard":
        if (Array.isArray(node)) for (const v of node) walk(v, i + 1);
        else if (isObject(node)) for (const v of Object.values(node)) walk(v, i + 1);
        return;
      case "scan":
        subtree(node, 0, (v) => apply(step.step, v, i, true));
        return;
    }
  };
  const walk = (node: unknown, i: number): void => {
    const step = path.steps[i];
    if (step === undefined) out.push(node);
    else apply(step, node, i, false);
  };
  walk(root, 0);
  return path.definite ? out[0] : out;
}
