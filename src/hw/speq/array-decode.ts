/**
 * Weight decoding for the SPEQ PE array (papers.md section 2; encoding in src/golden/speq.ts):
 * the per-tensor tables a PE needs, built at elaboration from the tensor's scale `top`, and the
 * constant-table mux they become. A real chip would load these few entries per tensor into
 * registers; here `top` is a parameter so the tables are constants.
 *
 *   - full word [sign | code(3) | index(2) | mantissa(10)] -> binary16: the exponent field is a
 *     32-entry table of (code, index) -> top - d; the zero encoding (last code, index one past its
 *     binades, mantissa 0) and unused (code, index) pairs map to field 0, so a zero comes out as
 *     the signed zero with no extra logic.
 *   - draft nibble [sign | code] -> binary16: +-1.5 * 2^(e - 15) for the code's middle binade e,
 *     rounded to binary16 (a bucket of an even number of binades has a half-integer middle, so its
 *     draft is 1.5 * 2^-0.5 * 2^k rounded, not a power-of-two multiple of 1.5), and the last code
 *     drafts as the signed zero.
 */
import { Expr, Module, constant, mux, u } from "../../hdl/index.js";
import { speqCodes, type SpeqConfig } from "../../golden/speq.js";
import { wire } from "./fp-format.js";

/** Round a positive real to the nearest binary16 pattern, ties to even (no overflow: |v| < 2^16 here). */
export function roundToF16(v: number): number {
  if (v <= 0) throw new Error(`roundToF16: ${v} must be positive`);
  // The binade's scale, clamped at the subnormal scale 2^-14.
  const E = Math.max(Math.floor(Math.log2(v)), -14);
  const q = v / 2 ** (E - 10); // significand in units of the last place, 1024..2047 for normals
  const fl = Math.floor(q), fr = q - fl;
  let r = fr > 0.5 || (fr === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
  let e = E;
  if (r === 2048) { r = 1024; e++; }
  if (r < 1024) return r; // subnormal (only when E = -14)
  return ((e + 15) << 10) | (r - 1024);
}

/** The exponent field per (code << 2 | index), 0 for the zero encoding and unused pairs. */
export function fullExponentTable(top: number, config: SpeqConfig): number[] {
  const codes = speqCodes(config);
  return Array.from({ length: 32 }, (_, k) => {
    const ds = codes[k >> 2], idx = k & 3;
    return idx < ds.length ? Math.max(top - ds[idx], 0) : 0;
  });
}

/** The draft binary16 pattern per nibble [sign | code]. */
export function draftTable(top: number, config: SpeqConfig): number[] {
  const codes = speqCodes(config);
  return Array.from({ length: 16 }, (_, nib) => {
    const sign = (nib >> 3) << 15, code = nib & 7;
    if (code === codes.length - 1) return sign;
    const ds = codes[code];
    return sign | roundToF16(1.5 * 2 ** (top - (ds[0] + ds[ds.length - 1]) / 2 - 15));
  });
}

/** A constant table read as a balanced mux tree on the bits of `sel` (LSB at the leaves). */
export function constTable(m: Module, name: string, sel: Expr, values: readonly number[], width: number): Expr {
  let level: Expr[] = values.map((v) => constant(v, u(width)));
  for (let b = 0; level.length > 1; b++) {
    const next: Expr[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mux(sel.bit(b), level[i + 1], level[i]) : level[i]);
    level = next;
  }
  return wire(m, name, level[0]);
}
