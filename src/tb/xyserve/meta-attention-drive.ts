/**
 * Driving the meta-attention unit: backdoor loading of a tile (Q rows, K/V with their block
 * padding, the draft tree), one start, and every output checked against the golden metaAttention
 * the cycle it appears, the tile's cycles against metaAttentionCycles and the counters against
 * the keys the jobs run. Shared by the `meta-attention` testbench and the unit tests.
 */
import type { Module } from "../../hdl/index.js";
import { DEFAULT_META, metaAttention, type MetaAttentionRow, type MetaAttentionTile } from "../../golden/meta-attention.js";
import { metaAttentionCycles, metaAttentionJobs } from "../../golden/meta-attention-timing.js";
import { makeMetaAttention } from "../../hw/xyserve/meta-attention.js";
import { metaAttentionShape, type MetaAttentionParams } from "../../hw/xyserve/meta-attention-params.js";
import type { Simulator } from "../../sim/index.js";
import { Checker, openSim, writeWords } from "../harness.js";
import type { TbRunOptions } from "../types.js";

export interface MetaTileResult {
  readonly cycles: number;
  readonly modelCycles: number;
  readonly golden: MetaAttentionRow[];
  /** Per row, the outputs observed. */
  readonly outputs: number[][];
}

export interface MetaCaseResult {
  readonly tiles: MetaTileResult[];
  readonly cycles: number;
  readonly keys: number;
  readonly masked: number;
}

/** The tile's words for each write port (Q rows, K and V with their padding, the draft tree's words). */
function tileWords(p: MetaAttentionParams, t: MetaAttentionTile): [string, { lane?: number; addr: number; data: number }[]][] {
  if (t.q.length > p.maxRows || t.k.length > p.kvCap || (t.tree?.length ?? 0) > p.specMax) {
    throw new Error(`meta-attention drive: a tile of ${t.q.length} rows, ${t.k.length} keys and ${t.tree?.length ?? 0} drafts does not fit maxRows ${p.maxRows}, kvCap ${p.kvCap}, specMax ${p.specMax}`);
  }
  const lanes = (m: readonly (readonly number[])[]) => m.flatMap((row, addr) => row.map((data, lane) => ({ lane, addr, data })));
  const tree = (t.tree ?? []).map((row, addr) => ({ addr, data: row.reduce((w, seen, b) => (seen ? w + 2 ** b : w), 0) }));
  return [["q_", lanes(t.q)], ["k_", lanes(t.k)], ["v_", lanes(t.v)], ["tree_", tree]];
}

/**
 * Load a tile: through the write ports, one word per cycle, as the hardware is loaded (and as a
 * co-simulation can replay), or by backdoor writes (instant; tests that do not co-simulate).
 */
function loadTile(sim: Simulator, p: MetaAttentionParams, t: MetaAttentionTile, how: "ports" | "backdoor"): number {
  let cycles = 0;
  for (const [prefix, words] of tileWords(p, t)) {
    if (how === "ports") cycles += writeWords(sim, prefix, words);
    else for (const w of words) sim.writeMemory(w.lane === undefined ? "tree" : `${prefix}l${w.lane}`, w.addr, w.data);
  }
  return cycles;
}

/**
 * Run the tiles one after another, each loaded then started (one idle cycle after each; the memories
 * keep the previous tile's words wherever the next does not write: stale padding the masks must
 * hide). `cycles` counts everything, loads included.
 */
export function runMetaTiles(
  p: MetaAttentionParams,
  tiles: readonly MetaAttentionTile[],
  opts: Pick<TbRunOptions, "vcd" | "attach" | "engine"> & { load?: "ports" | "backdoor" },
  check: Checker,
  design: Module = makeMetaAttention(p),
): MetaCaseResult {
  const c = p.cfg ?? DEFAULT_META, g = metaAttentionShape(p);
  const sim = openSim(design, { params: {}, seed: 0, ...opts });
  const results: MetaTileResult[] = [];
  let cycles = 0, wantKeys = 0, wantMasked = 0, keys = 0, masked = 0;
  try {
    sim.reset();
    const start = sim.accessor("start");
    const fields = { t_start: sim.accessor("t_start"), t_rows: sim.accessor("t_rows"), t_kv: sim.accessor("t_kv"), t_spec: sim.accessor("t_spec") };
    const status = sim.outputBank(["o_valid", "done", "o_row"]);
    const data = sim.outputBank(Array.from({ length: p.valueDim }, (_, d) => `o_data_${d}`));
    tiles.forEach((t, ti) => {
      cycles += loadTile(sim, p, t, opts.load ?? "ports");
      const golden = metaAttention(t, p.pipeline, p.split, c);
      const timing = { pipeline: p.pipeline, rows: t.q.length, start: t.start, split: p.split, kvBlock: p.kvBlock, qBits: g.qBits };
      const model = metaAttentionCycles(timing);
      const jobKeys = metaAttentionJobs(timing).reduce((a, j) => a + j.keys, 0);
      wantKeys += jobKeys;
      wantMasked += jobKeys - golden.reduce((a, row) => a + row.visible.length, 0);
      fields.t_start.set(t.start);
      fields.t_rows.set(t.q.length);
      fields.t_kv.set(t.kvLen);
      fields.t_spec.set(t.tree?.length ?? 0);
      start.set(1);
      sim.step();
      start.set(0);
      const outputs: number[][] = [];
      let k = 1;
      const limit = 2 * model + 100;
      for (;;) {
        const [valid, isDone, row] = status.read();
        if (valid === 1) {
          const next = outputs.length;
          check.equal(`tile ${ti}: o_row of output ${next} (cycle ${sim.cycle})`, row, next);
          const got = Array.from(data.read());
          const want = golden[next]?.out ?? [];
          for (let d = 0; d < p.valueDim; d++) check.equal(`tile ${ti} (${t.q.length} rows at ${t.start}, kvLen ${t.kvLen}, ${t.tree?.length ?? 0} drafts): O[${next}][${d}] (cycle ${sim.cycle})`, got[d], want[d] ?? NaN);
          outputs.push(got);
        }
        if (isDone === 1) break;
        if (k >= limit) {
          check.fail(`tile ${ti}: done never came (gave up after ${k} cycles; the cycle model says ${model})`);
          break;
        }
        sim.step();
        k++;
      }
      check.equal(`tile ${ti}: outputs`, outputs.length, t.q.length);
      check.equal(`tile ${ti} (${t.q.length} rows at ${t.start}): cycles from start to done (measured vs metaAttentionCycles)`, k, model);
      results.push({ cycles: k, modelCycles: model, golden, outputs });
      cycles += k + 1;
      sim.step(); // one idle cycle between tiles
    });
    keys = sim.peekNumber("keys");
    masked = sim.peekNumber("masked");
  } finally {
    sim.close();
  }
  check.equal("counter keys (keys the jobs run, whole KV blocks)", keys, wantKeys % 2 ** 32);
  check.equal("counter masked (scores zeroed: causal, block padding, hidden drafts)", masked, wantMasked % 2 ** 32);
  return { tiles: results, cycles, keys, masked };
}
