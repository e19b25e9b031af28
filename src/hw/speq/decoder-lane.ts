/**
 * One position's vector datapath in the SPEQ decoder (decoder.ts): everything of the small
 * language model (golden speqForward in src/golden/speq.ts) that is not a GEMV, one element per
 * cycle. The decoder runs up to `lanes` positions side by side (a verify pass), one lane each.
 *
 *   embed phase (emb = 1):  h = f16Add(e, f16Mul(f32->f16(s), 1/8))      e: the token's embedding,
 *                           s: the prefix sum of earlier embeddings (binary32, the KV cache)
 *   residual phase (emb = 0): h = f16Add(h_old, relu(f32->f16(z)))      z: the layer's GEMV output
 *   argmax: gt = z > best (binary32; NaN never wins, +0 = -0)             golden argmaxF32's step
 * The two phases never overlap, so they share one f32->f16 rounder and one FP16 adder.
 *
 * Ports (combinational): emb u1, e u16, s u32, h_old u16, z u32, best u32 -> h u16, gt u1.
 */
import { Module, constant, mux, u } from "../../hdl/index.js";
import { makeF32ToF16 } from "./fp-convert.js";
import { makeF32Greater } from "./fp32-compare.js";
import { makeFp16Add } from "./fp16-add.js";
import { makeFp16Mul } from "./fp16-mul.js";
import { wire } from "./fp-format.js";

/** 1/8 in binary16: the context is an eighth of the summed embeddings (golden F16_EIGHTH). */
const F16_EIGHTH = 0x3000;

export function makeSpeqDecoderLane(): Module {
  const m = new Module("speq_decoder_lane");
  const emb = m.input("emb", u(1)), e = m.input("e", u(16)), s = m.input("s", u(32));
  const hOld = m.input("h_old", u(16)), z = m.input("z", u(32)), best = m.input("best", u(32));
  const h = m.output("h", u(16)), gt = m.output("gt", u(1));

  const round = makeF32ToF16();
  m.submodule("round", round);
  m.comb.set(round.port("a"), mux(emb, s, z));
  const r16 = wire(m, "r16", round.port("y"));

  const eighth = makeFp16Mul();
  m.submodule("ctx", eighth);
  m.comb.set(eighth.port("a"), r16);
  m.comb.set(eighth.port("b"), constant(F16_EIGHTH, u(16)));

  // relu16: negatives, -0 and NaN give +0.
  const isNaN = r16.slice(14, 10).eq(31).and(r16.slice(9, 0).ne(0));
  const relu = wire(m, "relu", mux(r16.bit(15).or(isNaN), constant(0, u(16)), r16));

  const add = makeFp16Add();
  m.submodule("add", add);
  m.comb.set(add.port("a"), mux(emb, e, hOld));
  m.comb.set(add.port("b"), mux(emb, eighth.port("y"), relu));
  m.comb.set(h, add.port("y"));

  const cmp = makeF32Greater();
  m.submodule("cmp", cmp);
  m.comb.set(cmp.port("a"), z);
  m.comb.set(cmp.port("b"), best);
  m.comb.set(gt, cmp.port("gt"));
  return m;
}
