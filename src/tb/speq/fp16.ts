/**
 * Testbench `speq-fp16`: SPEQ's FP arithmetic (papers.md section 2: FP16 weights x FP16
 * activations, FP32 accumulation) in RTL, every unit every cycle against src/golden/fp16.ts.
 *
 * The design (src/hw/speq/fp-units.ts) holds the FP16 multiplier, the exact FP16 -> FP32
 * multiplier, the FP16 adder, the FP32 adder, the dot-product unit, the FP32 comparator (argmax's)
 * and the FP16 <-> FP32 converters. `vectors` dot products of `length` pairs stream through the
 * dot-product unit one pair per cycle (a bubble with probability `bubble`), the same (a, b) through
 * both multipliers (a also through the FP16 -> FP32 converter), independent operand pairs through
 * the two adders (the FP32 pair also through the comparator) and an operand of its own through the
 * FP32 -> FP16 converter. Each cycle the combinational outputs are checked against f16Mul,
 * f16MulExactF32, f16Add, f32Add, f32Greater, f16ToF32 and f32ToF16; out_valid is checked every
 * cycle against the unit's stated latency (2) and out_sum, when valid, against dotF16 of the vector.
 *
 * Operands (fp16-stimulus.ts) by `mode`: random (moderate values, random bit patterns, close
 * exponents, rounding ties), edges (every operand from the edge sets: zeros, subnormals, the
 * normal boundary, largest finite, infinities, NaNs, both signs) or mixed (random plus 15% edges);
 * the FP32 -> FP16 converter's operand aims at binary16's boundaries in binary32 (its overflow
 * threshold 65520, its ties and subnormal range; binary32 subnormals, zeros, infinities, NaNs).
 *
 * Metrics: cycles, ops (unit results checked against the golden), dots (dot products checked), nanCases (NaN results),
 * subnormalCases (a subnormal operand or result), tieCases (exact result halfway between two
 * neighbours), overflowCases (finite operands, infinite result); the dot-product unit's
 * accumulation steps are classified like FP32 additions, and a comparison with a NaN operand (the
 * unordered case) counts as a NaN case.
 */
