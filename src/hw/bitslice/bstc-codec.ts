/**
 * The MCBP weight CODEC path as one design (what the `mcbp-bstc` testbench runs and emits): the
 * bit-slice encoder (encoder.ts) turns a column of m INT8 weights per cycle into the sign and 7
 * magnitude-plane patterns; `plane` picks the one plane being coded now (paper numbering: 1..7 =
 * magnitude bit, 8 = sign; anything else codes zeros); the BSTC encoder (bstc-encoder.ts) codes it
 * and writes its words into the decoder's bank at `enc_base` + word index; the BSTC decoder
 * (bstc-decoder.ts) decodes segments from there on its lanes.
 *
 * One plane at a time through one BSTC encoder: the paper instantiates several encoders (one per
 * coded plane) so planes code in parallel; that is a matter of instances, not of this datapath.
 *
 * Ports:
 *   w_valid u1, w_last u1, w_<i> s8 (i = 0..m-1)      weights in, in the BSTC encoder's input order
 *   plane u4                                          held while a plane is coded
 *   enc_start u1, enc_cols, enc_groups, enc_base u(bitsFor(depth))   start coding a plane
 *   bs_valid u1, bs_last u1, bs_sign u(m), bs_plane_<p> u(m), bs_bad u1   the bit-slice encoder
 *   enc_busy, enc_done, total_bits, word_valid, word_data, word_addr, seg_valid, seg_index,
 *     seg_start                                       the BSTC encoder (word_addr relative to enc_base)
 *   lane<i>_*, pat<i>_*                               the decoder's lanes, as in bstc-decoder.ts
 */
import { Expr, Module, bitsFor, constant, s, u } from "../../hdl/index.js";
import { makeBstcDecoder } from "./bstc-decoder.js";
import { makeBstcEncoder } from "./bstc-encoder.js";
import { MAG_PLANES, makeBitsliceEncoder } from "./encoder.js";

export interface BstcCodecParams {
  readonly m: number;
  readonly wordBits: number;
  readonly segCols: number;
  readonly lanes: number;
  /** The largest plane coded: columns and groups. */
  readonly maxCols: number;
  readonly maxGroups: number;
  /** Bank words. */
  readonly depth: number;
}

/** Plane number of the sign (papers.md: bit positions 1..7 magnitude, 8 sign). */
export const SIGN_PLANE = 8;

export function makeBstcCodec(p: BstcCodecParams): Module {
  const mod = new Module("mcbp_bstc");
  const enc = makeBitsliceEncoder({ m: p.m });
  const benc = makeBstcEncoder({ m: p.m, wordBits: p.wordBits, segCols: p.segCols, maxCols: p.maxCols, maxGroups: p.maxGroups });
  const dec = makeBstcDecoder({ m: p.m, wordBits: p.wordBits, lanes: p.lanes, depth: p.depth, segCols: Math.min(p.segCols, p.maxCols), maxGroups: p.maxGroups });
  mod.submodule("enc", enc.module);
  mod.submodule("benc", benc.module);
  mod.submodule("dec", dec.module);

  const input = (name: string, to: Expr, shape = to.shape) => mod.comb.set(to, mod.input(name, shape));
  const output = (name: string, from: Expr) => mod.comb.set(mod.output(name, from.shape), from);

  // Bit-slice encoder.
  input("w_valid", enc.inValid);
  input("w_last", enc.inLast);
  enc.inW.forEach((w, i) => input(`w_${i}`, w, s(8)));
  output("bs_valid", enc.outValid);
  output("bs_last", enc.outLast);
  output("bs_sign", enc.outSign);
  enc.outPlane.forEach((o, k) => output(`bs_plane_${k + 1}`, o));
  output("bs_bad", enc.outBad);

  // Plane select into the BSTC encoder.
  const plane = mod.input("plane", u(4));
  const sel = mod.signal("sel_pattern", u(p.m));
  let sw = mod.switch(plane).case(SIGN_PLANE, () => mod.comb.set(sel, enc.outSign));
  for (let k = 1; k <= MAG_PLANES; k++) sw = sw.case(k, () => mod.comb.set(sel, enc.outPlane[k - 1]));
  sw.default(() => mod.comb.set(sel, constant(0, u(p.m))));
  mod.comb.set(benc.patValid, enc.outValid);
  mod.comb.set(benc.patData, sel);
  input("enc_start", benc.start);
  input("enc_cols", benc.cols);
  input("enc_groups", benc.groups);
  for (const [n, sg] of [["enc_busy", benc.busy], ["enc_done", benc.done], ["total_bits", benc.totalBits], ["word_valid", benc.wordValid],
    ["word_data", benc.wordData], ["word_addr", benc.wordAddr], ["seg_valid", benc.segValid], ["seg_index", benc.segIndex], ["seg_start", benc.segStart]] as const) output(n, sg);

  // Words into the bank.
  const base = mod.input("enc_base", u(bitsFor(p.depth)));
  mod.comb.set(dec.wrEn, benc.wordValid);
  mod.comb.set(dec.wrAddr, base.add(benc.wordAddr).resize(dec.wrAddr.width));
  mod.comb.set(dec.wrData, benc.wordData);

  // Decoder lanes, same port names as the decoder's own.
  dec.lanes.forEach((l, i) => {
    input(`lane${i}_start`, l.start);
    input(`lane${i}_addr`, l.addr);
    input(`lane${i}_cols`, l.cols);
    input(`lane${i}_groups`, l.groups);
    input(`pat${i}_ready`, l.patReady);
    for (const [n, sg] of [[`lane${i}_busy`, l.busy], [`lane${i}_done`, l.done], [`lane${i}_pos`, l.pos], [`pat${i}_valid`, l.patValid],
      [`pat${i}_data`, l.patData], [`pat${i}_last`, l.patLast], [`pat${i}_col`, l.patCol], [`pat${i}_group`, l.patGroup]] as const) output(n, sg);
  });
  return mod;
}
