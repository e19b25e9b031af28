/**
 * The one check every unit's parameters go through: a whole number in a range, or an error that
 * names the unit, the parameter, its value, the range and how to mend it.
 */
import { HdlError } from "../hdl/index.js";

export function requireWhole(unit: string, name: string, v: number, lo: number, hi: number, mend = ""): void {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new HdlError(`${unit}: ${name} = ${v} must be a whole number ${lo}..${hi}${mend ? `; ${mend}` : ""}`);
}
