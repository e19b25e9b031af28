/**
 * The VCD header: $date/$version/$timescale, then the vars in nested `$scope module` blocks, in the
 * order their scopes first appear. Identifier codes are short base-94 strings of printable ASCII.
 */

/** The k-th identifier code: "!", "\"", ..., "~", "!!", ... (printable ASCII 33..126). */
export function idCode(k: number): string {
  let s = "";
  do {
    s += String.fromCharCode(33 + (k % 94));
    k = Math.floor(k / 94) - 1;
  } while (k >= 0);
  return s;
}

export interface HeaderVar {
  scope: readonly string[];
  /** `$var` type: wire, reg or string. */
  type: string;
  width: number;
  id: string;
  name: string;
}

export interface HeaderInfo {
  date: string;
  version: string;
  timescale: string;
  vars: readonly HeaderVar[];
}

/** VCD identifiers and scope names cannot hold whitespace; nor can `$` start a token. */
export function vcdName(name: string): string {
  const s = name.replace(/\s+/g, "_");
  return s.length === 0 ? "_" : s.startsWith("$") ? "_" + s.slice(1) : s;
}

/** "1ns", "10 ps", ... checked against what the VCD grammar allows. */
export function checkTimescale(ts: string): string {
  const m = /^\s*(1|10|100)\s*(s|ms|us|ns|ps|fs)\s*$/.exec(ts);
  if (!m) throw new Error(`VCD timescale '${ts}' is not valid: use 1, 10 or 100 followed by s, ms, us, ns, ps or fs (e.g. "1ns")`);
  return m[1] + m[2];
}

interface ScopeNode {
  name: string;
  vars: HeaderVar[];
  children: Map<string, ScopeNode>;
}

export function headerText(h: HeaderInfo): string {
  const root: ScopeNode = { name: "", vars: [], children: new Map() };
  for (const v of h.vars) {
    let node = root;
    for (const s of v.scope) {
      let child = node.children.get(s);
      if (!child) {
        child = { name: s, vars: [], children: new Map() };
        node.children.set(s, child);
      }
      node = child;
    }
    node.vars.push(v);
  }
  const out: string[] = [
    `$date\n  ${h.date}\n$end`,
    `$version\n  ${h.version}\n$end`,
    `$timescale ${h.timescale} $end`,
  ];
  const emit = (node: ScopeNode) => {
    for (const v of node.vars) {
      const range = v.type !== "string" && v.width > 1 ? ` [${v.width - 1}:0]` : "";
      out.push(`$var ${v.type} ${v.width} ${v.id} ${vcdName(v.name)}${range} $end`);
    }
    for (const c of node.children.values()) {
      out.push(`$scope module ${vcdName(c.name)} $end`);
      emit(c);
      out.push(`$upscope $end`);
    }
  };
  emit(root);
  out.push("$enddefinitions $end", "");
  return out.join("\n");
}
