/**
 * The bit-slice encoder of MCBP (papers.md section 4): one m-row group column of INT8 weights per
 * cycle in, the sign pattern and the 7 magnitude-plane patterns of that column out (sign-magnitude,
 * golden signMagnitude / bitPlanes / groupPattern). Weights are stored sign-magnitude so the high
 * magnitude planes are mostly zero, which is what BSTC (bstc-encoder.ts) compresses.
 *
 * Per lane i (group row i): sign = w[7]; |w| = (w ^ sign*0xFF) + sign (two's complement negate
 * when negative), 7 bits. Pattern bit (m-1-i) of plane p is bit p-1 of lane i's |w| (group row 0
 * is the pattern's MSB, as golden groupPattern). -128 has no sign-magnitude form: it comes out as
 * sign 1, magnitude 0, and raises `out_bad` for that column.
 *
 * Ports (latency 1: everything registered, one column per cycle, no backpressure):
 *   in_valid u1, in_last u1 (passed through: last column of a group), in_w_<i> s8, i = 0..m-1
 *   out_valid u1, out_last u1, out_sign u(m), out_plane_<p> u(m) p = 1..7 (1 = LSB of |w|),
 *   out_bad u1 (some lane was -128)
 */
import { Expr, Module, Signal, cat, s, u } from "../../hdl/index.js";

export interface BitsliceEncoderParams {
  /** Rows per group (pattern width); 1..16, the paper uses 4. */
  readonly m: number;
}

export interface BitsliceEncoderPorts {
  readonly module: Module;
  readonly inValid: Signal;
  readonly inLast: Signal;
  /** in_w_<i>: group row i's weight. */
  readonly inW: readonly Signal[];
  readonly outValid: Signal;
  readonly outLast: Signal;
  readonly outSign: Signal;
  /** outPlane[p - 1] = out_plane_<p>, p = 1..7. */
  readonly outPlane: readonly Signal[];
  readonly outBad: Signal;
}

export const MAG_PLANES = 7;

export function checkPatternWidth(who: string, m: number): void {
  if (!Number.isInteger(m) || m < 1 || m > 16) throw new Error(`${who}: m = ${m} must be a whole number 1..16 (rows per group; the paper uses 4)`);
}

export function makeBitsliceEncoder(p: BitsliceEncoderParams): BitsliceEncoderPorts {
  checkPatternWidth("bit-slice encoder", p.m);
  const { m } = p;
  const mod = new Module("bitslice_encoder");
  const inValid = mod.input("in_valid", u(1)), inLast = mod.input("in_last", u(1));
  const inW = Array.from({ length: m }, (_, i) => mod.input(`in_w_${i}`, s(8)));
  const outValid = mod.output("out_valid", u(1)), outLast = mod.output("out_last", u(1));
  const outSign = mod.output("out_sign", u(m));
  const outPlane = Array.from({ length: MAG_PLANES }, (_, k) => mod.output(`out_plane_${k + 1}`, u(m)));
  const outBad = mod.output("out_bad", u(1));

  const sign: Expr[] = [], mag: Expr[] = [], bad: Expr[] = [];
  inW.forEach((w, i) => {
    const x = w.asUnsigned();
    const neg = x.bit(7);
    // Conditional two's-complement negate; an 8-bit result so -128 shows up in bit 7.
    const abs = mod.signal(`abs_${i}`, u(8));
    mod.comb.set(abs, x.xor(neg.replicate(8)).add(neg).trunc(8));
    sign.push(neg);
    mag.push(abs);
    bad.push(abs.bit(7));
  });
  // cat() is MSB first, so lane 0 (group row 0) lands in the pattern's MSB.
  const pattern = (bits: (i: number) => Expr) => cat(...Array.from({ length: m }, (_, i) => bits(i)));

  mod.sync.set(outValid, inValid);
  mod.sync.set(outLast, inLast);
  mod.sync.set(outSign, pattern((i) => sign[i]));
  outPlane.forEach((o, k) => mod.sync.set(o, pattern((i) => mag[i].bit(k))));
  mod.sync.set(outBad, inValid.and(bad.reduce((a, b) => a.or(b))));
  return { module: mod, inValid, inLast, inW, outValid, outLast, outSign, outPlane, outBad };
}
