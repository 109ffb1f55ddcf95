// How the stand-in reads a token's claims, written for it from Camunda's source (not shared with
// the issuer): Jayway JsonPath as Camunda's MappingRuleMatcher and OidcGroupsLoader use it, for
// the expressions tests give it: `$`, `.name`, `['name']`, `[n]`, `[*]`, `.*`, `..name`. A path
// without `$` is `$.` + path for 8.8/8.9 mapping rules (Jayway's PathCompiler), `$['name']` for
// the groups claim and, from 8.10, for mapping rules (camunda-security-library MappingRuleMatcher).
// Returns { value } for a definite path, { list } for an indefinite one, or { invalid: true }.

const TOKEN = /^(?:\.\.([^.[\]]+)|\.\*|\.([^.[\]\s(]+)|\['((?:[^'\\]|\\.)*)'\]|\[(-?\d+)\]|\[\*\])/;

function tokens(path) {
  const out = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const m = TOKEN.exec(rest);
    if (!m) return null;
    if (m[1] !== undefined) out.push({ scan: m[1] });
    else if (m[0] === ".*" || m[0] === "[*]") out.push({ all: true });
    else if (m[2] !== undefined) out.push({ key: m[2] });
    else if (m[3] !== undefined) out.push({ key: m[3].replace(/\\(.)/g, "$1") });
    else out.push({ index: Number(m[4]) });
    rest = rest.slice(m[0].length);
  }
  return out;
}

const isMap = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function everyNode(v, f) {
  if (isMap(v) || Array.isArray(v)) {
    f(v);
    for (const c of Object.values(v)) everyNode(c, f);
  }
}

export function readClaim(claims, path) {
  if (!path.startsWith("$")) return { invalid: true };
  const steps = tokens(path);
  if (steps === null) return { invalid: true };
  const definite = steps.every((s) => s.key !== undefined || s.index !== undefined);
  let nodes = [claims];
  steps.forEach((s, i) => {
    const leaf = i === steps.length - 1;
    const next = [];
    for (const n of nodes) {
      if (s.key !== undefined) {
        if (isMap(n) && Object.hasOwn(n, s.key)) next.push(n[s.key]);
        else if (isMap(n) && leaf) next.push(null);
      } else if (s.index !== undefined) {
        if (Array.isArray(n)) {
          const at = s.index < 0 ? n.length + s.index : s.index;
          if (at >= 0 && at < n.length) next.push(n[at]);
        }
      } else if (s.all) {
        if (isMap(n) || Array.isArray(n)) next.push(...Object.values(n));
      } else everyNode(n, (m) => isMap(m) && Object.hasOwn(m, s.scan) && next.push(m[s.scan]));
    }
    nodes = next;
  });
  return definite ? { value: nodes[0] } : { list: nodes };
}

/** A claim name as Camunda quotes one without `$`. */
export const literal = (name) => (name.startsWith("$") ? name : `$['${name.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`);
/** ... and as Jayway reads one for 8.8/8.9 mapping rules. */
export const dotted = (name) => (name.startsWith("$") ? name : `$.${name}`);
