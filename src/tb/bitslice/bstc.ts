/**
 * Testbench `mcbp-bstc`: the MCBP weight CODEC path (papers.md section 4) on the codec design
 * (src/hw/bitslice/bstc-codec.ts). A random INT8 weight matrix W (rows x cols, `dist`,
 * `sparsity`: the generator of mcbp-brcr, src/tb/bitslice/brcr.ts) goes through the bit-slice
 * encoder one group column per cycle; each plane listed in `planes` (default 3-7: the paper codes
 * magnitude bits 3..7, bits 1, 2 and the sign stay raw) in turn is coded by the BSTC encoder into
 * the decoder's bank (one worst-case region, at a base word that shifts from plane to plane), then
 * decoded by the lanes, segment s on lane s mod lanes. Checked, every cycle the units produce output:
 *   - the bit-slice encoder's sign and 7 plane patterns == golden bitPlanes / groupPattern;
 *   - every word (data, index, cycle) == golden bstcSegments' streams packed MSB first, every
 *     segment start == bstcSegments' start, total_bits == bstcLength, done in the modelled cycle;
 *   - the bank holds exactly those words afterwards;
 *   - every decoded pattern == golden groupPattern (with pat_last / col / group), in its modelled
 *     cycle; each lane ends each segment at start + its coded length; the decoded plane == the plane.
 * Metrics: encodeCycles, decodeCycles (per plane summed), bits (coded planes), rawBits (their
 * rows x cols), compressionRatio = rawBits / bits, zeroColumns (p0 over the coded planes' m-columns)
 * and the golden bstcCompressionRatio(p0, m) next to the measured groups*m*cols/bits (equal), and
 * the bytes a weight read moves with the coded planes compressed and the others raw vs INT8 raw.
 */
