/**
 * Testbench `speq-array`: the SPEQ PE array (src/hw/speq/array.ts) as a GEMV engine. A random
 * SPEQ tensor W (golden `encode` of random binary16 weights in the 16 binades below `top`, some
 * zeros) is preloaded as each PE's slice of speqLayout; then for each of `vectors` activation
 * vectors x (random binary16, a fraction `edgeRate` of them 0/subnormal/Inf/NaN edge values),
 * written through the x port: a verify pass (y == dotF16 of decodeFullWord rows) and a draft pass
 * (y == dotF16 of decodeDraftNibble rows), every y bit for bit, busy/done every cycle against the
 * stated timing, the byte counter against 2 rows cols / rows cols / 2.
 * Metrics: cycles and bytes of each pass, their ratios, and the draft's mean relative error
 * against the verify result over finite nonzero rows (how good a draft the nibble is).
 */
import { f32ToNumber } from "../../golden/fp16.js";
import { DEFAULT_SPEQ_ARRAY, type SpeqArrayParams, checkSpeqArrayParams, makeSpeqArray } from "../../hw/speq/array.js";
import { Checker, openSim, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { loadWeights, randomSpeqTensor, randomX, runPass, speqArrayGolden, writeX } from "./array-drive.js";
import { speqArrayView } from "./waves.js";

export function speqArrayParams(params: Params): SpeqArrayParams {
  return {
    rows: Number(params.rows), cols: Number(params.cols), pes: Number(params.pes), lanes: Number(params.lanes),
    top: Number(params.top), config: { singles: Number(params.singles) },
  };
}

const round = (x: number) => Math.round(x * 10000) / 10000;

export const speqArrayTb: Testbench = {
  name: "speq-array",
  description: "SPEQ reconfigurable PE array: GEMV y = W x in verify mode (full FP16 words) and draft mode (4-bit nibbles, lanes per PE), every y vs golden dotF16 bit-exact, timing every cycle, weight bytes draft = verify / 4",
  params: [
    { name: "rows", description: "output rows of W (multiple of pes)", type: "int", default: DEFAULT_SPEQ_ARRAY.rows, min: 1, max: 4096, verify: { min: 1, max: 32 } },
    { name: "cols", description: "input length H (multiple of lanes)", type: "int", default: DEFAULT_SPEQ_ARRAY.cols, min: 2, max: 4096, verify: { min: 2, max: 32 } },
    { name: "pes", description: "PEs, each owning rows / pes consecutive rows", type: "int", default: DEFAULT_SPEQ_ARRAY.pes, min: 1, max: 64, verify: { min: 1, max: 4 } },
    { name: "lanes", description: "draft lanes per PE (power of two): consecutive columns per cycle in draft mode", type: "int", default: DEFAULT_SPEQ_ARRAY.lanes, min: 2, max: 16, verify: { min: 2, max: 8 } },
    { name: "top", description: "per-tensor scale: the largest exponent field of W", type: "int", default: DEFAULT_SPEQ_ARRAY.top, min: 0, max: 30 },
    { name: "singles", description: "draft codes naming one binade each (golden SpeqConfig)", type: "int", default: DEFAULT_SPEQ_ARRAY.config.singles, min: 0, max: 5 },
    { name: "vectors", description: "activation vectors, each run in both modes", type: "int", default: 2, min: 1, max: 64, verify: { min: 1, max: 3 } },
    { name: "edgeRate", description: "fraction of activations from the binary16 edge set (0, subnormal, Inf, NaN, max)", type: "number", default: 0.05, min: 0, max: 1 },
  ],

  waves() {
    return speqArrayView();
  },

  design(params) {
    return makeSpeqArray(speqArrayParams(params));
  },

  validate(params) {
    try {
      checkSpeqArrayParams(speqArrayParams(params));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const p = speqArrayParams(params);
    checkSpeqArrayParams(p);
    const r = rng(seed);
    const t = randomSpeqTensor(r, p.rows, p.cols, p.top, p.config);
    const check = new Checker();
    const sim = openSim(() => this.design(params), opts);
    let vc = 0, dc = 0, vb = 0, db = 0, errSum = 0, errN = 0;
    try {
      loadWeights(sim, t, p); // backdoor before reset: co-simulation starts the Verilog from it
      sim.reset();
      for (let k = 0; k < Number(params.vectors); k++) {
        const x = randomX(r, p.cols, Number(params.edgeRate));
        writeX(sim, x);
        const v = runPass(sim, p, false, speqArrayGolden(t, p.rows, p.cols, x, false), check);
        const d = runPass(sim, p, true, speqArrayGolden(t, p.rows, p.cols, x, true), check);
        [vc, dc, vb, db] = [v.cycles, d.cycles, v.bytes, d.bytes];
        v.y.forEach((yv, i) => {
          const a = f32ToNumber(yv), b = f32ToNumber(d.y[i]);
          if (Number.isFinite(a) && Number.isFinite(b) && a !== 0) {
            errSum += Math.abs(a - b) / Math.abs(a);
            errN++;
          }
        });
      }
      check.ok(`draft bytes ${db} * 4 == verify bytes ${vb}`, db * 4 === vb);
    } finally {
      sim.close();
    }
    return check.result(this.name, sim.cycle, seed, params, {
      verifyCycles: vc,
      draftCycles: dc,
      cycleRatio: round(vc / dc),
      verifyBytes: vb,
      draftBytes: db,
      byteRatio: round(vb / db),
      draftRelErr: errN ? round(errSum / errN) : 0,
    });
  },
};