import { dotF16, f16Add, f16Mul, f16MulExactF32, f16ToF32, f16ToNumber, f32Add, f32Greater, f32ToF16, f32ToNumber, isNaN16 } from "../../golden/fp16.js";
import { makeFpUnits } from "../../hw/speq/fp-units.js";
import { FP16_MAC_LATENCY } from "../../hw/speq/fp16-mac.js";
import { u } from "../../hdl/index.js";
import { Checker, openSim, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { FP16_MODES, Fp16Cycle, Fp16Mode, exactSum, isNaN32, isSub16, isSub32, isTie, nextCycle } from "./fp16-stimulus.js";
import { fp16View } from "./waves.js";

const hex = (v: number, digits: number) => "0x" + v.toString(16).padStart(digits, "0");
const isInf16 = (h: number) => (h & 0x7fff) === 0x7c00;
const isInf32 = (w: number) => (w & 0x7fffffff) === 0x7f800000;
const finite16 = (h: number) => (h & 0x7c00) !== 0x7c00;
const finite32 = (w: number) => (w & 0x7f800000) !== 0x7f800000;

/** Case counters for the metrics. */
class Cases {
  nan = 0;
  subnormal = 0;
  tie = 0;
  overflow = 0;

  mul16(a: number, b: number, y: number): void {
    if (isNaN16(y)) this.nan++;
    if (isSub16(a) || isSub16(b) || isSub16(y)) this.subnormal++;
    const exact = f16ToNumber(a) * f16ToNumber(b); // exact in a double (22 significant bits)
    if (isTie(exact, 10, -14, 15)) this.tie++;
    if (finite16(a) && finite16(b) && isInf16(y)) this.overflow++;
  }

  add16(c: number, d: number, y: number): void {
    if (isNaN16(y)) this.nan++;
    if (isSub16(c) || isSub16(d) || isSub16(y)) this.subnormal++;
    if (isTie(f16ToNumber(c) + f16ToNumber(d), 10, -14, 15)) this.tie++; // exact: binary16 sums fit a double
    if (finite16(c) && finite16(d) && isInf16(y)) this.overflow++;
  }

  add32(x: number, y: number, z: number): void {
    if (isNaN32(z)) this.nan++;
    if (isSub32(x) || isSub32(y) || isSub32(z)) this.subnormal++;
    const s = exactSum(f32ToNumber(x), f32ToNumber(y));
    if (s !== undefined && isTie(s, 23, -126, 127)) this.tie++;
    if (finite32(x) && finite32(y) && isInf32(z)) this.overflow++;
  }

  greater32(x: number, y: number): void {
    if (isNaN32(x) || isNaN32(y)) this.nan++;
    if (isSub32(x) || isSub32(y)) this.subnormal++;
  }

  f16ToF32(a: number, z: number): void {
    if (isNaN32(z)) this.nan++;
    if (isSub16(a)) this.subnormal++;
  }

  f32ToF16(w: number, h: number): void {
    if (isNaN16(h)) this.nan++;
    if (isSub32(w) || isSub16(h)) this.subnormal++;
    if (isTie(f32ToNumber(w), 10, -14, 15)) this.tie++;
    if (finite32(w) && isInf16(h)) this.overflow++;
  }
}

function checkParams(params: Params): { vectors: number; length: number; mode: Fp16Mode; bubble: number } {
  const vectors = Number(params.vectors), length = Number(params.length), bubble = Number(params.bubble);
  const mode = String(params.mode) as Fp16Mode;
  if (!Number.isInteger(vectors) || vectors < 1) throw new Error(`speq-fp16: vectors = ${params.vectors} must be a whole number >= 1`);
  if (!Number.isInteger(length) || length < 1) throw new Error(`speq-fp16: length = ${params.length} must be a whole number >= 1 (pairs per dot product)`);
  if (!(bubble >= 0 && bubble < 1)) throw new Error(`speq-fp16: bubble = ${params.bubble} must be a probability in [0, 1)`);
  if (!FP16_MODES.includes(mode)) throw new Error(`speq-fp16: mode = ${params.mode} must be one of ${FP16_MODES.join(", ")}`);
  return { vectors, length, mode, bubble };
}

export const speqFp16Tb: Testbench = {
  name: "speq-fp16",
  description: "SPEQ FP units: FP16 multiplier, exact FP16->FP32 multiplier, FP16 and FP32 adders, the FP16 dot-product unit (FP32 accumulate), the FP32 comparator and the FP16<->FP32 converters, every output every cycle vs the bit-exact golden (f16Mul, f16MulExactF32, f16Add, f32Add, dotF16, f32Greater, f16ToF32, f32ToF16) on random and edge-case operands",
  params: [
    { name: "vectors", description: "dot products streamed through the dot-product unit", type: "int", default: 64, min: 1, max: 100000, verify: { min: 1, max: 40 } },
    { name: "length", description: "pairs per dot product (a vector's length)", type: "int", default: 64, min: 1, max: 65536, verify: { min: 1, max: 100 } },
    { name: "mode", description: "operands: random (moderate values, random bits, close exponents, ties), edges (edge sets only) or mixed (random + 15% edges)", type: "enum", default: "mixed", values: FP16_MODES },
    { name: "bubble", description: "probability of an idle cycle (in_valid = 0) before each pair", type: "number", default: 0.05, min: 0, max: 0.9, verify: { min: 0, max: 0.5 } },
  ],

  waves() {
    return fp16View();
  },

  design() {
    return makeFpUnits();
  },

  validate(params) {
    try {
      checkParams(params);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const { vectors, length, mode, bubble } = checkParams(params);
    const r = rng(seed);
    const check = new Checker();
    const cases = new Cases();
    let dots = 0, ops = 0;
    const sim = openSim(() => this.design(params), opts);
    try {
      const acc = Object.fromEntries(
        ["a", "b", "c", "d", "x", "y", "w", "in_valid", "in_first", "in_last", "mul_y", "xmul_y", "add16_y", "add32_y", "out_valid", "out_sum", "gt_y", "h2f_y", "f2h_y"]
          .map((n) => [n, sim.accessor(n)]),
      );
      // Golden dot products due on out_valid, by the cycle they are due.
      const due = new Map<number, { want: number; vec: number }>();
      const cycleOf = () => sim.cycle;

      const checkMac = () => {
        const d = due.get(cycleOf());
        check.equal(`cycle ${cycleOf()}: out_valid`, acc.out_valid.get(), d ? 1 : 0);
        if (d) {
          const got = acc.out_sum.get();
          check.equal(`cycle ${cycleOf()}: out_sum of vector ${d.vec} (dotF16)`, got, d.want, u(32));
          if (isNaN32(got)) cases.nan++;
          if (isSub32(got)) cases.subnormal++;
          due.delete(cycleOf());
          dots++;
          ops++;
        }
      };
      /** Drive one cycle's operands, check every combinational unit, the MAC output, then step. */
      const cycle = (op: Fp16Cycle, valid: number, first: number, last: number) => {
        acc.a.set(op.a); acc.b.set(op.b); acc.c.set(op.c); acc.d.set(op.d); acc.x.set(op.x); acc.y.set(op.y); acc.w.set(op.w);
        acc.in_valid.set(valid); acc.in_first.set(first); acc.in_last.set(last);
        const at = `cycle ${cycleOf()}`;
        const mulY = acc.mul_y.get();
        check.equal(`${at}: mul_y = f16Mul(${hex(op.a, 4)}, ${hex(op.b, 4)})`, mulY, f16Mul(op.a, op.b), u(16));
        check.equal(`${at}: xmul_y = f16MulExactF32(${hex(op.a, 4)}, ${hex(op.b, 4)})`, acc.xmul_y.get(), f16MulExactF32(op.a, op.b), u(32));
        const add16 = acc.add16_y.get();
        check.equal(`${at}: add16_y = f16Add(${hex(op.c, 4)}, ${hex(op.d, 4)})`, add16, f16Add(op.c, op.d), u(16));
        const add32 = acc.add32_y.get();
        check.equal(`${at}: add32_y = f32Add(${hex(op.x, 8)}, ${hex(op.y, 8)})`, add32, f32Add(op.x, op.y), u(32));
        check.equal(`${at}: gt_y = f32Greater(${hex(op.x, 8)}, ${hex(op.y, 8)})`, acc.gt_y.get(), f32Greater(op.x, op.y) ? 1 : 0, u(1));
        const h2f = acc.h2f_y.get();
        check.equal(`${at}: h2f_y = f16ToF32(${hex(op.a, 4)})`, h2f, f16ToF32(op.a), u(32));
        const f2h = acc.f2h_y.get();
        check.equal(`${at}: f2h_y = f32ToF16(${hex(op.w, 8)})`, f2h, f32ToF16(op.w), u(16));
        cases.mul16(op.a, op.b, mulY);
        cases.add16(op.c, op.d, add16);
        cases.add32(op.x, op.y, add32);
        cases.greater32(op.x, op.y);
        cases.f16ToF32(op.a, h2f);
        cases.f32ToF16(op.w, f2h);
        ops += 7;
        checkMac();
        sim.step();
      };

      for (let v = 0; v < vectors; v++) {
        const A: number[] = [], B: number[] = [];
        let accG = 0; // the golden accumulator, only to classify each accumulation step's case
        for (let i = 0; i < length; i++) {
          while (bubble > 0 && r() < bubble) cycle(nextCycle(r, mode), 0, r() < 0.5 ? 1 : 0, r() < 0.5 ? 1 : 0);
          const op = nextCycle(r, mode);
          A.push(op.a);
          B.push(op.b);
          const last = i === length - 1;
          if (last) due.set(cycleOf() + FP16_MAC_LATENCY, { want: dotF16(A, B), vec: v });
          // Each accumulation step is an FP32 add: count its ties, subnormals and overflows too.
          const prod = f16MulExactF32(op.a, op.b), next = f32Add(accG, prod);
          cases.add32(accG, prod, next);
          accG = next;
          cycle(op, 1, i === 0 ? 1 : 0, last ? 1 : 0);
        }
      }
      // Drain the pipeline with idle cycles (still checking the combinational units).
      for (let k = 0; k < FP16_MAC_LATENCY + 1; k++) cycle(nextCycle(r, mode), 0, 0, 0);
      check.ok(`every dot product came out (${due.size} missing)`, due.size === 0);
    } finally {
      sim.close();
    }
    return check.result(this.name, sim.cycle, seed, params, {
      ops,
      dots,
      nanCases: cases.nan,
      subnormalCases: cases.subnormal,
      tieCases: cases.tie,
      overflowCases: cases.overflow,
    });
  },
};
