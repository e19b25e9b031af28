/**
 * Testbench `sofa-softmax`: the SOFA softmax unit on random score vectors. Scores are s16 with
 * fracBits fraction bits, approximately normal with standard deviation `spread` in real units
 * (clamped to s16). Default spread 1: most scores then lie within a few real units of the max, where
 * the exp's table and interpolation decide the result (with a wide spread almost every exp is tiny
 * and one score takes nearly all the weight). The first vector is loaded by backdoor, later ones
 * through the write port.
 *
 * Checks: every y_i bit-exact against softmaxFixed the cycle it streams out (index, mask), the max,
 * sum and recip registers, done at the cycle model's count (golden/sofa-sufa-timing.ts), the exps
 * counter, and the float error of y / 2^probBits against softmaxIdeal(x / 2^fracBits): its maximum
 * must stay within softmaxErrorBound(N, cfg).
 */
import { DEFAULT_SOFTMAX, SoftmaxConfig, softmaxErrorBound, softmaxFixed, softmaxIdeal } from "../../golden/sofa.js";
import { softmaxUnitCycles } from "../../golden/sofa-sufa-timing.js";
import { SOFTMAX_SCORE_BITS, SoftmaxUnitParams, makeSoftmaxUnit, softmaxUnitShape } from "../../hw/sofa/softmax-unit.js";
import { Checker, openSim, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { softmaxView } from "./waves.js";

export function softmaxUnitParams(params: Params): SoftmaxUnitParams {
  const cfg: SoftmaxConfig = {
    ...DEFAULT_SOFTMAX,
    fracBits: Number(params.fracBits), probBits: Number(params.probBits), lutBits: Number(params.lutBits), interpBits: Number(params.interpBits),
  };
  return { n: Number(params.seqLen), lanes: Number(params.lanes), cfg };
}

/** An approximately normal score (sum of four uniforms) with standard deviation `spread` real units. */
function score(r: () => number, spread: number, fracBits: number): number {
  const z = (r() + r() + r() + r() - 2) * Math.sqrt(3);
  const lim = 2 ** (SOFTMAX_SCORE_BITS - 1);
  return Math.max(-lim, Math.min(lim - 1, Math.round(z * spread * 2 ** fracBits)));
}

const round = (x: number) => Number(x.toPrecision(6));

export const sofaSoftmaxTb: Testbench = {
  name: "sofa-softmax",
  description: "SOFA softmax unit (max, exp+sum, reciprocal, normalise passes over lane memories): every y vs softmaxFixed, max/sum/recip, cycles vs the model, float error within softmaxErrorBound",
  params: [
    { name: "seqLen", description: "vector length N", type: "int", default: 64, min: 1, max: 65536, verify: { min: 1, max: 200 } },
    { name: "lanes", description: "scores per cycle (exp units, output multipliers)", type: "int", default: 4, min: 1, max: 64, verify: { min: 1, max: 8 } },
    { name: "fracBits", description: "fraction bits of the scores", type: "int", default: DEFAULT_SOFTMAX.fracBits, min: 0, max: 14, verify: { min: 2, max: 10 } },
    { name: "probBits", description: "fraction bits of the probabilities (1.0 = 2^probBits)", type: "int", default: DEFAULT_SOFTMAX.probBits, min: 4, max: 24, verify: { min: 8, max: 20 } },
    { name: "lutBits", description: "exp table index bits (2^lutBits + 1 entries)", type: "int", default: DEFAULT_SOFTMAX.lutBits, min: 1, max: 10, verify: { min: 2, max: 8 } },
    { name: "interpBits", description: "exp interpolation weight bits (0: no interpolation)", type: "int", default: DEFAULT_SOFTMAX.interpBits, min: 0, max: 16, verify: { min: 0, max: 12 } },
    { name: "spread", description: "standard deviation of the scores in real units", type: "number", default: 1, min: 0, max: 100, verify: { min: 0, max: 8 } },
    { name: "vectors", description: "vectors run back to back (the first by backdoor, the rest through the write port)", type: "int", default: 2, min: 1, max: 1000, verify: { min: 1, max: 3 } },
  ],

  waves() {
    return softmaxView();
  },

  design(params) {
    return makeSoftmaxUnit(softmaxUnitParams(params));
  },

  validate(params) {
    try {
      softmaxUnitShape(softmaxUnitParams(params));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const p = softmaxUnitParams(params);
    const c = p.cfg!;
    const N = p.n, lanes = p.lanes;
    const r = rng(seed);
    const spread = Number(params.spread);
    const check = new Checker();
    const model = softmaxUnitCycles(N, lanes, c.recipBits, c.probBits);
    const bound = softmaxErrorBound(N, c);
    let maxError = 0, errSum = 0, errN = 0, exps = 0, lastCycles = 0, total = 0;
    const sim = openSim(() => this.design(params), opts);
    try {
      const vectors = Array.from({ length: Number(params.vectors) }, () => Array.from({ length: N }, () => score(r, spread, c.fracBits)));
      vectors[0].forEach((x, i) => sim.writeMemory(`x_l${i % lanes}`, Math.floor(i / lanes), x));
      sim.reset();
      const yValid = sim.accessor("y_valid"), yIndex = sim.accessor("y_index"), done = sim.accessor("done"), start = sim.accessor("start");
      const yData = Array.from({ length: lanes }, (_, i) => sim.accessor(`y_data_${i}`));
      const yMask = Array.from({ length: lanes }, (_, i) => sim.accessor(`y_mask_${i}`));
      const we = sim.accessor("x_we"), lane = sim.accessor("x_lane"), addr = sim.accessor("x_addr"), data = sim.accessor("x_data");
      vectors.forEach((x, v) => {
        if (v > 0) {
          for (let i = 0; i < N; i++) {
            we.set(1);
            lane.set(i % lanes);
            addr.set(Math.floor(i / lanes));
            data.set(x[i]);
            sim.step();
          }
          we.set(0);
        }
        const want = softmaxFixed(x, c);
        const ideal = softmaxIdeal(x.map((xi) => xi / 2 ** c.fracBits));
        start.set(1);
        sim.step();
        start.set(0);
        let k = 1, nextIndex = 0;
        for (;;) {
          if (yValid.get() === 1) {
            const base = yIndex.get();
            check.equal(`vector ${v}: y_index (cycle ${sim.cycle})`, base, nextIndex);
            for (let i = 0; i < lanes; i++) {
              const idx = base + i;
              check.equal(`vector ${v}: y_mask_${i} at index ${idx}`, yMask[i].get(), idx < N ? 1 : 0);
              if (idx >= N) continue;
              const y = yData[i].get();
              check.equal(`vector ${v}: y[${idx}] (cycle ${sim.cycle})`, y, want.y[idx]);
              const e = Math.abs(y / 2 ** c.probBits - ideal[idx]);
              maxError = Math.max(maxError, e);
              errSum += e;
              errN++;
            }
            nextIndex += lanes;
          }
          if (done.get() === 1 || k > 2 * model + 50) break;
          sim.step();
          k++;
        }
        check.equal(`vector ${v}: cycles from start to done (measured vs model)`, k, model);
        check.equal(`vector ${v}: outputs streamed`, Math.min(nextIndex, N), N);
        check.equal(`vector ${v}: max`, sim.peekNumber("max"), want.max);
        check.equal(`vector ${v}: sum`, sim.peekNumber("sum"), want.sum);
        check.equal(`vector ${v}: recip`, sim.peekNumber("recip"), want.recip);
        exps += N;
        check.equal(`vector ${v}: exps counter`, sim.peekNumber("exps"), exps);
        lastCycles = k;
        sim.step();
      });
      total = sim.cycle;
    } finally {
      sim.close();
    }
    check.ok(`max float error ${maxError} within softmaxErrorBound(${N}) = ${bound}`, maxError <= bound);
    return check.result(this.name, total, seed, params, {
      cycles: lastCycles,
      modelCycles: model,
      totalCycles: total,
      maxError: round(maxError),
      meanError: round(errN ? errSum / errN : 0),
      errorBound: round(bound),
      exps,
    });
  },
};