import { BitPlanes, bitPlanes, bstcCompressionRatio, groupCount } from "../../golden/bitslice.js";
import { bstcMaxBits, checkBstcDecoderParams, checkBstcEncoderParams, wordsFor } from "../../hw/bitslice/bstc-params.js";
import { BstcCodecParams, SIGN_PLANE, makeBstcCodec } from "../../hw/bitslice/bstc-codec.js";
import { Checker, openSim, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { bstcPlan, decodePlan, encodeCodecPlane } from "./bstc-drive.js";
// The weight generator shared with mcbp-brcr, so `dist` and `sparsity` mean the same there.
import { randomWeights } from "./brcr.js";
import { bstcView } from "./waves.js";

/** "3-7", "3,5,7", "8" -> plane numbers (1..7 magnitude, 8 sign), ascending, distinct. */
export function parsePlanes(spec: string): number[] {
  const out = new Set<number>();
  for (const part of spec.split(",").map((x) => x.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN, hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo < 1 || hi > SIGN_PLANE || lo > hi) {
      throw new Error(`mcbp-bstc: planes = '${spec}': '${part}' is not a plane number or range within 1..8 (1..7 magnitude bits, 8 the sign); write e.g. 3-7 or 3,5,8`);
    }
    for (let p = lo; p <= hi; p++) out.add(p);
  }
  return [...out].sort((a, b) => a - b);
}

export function bstcCodecParams(params: Params): BstcCodecParams & { rows: number; planes: number[]; wordsPerPlane: number } {
  const m = Number(params.m), wordBits = Number(params.wordBits), rows = Number(params.rows), cols = Number(params.cols);
  const groups = groupCount(rows, m), planes = parsePlanes(String(params.planes));
  const wordsPerPlane = wordsFor(bstcMaxBits(m, cols, groups), wordBits);
  return {
    m, wordBits, rows, planes, wordsPerPlane,
    segCols: Number(params.segCols), lanes: Number(params.lanes), maxCols: cols, maxGroups: groups,
    // One worst-case plane region, reused plane after plane at shifting bases (BASE_SPREAD spare
    // words), so the bank stays the size of one paper bank at the defaults (2^16 bits; Yosys's
    // front end unrolls a memory's initial loop and grows quadratically with the depth).
    depth: wordsPerPlane + BASE_SPREAD,
  };
}

/** Spare bank words: plane k of the run is coded at word baseOf(k), 0..BASE_SPREAD-1. */
export const BASE_SPREAD = 8;
export const baseOf = (k: number): number => (5 * k) % BASE_SPREAD;

function planeOf(bp: BitPlanes, p: number): number[][] {
  return p === SIGN_PLANE ? bp.sign : bp.planes[p - 1];
}

const round = (x: number) => Math.round(x * 10000) / 10000;

export const mcbpBstcTb: Testbench = {
  name: "mcbp-bstc",
  description: "MCBP CODEC: INT8 weights -> bit-slice encoder -> BSTC encoder (words and segment starts == golden bstcSegments) -> bank -> parallel BSTC decoder lanes (every pattern == golden); compression metrics",
  params: [
    { name: "rows", description: "weight rows (output rows)", type: "int", default: 8, min: 1, max: 4096, verify: { min: 1, max: 24 } },
    { name: "cols", description: "weight columns (H, the input length)", type: "int", default: 4096, min: 1, max: 65536, verify: { min: 1, max: 160 } },
    { name: "m", description: "rows per group (pattern width; the paper uses 4)", type: "int", default: 4, min: 1, max: 16, verify: { min: 1, max: 8 } },
    { name: "segCols", description: "BSTC sub-matrix width in columns (each segment has its own start address)", type: "int", default: 1024, min: 1, max: 65536, verify: { min: 1, max: 48 } },
    { name: "lanes", description: "parallel decoder lanes", type: "int", default: 4, min: 1, max: 64, verify: { min: 1, max: 5 } },
    { name: "wordBits", description: "bank word width (the first stream bit in a word's MSB)", type: "enum", default: "32", values: ["8", "16", "32", "64"] },
    { name: "planes", description: "planes coded with BSTC (1..7 magnitude bits, 8 the sign; ranges and lists like 3-7 or 3,5,8); the rest stay raw", type: "string", default: "3-7", verify: { values: ["3-7", "1-8", "7", "1,4", "8"] } },
    { name: "dist", description: "weights: 'planes' (magnitude bit p is 1 with probability (1-sparsity)(8-p)/4) or 'laplace' (scale 1+63(1-sparsity))", type: "enum", default: "planes", values: ["planes", "laplace"] },
    { name: "sparsity", description: "mean bit sparsity of the magnitude planes (dist planes) or the Laplace scale knob", type: "number", default: 0.7, min: 0, max: 1, verify: { min: 0, max: 1 } },
  ],

  waves() {
    return bstcView();
  },

  design(params) {
    return makeBstcCodec(bstcCodecParams(params));
  },

  validate(params) {
    try {
      const p = bstcCodecParams(params);
      checkBstcEncoderParams(p);
      checkBstcDecoderParams({ ...p, segCols: Math.min(p.segCols, p.maxCols) });
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const p = bstcCodecParams(params);
    const r = rng(seed);
    const W = randomWeights(r, p.rows, p.maxCols, String(params.dist), Number(params.sparsity));
    const bp = bitPlanes(W);
    const check = new Checker();
    const sim = openSim(() => this.design(params), opts);
    let encodeCycles = 0, decodeCycles = 0, bits = 0, zeroCols = 0, columns = 0, segments = 0;
    try {
      sim.reset();
      for (let l = 0; l < p.lanes; l++) sim.poke(`pat${l}_ready`, 1);
      p.planes.forEach((pn, idx) => {
        const plane = planeOf(bp, pn), label = `plane ${pn}`;
        const plan = bstcPlan(plane, p.m, p.segCols, p.wordBits);
        const base = baseOf(idx);
        encodeCycles += encodeCodecPlane(sim, plan, W, bp, pn, base, check, label);
        let wrong = 0;
        plan.words.forEach((w, k) => {
          const got = sim.readMemory("dec.bank", base + k);
          if (got !== w && wrong++ < 3) check.equal(`${label}: bank word ${base + k}`, got, w, { width: p.wordBits, signed: false });
        });
        check.ok(`${label}: the bank holds the golden words (${wrong} of ${plan.words.length} wrong)`, wrong === 0);
        const out = decodePlan(sim, plan, plane, p.lanes, check, label, { baseBit: base * p.wordBits });
        decodeCycles += out.cycles;
        check.ok(`${label}: the decoded plane equals the plane`, out.decoded.every((row, i) => row.every((v, c) => v === plane[i][c])));
        bits += plan.bits.length;
        segments += plan.segments.length;
        columns += plan.patterns.length;
        plan.patterns.forEach((x) => (zeroCols += x === 0 ? 1 : 0));
      });
    } finally {
      sim.close();
    }
    const raw = p.rows * p.maxCols, rawBits = p.planes.length * raw;
    const p0 = columns ? zeroCols / columns : 0;
    const storedBits = bits + (8 - p.planes.length) * raw;
    return check.result(this.name, sim.cycle, seed, params, {
      encodeCycles,
      decodeCycles,
      segments,
      bits,
      rawBits,
      compressionRatio: round(bits ? rawBits / bits : 0),
      zeroColumns: round(p0),
      codedRatio: round(bits ? (columns * p.m) / bits : 0),
      predictedRatio: round(bstcCompressionRatio(p0, p.m)),
      bytesRaw: raw,
      bytesMoved: Math.ceil(storedBits / 8),
      bytesSaved: round(1 - storedBits / (8 * raw)),
      patternsPerDecodeCycle: round(decodeCycles ? columns / decodeCycles : 0),
    });
  },
};
