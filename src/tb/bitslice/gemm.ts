/**
 * Testbench `mcbp-gemm`: MCBP end to end on one weight matrix (src/hw/bitslice/gemm.ts): the
 * weights go through the bit-slice encoder and the BSTC encoder into the bank (coded planes) and
 * the raw pattern memories (the other planes and the sign); then the BRCR engine computes
 * Y = W X plane by plane, taking the coded planes from the BSTC decoder lanes.
 *
 * Checks: every bit-slice pattern and every BSTC word and segment start while encoding
 * (encodeCodecPlane: golden bitPlanes, bstcSegments); the bank against the golden words; every
 * pattern each decoder lane hands the engine (decodePlan, golden groupPattern); every output write
 * of the engine in order (BrcrMonitor), its done, pat_err low; y == gemvInt for every vector and
 * the engine's merge/reconstruction adds == the golden counts (checkBrcrEnd).
 * Metrics: cycles (encode, compute), compression ratio of the coded planes, bytes of weights moved
 * (compressed + raw planes + sign) against INT8, additions against the dense bit-serial baseline
 * and against INT8 MACs.
 */
import { BitPlanes, bitPlanes, brcrGemv, groupCount, groupPattern } from "../../golden/bitslice.js";
import { brcrPasses, brcrTiledCounts } from "../../golden/bitslice-brcr-timing.js";
import { bstcMaxBits, wordsFor } from "../../hw/bitslice/bstc-params.js";
import { McbpGemmParams, makeMcbpGemm, rawPlanes, brcrParamsOf } from "../../hw/bitslice/gemm.js";
import { checkBrcrParams } from "../../hw/bitslice/brcr-params.js";
import type { Simulator } from "../../sim/index.js";
import { Checker, openSim, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { BrcrMonitor, checkBrcrEnd, expectedAccEvents, loadActivations } from "./brcr-drive.js";
import { randomActivations, randomWeights } from "./brcr.js";
import { BstcPlan, bstcPlan, decodePlan, encodeCodecPlane, segmentOrder } from "./bstc-drive.js";
import { parsePlanes } from "./bstc.js";
import { mcbpGemmView } from "./waves.js";

export function gemmParams(params: Params): McbpGemmParams {
  const m = Number(params.m), rows = Number(params.rows), cols = Number(params.cols), wordBits = Number(params.wordBits);
  const planes = parsePlanes(String(params.planes));
  if (planes.includes(8)) throw new Error(`mcbp-gemm: planes = '${params.planes}' codes the sign (8); the engine takes the sign raw, code magnitude planes 1..7 only`);
  const segCols = Math.min(Number(params.segCols), cols);
  const perPlane = wordsFor(bstcMaxBits(m, cols, groupCount(rows, m)), wordBits);
  return {
    m, rows, cols, segCols, lanes: Number(params.lanes), wordBits, planes, converters: Number(params.converters), batch: Number(params.batch),
    // Every coded plane resident, each in a worst-case region.
    depth: planes.length * perPlane,
  };
}

function perPlaneWords(p: McbpGemmParams): number {
  return p.depth / p.planes.length;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

export const mcbpGemmTb: Testbench = {
  name: "mcbp-gemm",
  description: "MCBP end to end: INT8 weights -> bit-slice encoder -> BSTC (coded planes) -> bank -> decoder lanes -> BRCR engine -> Y = W X exact; every pattern, word, output write and count vs golden",
  params: [
    { name: "rows", description: "output rows of W", type: "int", default: 16, min: 1, max: 1024, verify: { min: 1, max: 12 } },
    { name: "cols", description: "H: columns of W (the input length)", type: "int", default: 256, min: 1, max: 8192, verify: { min: 1, max: 48 } },
    { name: "m", description: "rows per group (pattern width; the paper uses 4)", type: "int", default: 4, min: 2, max: 6, verify: { min: 2, max: 5 } },
    { name: "segCols", description: "BSTC sub-matrix width = BRCR column tile (the paper: 1024 / 256)", type: "int", default: 128, min: 1, max: 4096, verify: { min: 1, max: 24 } },
    { name: "lanes", description: "parallel BSTC decoder lanes", type: "int", default: 2, min: 1, max: 16, verify: { min: 1, max: 3 } },
    { name: "wordBits", description: "bank word width", type: "enum", default: "32", values: ["16", "32", "64"] },
    { name: "planes", description: "magnitude planes coded with BSTC (e.g. 3-7); the others and the sign stay raw", type: "string", default: "3-7", verify: { values: ["3-7", "1-7", "7", "2,5"] } },
    { name: "converters", description: "BRCR index converters", type: "int", default: 16, min: 1, max: 256, verify: { min: 1, max: 8 } },
    { name: "batch", description: "activation vectors (GEMM columns)", type: "int", default: 1, min: 1, max: 8, verify: { min: 1, max: 2 } },
    { name: "dist", description: "weights: 'planes' (per-plane bit probability) or 'laplace'", type: "enum", default: "planes", values: ["planes", "laplace"] },
    { name: "sparsity", description: "bit sparsity of the magnitude planes (planes), or the Laplace scale knob", type: "number", default: 0.7, min: 0, max: 1, verify: { min: 0, max: 1 } },
  ],

  waves() {
    return mcbpGemmView();
  },

  design(params) {
    return makeMcbpGemm(gemmParams(params));
  },

  validate(params) {
    try {
      const p = gemmParams(params);
      checkBrcrParams(brcrParamsOf(p));
      return undefined;
    } catch (e) {
      // The CLI names the testbench itself.
      return (e as Error).message.replace(/^mcbp-gemm: /, "");
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const p = gemmParams(params);
    const bp0 = brcrParamsOf(p);
    const r = rng(seed);
    const W = randomWeights(r, p.rows, p.cols, String(params.dist), Number(params.sparsity));
    const X = randomActivations(r, p.batch, p.cols);
    const bp = bitPlanes(W);
    const groups = groupCount(p.rows, p.m), n = groups * p.cols;
    const raws = rawPlanes(p);
    const check = new Checker();
    const sim = openSim(() => makeMcbpGemm(p), opts);
    const plans = new Map<number, BstcPlan>();
    let encodeCycles = 0, computeCycles = 0, codedBits = 0, mergeAdds = 0, reconAdds = 0;
    try {
      loadActivations(sim, bp0, X, r);
      sim.reset();
      // ---- encode: each coded plane through the codec; the raw planes and sign captured on the first pass
      p.planes.forEach((pl, k) => {
        const plan = bstcPlan(bp.planes[pl - 1], p.m, p.segCols, p.wordBits);
        plans.set(pl, plan);
        sim.poke("raw_capture", k === 0 ? 1 : 0);
        encodeCycles += encodeCodecPlane(sim, plan, W, bp, pl, k * perPlaneWords(p), check, `encode plane ${pl}`);
        codedBits += plan.bits.length;
      });
      sim.poke("raw_capture", 0);
      checkRawMemories(sim, p, bp, raws, check);

      // ---- compute: plane after plane into the BRCR engine
      const passes = brcrPasses(W, { m: p.m, tile: p.segCols, converters: p.converters });
      const mon = new BrcrMonitor(sim, bp0, expectedAccEvents(W, X, bp0, passes), check, undefined, "brcr.");
      let cycle = 0;
      const stepped = stepHook(sim, () => mon.onCycle(cycle++));
      sim.poke("brcr_start", 1);
      stepped.step();
      sim.poke("brcr_start", 0);
      for (let pl = 1; pl <= 7; pl++) {
        const raw = raws.indexOf(pl);
        sim.poke("src_raw", raw >= 0 ? 1 : 0);
        sim.poke("raw_sel", Math.max(0, raw));
        sim.poke("plane_start", 1);
        stepped.step();
        sim.poke("plane_start", 0);
        if (raw >= 0) {
          const limit = cycle + n * (2 ** (p.m + 1) + 8) + 1000; // a slow pass costs the engine up to ~2^(m+1) cycles
          while (sim.peekNumber("rptr") < n && cycle < limit) stepped.step();
          check.equal(`plane ${pl} (raw): columns taken`, sim.peekNumber("rptr"), n);
        } else {
          const plan = plans.get(pl)!;
          const k = p.planes.indexOf(pl);
          decodePlan(stepped as unknown as Simulator, plan, bp.planes[pl - 1], p.lanes, check, `decode plane ${pl}`, {
            baseBit: k * perPlaneWords(p) * p.wordBits, ready: "observe", port: (x) => (x.endsWith("_ready") ? `codec.${x}` : x),
            // The engine takes a column only when a CAM buffer is free: a pass costs it up to ~2^(m+1) search cycles.
            limit: 200 + (plan.patterns.length + plan.segments.length * groups) * (2 ** (p.m + 1) + 8),
          });
          // A lane's done can come before the engine took its last column only if it was not taken: rptr says.
          const limit = cycle + 1000;
          while (sim.peekNumber("rptr") < n && cycle < limit) stepped.step();
          check.equal(`plane ${pl} (BSTC): columns taken`, sim.peekNumber("rptr"), n);
        }
      }
      const limit = cycle + 100000;
      while (!mon.finished && cycle < limit) stepped.step();
      check.ok("the engine finished", mon.finished);
      computeCycles = cycle;
      const end = checkBrcrEnd(sim, bp0, W, X, check, { prefix: "brcr.", backdoor: true });
      mergeAdds = end.mergeAdds;
      reconAdds = end.reconAdds;
    } finally {
      sim.close();
    }
    const raw = p.rows * p.cols;
    const codedRaw = p.planes.length * raw;
    const storedBits = codedBits + (7 - p.planes.length) * raw + raw; // + the raw planes and the sign
    const naive = brcrGemv(W, X[0], p.m).naiveAdds * p.batch; // independent of x
    const tiled = brcrTiledCounts(W, p.m, p.segCols);
    check.equal("adds vs golden (tiled counts x batch)", mergeAdds + reconAdds, (tiled.mergeAdds + tiled.reconAdds) * p.batch);
    const adds = mergeAdds + reconAdds, macs = raw * p.batch;
    return check.result(this.name, encodeCycles + computeCycles, seed, params, {
      encodeCycles,
      computeCycles,
      codedBits,
      codedRawBits: codedRaw,
      compressionRatio: round(codedBits ? codedRaw / codedBits : 0),
      weightBytes: Math.ceil(storedBits / 8),
      int8WeightBytes: raw,
      bytesSaved: round(1 - storedBits / (8 * raw)),
      mergeAdds,
      reconAdds,
      brcrAdds: adds,
      bitSerialAdds: naive,
      int8Macs: macs,
      addsVsBitSerial: round(adds ? naive / adds : 0),
      addsPerInt8Mac: round(macs ? adds / macs : 0),
    });
  },
};

/** The raw planes and the sign captured during the first coded plane: word {last, pattern} in the engine's stream order. */
function checkRawMemories(sim: Simulator, p: McbpGemmParams, bp: BitPlanes, raws: readonly number[], check: Checker): void {
  const { g, c } = segmentOrder(p.rows, p.cols, p.m, p.segCols);
  const mems: [string, number[][]][] = [["raw_sign", bp.sign], ...raws.map((pl): [string, number[][]] => [`raw_plane_${pl}`, bp.planes[pl - 1]])];
  for (const [name, plane] of mems) {
    let wrong = 0;
    for (let q = 0; q < g.length; q++) {
      const segEnd = Math.min(p.cols, (Math.floor(c[q] / p.segCols) + 1) * p.segCols) - 1;
      const want = ((c[q] === segEnd ? 1 : 0) << p.m) | groupPattern(plane, p.m, g[q], c[q]);
      const got = Number(sim.readMemory(name, q));
      if (got !== want && wrong++ < 3) check.equal(`${name}[${q}] (group ${g[q]}, column ${c[q]})`, got, want);
    }
    check.ok(`${name}: every captured column as golden (${wrong} wrong)`, wrong === 0);
  }
}

/** The simulator with `onCycle` called before every step (the decoder drive steps on its own). */
function stepHook(sim: Simulator, onCycle: () => void): Simulator {
  return new Proxy(sim, {
    get(target, prop, recv) {
      if (prop === "step") {
        return (n = 1) => {
          for (let i = 0; i < n; i++) {
            onCycle();
            target.step();
          }
        };
      }
      const v = Reflect.get(target, prop, recv);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
