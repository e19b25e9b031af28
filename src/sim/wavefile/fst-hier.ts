/**
 * An FST hierarchy (the bytes of block 4, 6 or 7 once expanded) as vars: scopes nest by
 * FST_ST_VCD_SCOPE (254) ... FST_ST_VCD_UPSCOPE (255), whatever their scope type; attributes
 * (252 begin, 253 end) are skipped; any other tag is a var of that type (fstapi.h fstVarType):
 *   tag, direction, name NUL, varint length, varint alias handle (0: the next new handle)
 * Var kinds are fstapi's names for the types; a var's width is its length, except reals (whose
 * length is the 8 bytes of a double: 64 bits, 32 for shortreal) and ports (3 * bits + 2).
 */
import { ST_GEN_ATTRBEGIN, ST_GEN_ATTREND, ST_VCD_SCOPE, ST_VCD_UPSCOPE } from "../fst/hierarchy.js";
import { Cursor } from "./fst-bytes.js";
import { stripRange } from "./names.js";
import type { WaveVarInfo } from "./types.js";

/** fstapi.c `vartypes`: the kind of each FST var type, by number. */
export const FST_VAR_KINDS = [
  "event", "integer", "parameter", "real", "real_parameter",
  "reg", "supply0", "supply1", "time", "tri",
  "triand", "trior", "trireg", "tri0", "tri1",
  "wand", "wire", "wor", "port", "sparray", "realtime",
  "string",
  "bit", "logic", "int", "shortint", "longint", "byte", "enum", "shortreal",
];

const VT_REAL = 3, VT_REAL_PARAMETER = 4, VT_PORT = 18, VT_REALTIME = 20, VT_SHORTREAL = 29;

export function isRealType(t: number): boolean {
  return t === VT_REAL || t === VT_REAL_PARAMETER || t === VT_REALTIME || t === VT_SHORTREAL;
}

export interface FstHierarchy {
  vars: WaveVarInfo[];
  /** Handles in use (the highest handle a var names). */
  maxHandle: number;
  /** Per handle (0-based), for files without a geometry block: its value length as fstapi stores it, and whether it is real. */
  lengths: number[];
  reals: boolean[];
}

/** Parses the hierarchy; throws a RangeError (or Error) on bytes that are not one. */
export function parseHierarchy(bytes: Uint8Array): FstHierarchy {
  const c = new Cursor(bytes);
  const scope: string[] = [];
  const vars: WaveVarInfo[] = [];
  const lengths: number[] = [], reals: boolean[] = [];
  let handles = 0;
  while (c.left > 0) {
    const tag = c.byte();
    if (tag === ST_VCD_SCOPE) {
      c.byte(); // scope type: module, task, ... (all nest the same)
      scope.push(c.cstring());
      c.cstring(); // component (the module's type name)
    } else if (tag === ST_VCD_UPSCOPE) {
      if (scope.length === 0) throw new Error("an upscope without an open scope");
      scope.pop();
    } else if (tag === ST_GEN_ATTRBEGIN) {
      c.byte(); // attribute type
      c.byte(); // subtype
      c.cstring();
      c.varint();
    } else if (tag === ST_GEN_ATTREND) {
      // nothing more
    } else {
      c.byte(); // direction
      const name = stripRange(c.cstring());
      const length = c.varint();
      const alias = c.varint();
      const real = isRealType(tag);
      let width = length;
      if (real) width = tag === VT_SHORTREAL ? 32 : 64;
      else if (tag === VT_PORT) width = Math.floor((length - 2) / 3);
      let handle = alias;
      if (alias === 0) {
        handle = ++handles;
        lengths.push(real ? 8 : length);
        reals.push(real);
      }
      vars.push({ path: scope.length ? scope.join(".") + "." + name : name, width, kind: FST_VAR_KINDS[tag] ?? `type${tag}`, id: handle - 1 });
    }
  }
  const maxHandle = vars.reduce((m, v) => Math.max(m, v.id + 1), handles);
  return { vars, maxHandle, lengths, reals };
}
