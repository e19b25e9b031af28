/**
 * The `speq-fp16` testbench's design: SPEQ's FP units side by side, each on its own operands so
 * the testbench can aim edge cases at each (ties for the multiplier are not ties for an adder).
 *
 * Ports:
 *   FP16 multiplier (fp16-mul.ts) and exact multiplier (fp16-exact-mul.ts), combinational, and the
 *   dot-product unit (fp16-mac.ts, latency 2) all on a u16, b u16:
 *     -> mul_y u16, xmul_y u32;  in_valid, in_first, in_last u1 -> out_valid u1, out_sum u32.
 *   FP16 adder (fp16-add.ts), combinational: c u16, d u16 -> add16_y u16.
 *   FP32 adder (fp32-add.ts), combinational: x u32, y u32 -> add32_y u32.
 *   FP32 comparator (fp32-compare.ts), combinational, on the adder's operands: x, y -> gt_y u1.
 *   FP16 -> FP32 converter (fp-convert.ts), combinational, on the multipliers' a: a -> h2f_y u32.
 *   FP32 -> FP16 converter (fp-convert.ts), combinational, on its own operand (the cases that
 *   matter, near the binary16 overflow threshold or its subnormal range, are not the adder's):
 *     w u32 -> f2h_y u16.
 */
import { Module, u } from "../../hdl/index.js";
import { makeF16ToF32, makeF32ToF16 } from "./fp-convert.js";
import { makeFp16Add } from "./fp16-add.js";
import { makeFp16ExactMul } from "./fp16-exact-mul.js";
import { makeFp16Mac } from "./fp16-mac.js";
import { makeFp16Mul } from "./fp16-mul.js";
import { makeFp32Add } from "./fp32-add.js";
import { makeF32Greater } from "./fp32-compare.js";

export function makeFpUnits(): Module {
  const m = new Module("speq_fp_units");
  const a = m.input("a", u(16)), b = m.input("b", u(16));
  const c = m.input("c", u(16)), d = m.input("d", u(16));
  const x = m.input("x", u(32)), y = m.input("y", u(32));
  const inValid = m.input("in_valid", u(1)), inFirst = m.input("in_first", u(1)), inLast = m.input("in_last", u(1));
  const w = m.input("w", u(32));
  const parts: [string, Module, Record<string, typeof a>, Record<string, string>][] = [
    ["mul", makeFp16Mul(), { a, b }, { y: "mul_y" }],
    ["xmul", makeFp16ExactMul(), { a, b }, { y: "xmul_y" }],
    ["add16", makeFp16Add(), { a: c, b: d }, { y: "add16_y" }],
    ["add32", makeFp32Add(), { a: x, b: y }, { y: "add32_y" }],
    ["mac", makeFp16Mac(), { a, b, in_valid: inValid, in_first: inFirst, in_last: inLast }, { out_valid: "out_valid", out_sum: "out_sum" }],
    ["gt32", makeF32Greater(), { a: x, b: y }, { gt: "gt_y" }],
    ["h2f", makeF16ToF32(), { a }, { y: "h2f_y" }],
    ["f2h", makeF32ToF16(), { a: w }, { y: "f2h_y" }],
  ];
  for (const [inst, sub, ins, outs] of parts) {
    m.submodule(inst, sub);
    for (const [p, sig] of Object.entries(ins)) m.comb.set(sub.port(p), sig);
    for (const [p, name] of Object.entries(outs)) {
      const o = m.output(name, sub.port(p).shape);
      m.comb.set(o, sub.port(p));
    }
  }
  return m;
}
