/**
 * Which traced vars go into a VCD: hierarchy prefixes and name patterns.
 *
 * A var's path is its scope and name joined with dots: "top.grid.pe_0_0.acc".
 *  - scopes: ["top.grid"] keeps vars in scope top.grid and below (a full var path works too).
 *  - signals: string globs or RegExps. A glob without a dot is matched against the bare name
 *    ("acc*"); a glob with a dot against the whole path ("top.grid.*.acc"). `*` matches within
 *    one level, `**` across levels, `?` one character. A RegExp is tested against the whole path.
 * With both given, a var must pass both.
 */
import type { TraceVar } from "./types.js";

export interface TraceFilter {
  scopes?: readonly string[];
  signals?: readonly (string | RegExp)[];
}

export function varPath(v: { scope: readonly string[]; name: string }): string {
  return v.scope.length === 0 ? v.name : v.scope.join(".") + "." + v.name;
}

/** Glob to an anchored RegExp: `**` any characters, `*` any but '.', `?` one but '.'. */
export function globToRegExp(glob: string): RegExp {
  let src = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      src += ".*";
      i++;
    } else if (c === "*") src += "[^.]*";
    else if (c === "?") src += "[^.]";
    else src += c.replace(/[\\^$.|+()[\]{}]/g, "\\$&");
  }
  return new RegExp("^" + src + "$");
}

/** A predicate over vars, or undefined when the filter keeps everything. */
export function compileFilter(filter: TraceFilter): ((v: TraceVar) => boolean) | undefined {
  const scopes = filter.scopes ?? [];
  const patterns = (filter.signals ?? []).map((p) => {
    if (typeof p !== "string") {
      const re = new RegExp(p.source, p.flags.replace(/[gy]/g, "")); // no lastIndex state
      return (path: string) => re.test(path);
    }
    const re = globToRegExp(p);
    return p.includes(".") ? (path: string) => re.test(path) : (_: string, name: string) => re.test(name);
  });
  if (scopes.length === 0 && patterns.length === 0) return undefined;
  return (v) => {
    const path = varPath(v);
    if (scopes.length > 0 && !scopes.some((s) => path === s || path.startsWith(s + "."))) return false;
    if (patterns.length > 0 && !patterns.some((match) => match(path, v.name))) return false;
    return true;
  };
}

export function describeFilter(filter: TraceFilter): string {
  const parts: string[] = [];
  if (filter.scopes?.length) parts.push(`scopes [${filter.scopes.map((s) => JSON.stringify(s)).join(", ")}]`);
  if (filter.signals?.length)
    parts.push(`signals [${filter.signals.map((s) => (typeof s === "string" ? JSON.stringify(s) : String(s))).join(", ")}]`);
  return parts.join(" and ");
}
