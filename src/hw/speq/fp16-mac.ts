/**
 * SPEQ's FP16 dot-product unit (papers.md section 2: FP16 weight x FP16 activation products,
 * fixed accumulation order, FP32 accumulate): one binary16 pair per cycle, its exact binary32
 * product (fp16-exact-mul.ts) added into a binary32 accumulator (fp32-add.ts) that starts at +0
 * for every vector, left to right, each addition rounded to nearest even. Equals golden
 * dotF16(a[], b[]).
 *
 * Two stages, so the multiplier and the adder each get a cycle; the adder's feedback is one
 * cycle, so the order of accumulation is exactly the order the pairs arrive in:
 *   stage 1 (register): product of the pair presented this cycle, with its valid/first/last;
 *   stage 2 (register): acc <= (first ? +0 : acc) + product.
 *
 * Ports:
 *   in_valid u1, in_first u1 (this pair starts a vector), in_last u1 (this pair ends it; a
 *   one-element vector has both), a u16, b u16 -> out_valid u1, out_sum u32.
 *   Latency 2: the pair presented in cycle t with in_last = 1 gives out_valid = 1 and
 *   out_sum = the vector's dot product in cycle t + 2 (one cycle). Vectors may follow back to
 *   back and bubbles (in_valid = 0) may appear anywhere. Empty vectors are not representable
 *   (golden dotF16([], []) = +0 needs no hardware).
 */
import { Module, mux, u } from "../../hdl/index.js";
import { makeFp16ExactMul } from "./fp16-exact-mul.js";
import { makeFp32Add } from "./fp32-add.js";

export const FP16_MAC_LATENCY = 2;

export function makeFp16Mac(): Module {
  const m = new Module("speq_fp16_mac");
  const inValid = m.input("in_valid", u(1)), inFirst = m.input("in_first", u(1)), inLast = m.input("in_last", u(1));
  const a = m.input("a", u(16)), b = m.input("b", u(16));
  const outValid = m.output("out_valid", u(1)), outSum = m.output("out_sum", u(32));

  const mul = makeFp16ExactMul(), add = makeFp32Add();
  m.submodule("mul", mul);
  m.submodule("add", add);
  m.comb.set(mul.port("a"), a);
  m.comb.set(mul.port("b"), b);

  // Stage 1: the exact product and its control bits.
  const prod = m.signal("prod", u(32)), v1 = m.signal("v1", u(1)), f1 = m.signal("f1", u(1)), l1 = m.signal("l1", u(1));
  m.sync.set(prod, mul.port("y"));
  m.sync.set(v1, inValid);
  m.sync.set(f1, inValid.and(inFirst));
  m.sync.set(l1, inValid.and(inLast));

  // Stage 2: accumulate; +0 replaces the accumulator at a vector's first product.
  const acc = m.signal("acc", u(32));
  m.comb.set(add.port("a"), mux(f1, 0, acc));
  m.comb.set(add.port("b"), prod);
  m.if(v1, () => m.sync.set(acc, add.port("y")));
  m.sync.set(outValid, l1);
  m.comb.set(outSum, acc);
  return m;
}
