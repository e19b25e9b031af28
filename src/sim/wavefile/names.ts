/**
 * Var names: the bit range a writer puts after a name is not part of the var's path, and users
 * name vars by path, by path with its range, or by glob (findVars).
 */
import { editDistance } from "../../io/edit-distance.js";
import { globToRegExp } from "../vcd/filter.js";
import { WaveFileError } from "./errors.js";
import type { WaveReader, WaveVarInfo } from "./types.js";

/**
 * A declared name without its bit range: "acc [31:0]" and "acc[31:0]" are "acc". A lone index
 * after a space ("data [3]", a bit of a vector dumped bit by bit) stays, attached ("data[3]"), so
 * the bits keep distinct paths; an attached index ("mem[3]", an array word) stays as written.
 */
export function stripRange(name: string): string {
  const range = /^(.*?)\s*\[\s*-?\d+\s*:\s*-?\d+\s*\]$/.exec(name);
  if (range && range[1]) return range[1];
  const index = /^(.*\S)\s+\[\s*(-?\d+)\s*\]$/.exec(name);
  if (index) return `${index[1]}[${index[2]}]`;
  return name;
}

/**
 * The vars `patterns` name, in file order, each once. A pattern is an exact path
 * ("top.grid.acc"), a path with a bit range ("top.grid.acc[31:0]", the range ignored), or a glob as
 * in the tracer's filters: `*` within one level, `**` across levels, `?` one char; a glob without a
 * dot matches the last name only ("acc*"), one with a dot the whole path ("top.*.acc").
 * A pattern that matches nothing is an error naming the file and some close names.
 */
export function findVars(reader: Pick<WaveReader, "path" | "vars">, patterns: string | readonly string[]): WaveVarInfo[] {
  const list = typeof patterns === "string" ? [patterns] : patterns;
  const chosen = new Set<WaveVarInfo>();
  for (const pattern of list) {
    const found = matchVars(reader.vars, pattern);
    if (found.length === 0) {
      const close = closeNames(reader.vars, pattern);
      const hint = close.length ? `close names: ${close.join(", ")}` : `it has ${reader.vars.length} vars${reader.vars.length ? `, e.g. ${reader.vars.slice(0, 5).map((v) => v.path).join(", ")}` : ""}`;
      throw new WaveFileError(reader.path, `no var matches '${pattern}'; ${hint} (give a full path, e.g. top.sub.name, or a glob with * and ?)`);
    }
    for (const v of found) chosen.add(v);
  }
  return reader.vars.filter((v) => chosen.has(v));
}

function matchVars(vars: readonly WaveVarInfo[], pattern: string): WaveVarInfo[] {
  const exact = vars.filter((v) => v.path === pattern);
  if (exact.length) return exact;
  const bare = stripRange(pattern);
  const ranged = vars.filter((v) => v.path === bare);
  if (ranged.length) return ranged;
  if (!/[*?]/.test(pattern)) return [];
  const re = globToRegExp(pattern);
  if (pattern.includes(".")) return vars.filter((v) => re.test(v.path));
  return vars.filter((v) => re.test(lastName(v.path)));
}

const lastName = (path: string) => path.slice(path.lastIndexOf(".") + 1);

/** Up to 8 paths closest to `pattern` (by edit distance on the path or on the last name). */
export function closeNames(vars: readonly WaveVarInfo[], pattern: string): string[] {
  const want = stripRange(pattern).toLowerCase();
  const wantLast = lastName(want);
  const scored: [number, string][] = [];
  const seen = new Set<string>();
  for (const v of vars) {
    if (seen.has(v.path)) continue;
    seen.add(v.path);
    const p = v.path.toLowerCase();
    const d = Math.min(editDistance(want, p, 8), editDistance(wantLast, lastName(p), 8) + (want.includes(".") ? 1 : 0));
    const within = Math.max(2, Math.floor(want.length / 3));
    if (d <= within || p.endsWith("." + wantLast) || (wantLast.length >= 3 && p.includes(wantLast))) scored.push([d, v.path]);
  }
  scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
  return scored.slice(0, 8).map(([, path]) => path);
}
