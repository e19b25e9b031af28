/**
 * Testbench `sofa-sort`: the SADS unit (src/hw/sofa/sads-unit.ts) on tiles of A-hat rows shaped
 * like the paper's row types, many ties included (small value ranges).
 *
 * Flow, exercising the double buffering: tile 0 is written into bank 0 through the write port
 * (groups of inWidth consecutive keys, row by row, the DLZS output stream's shape). Then for each
 * tile t the unit is started on bank t % 2 while, in the same cycles, tile t + 1 is written into
 * the other bank and the lists of tile t - 1 are read back from it through the read port. The next
 * start waits for done and for both streams.
 *
 * Checks: every read (rd_valid, rd_index, rd_value of every slot 0 .. k/n - 1 of every row and
 * segment) against golden `sadsSegments(row, k, n, radius)` exactly: indices, values, order and
 * counts; busy and done every cycle of every run against the cycle model
 * (src/golden/sofa-sads-timing.ts), and the counters sorted, clipped and scans after every run.
 * Metrics: cycles, cycles per row, sorted and clipped items, scans, the top-k recall of the kept
 * union against the exact top-k, and what clipping saved (the same rows through the cycle model
 * with radius = none).
 */
import { sadsSegments, topKRecall } from "../../golden/sofa.js";
import { sadsUnitTiming } from "../../golden/sofa-sads-timing.js";
import { DEFAULT_PIPE_REGS, SadsParams, sadsGeometry } from "../../hw/sofa/sads-params.js";
import { makeSadsUnit, sadsNames } from "../../hw/sofa/sads-unit.js";
import { Checker, openSim, randInt, rng } from "../harness.js";
import type { Params, TbResult, Testbench } from "../types.js";
import { sortView } from "./waves.js";

/** Row types (papers.md 5a): I dominant, II uniform, III regional; plus full-range extremes. */
export const SORT_DATA = ["mixed", "dominant", "uniform", "regional", "extremes"] as const;
export type SortData = (typeof SORT_DATA)[number];

const S16_EDGES = [-32768, -32767, -1, 0, 1, 32766, 32767];
const clamp16 = (v: number) => Math.max(-32768, Math.min(32767, v));

/**
 * One A-hat row. Small value ranges make ties common. dominant: a flat background (range 2..16)
 * with 1-3 tokens 20..300 above it; uniform: values in a range of 1..40; regional: a window of
 * S/16..S/4 consecutive keys 10..100 above a flat background; extremes: s16 edge values and
 * uniform s16 values. Every row gets a random offset (negative values too).
 */
export function sortRow(r: () => number, S: number, data: SortData): number[] {
  const kind = data === "mixed" ? (["dominant", "dominant", "uniform", "uniform", "uniform", "regional", "extremes"] as const)[randInt(r, 0, 6)] : data;
  if (kind === "extremes") return Array.from({ length: S }, () => (r() < 0.5 ? S16_EDGES[randInt(r, 0, S16_EDGES.length - 1)] : randInt(r, -32768, 32767)));
  const off = randInt(r, -2000, 2000);
  if (kind === "uniform") {
    const span = randInt(r, 1, 40);
    return Array.from({ length: S }, () => clamp16(off + randInt(r, 0, span)));
  }
  const bg = randInt(r, 2, 16);
  const row = Array.from({ length: S }, () => clamp16(off + randInt(r, 0, bg)));
  if (kind === "dominant") {
    for (let d = randInt(r, 1, 3); d > 0; d--) row[randInt(r, 0, S - 1)] = clamp16(off + bg + randInt(r, 20, 300));
  } else {
    const w = randInt(r, Math.max(1, Math.floor(S / 16)), Math.max(1, Math.floor(S / 4)));
    const at = randInt(r, 0, S - w), lift = randInt(r, 10, 100);
    for (let i = at; i < at + w; i++) row[i] = clamp16(row[i] + lift);
  }
  return row;
}

export function sortUnitParams(params: Params): SadsParams {
  return {
    seqLen: Number(params.seqLen), segments: Number(params.segments), k: Number(params.k), radius: Number(params.radius),
    rows: Number(params.tile), inWidth: Number(params.inWidth), pipeRegs: Number(params.pipeRegs),
  };
}

const round = (x: number) => Number(x.toPrecision(6));

export const sofaSortTb: Testbench = {
  name: "sofa-sort",
  description: "SOFA SADS unit (n segment cores, pipelined 16-to-4 bitonic sorters, clipping): double-buffered tiles, every list vs sadsSegments, busy/done and counters vs the cycle model; recall and what clipping saved",
  params: [
    { name: "seqLen", description: "S: keys per row", type: "int", default: 256, min: 1, max: 4096, verify: { min: 1, max: 200 } },
    { name: "k", description: "keys kept per row (floor(k/n) per segment)", type: "int", default: 32, min: 0, max: 4096, verify: { min: 0, max: 48 } },
    { name: "segments", description: "n: SADS segments (one sort core each)", type: "int", default: 4, min: 1, max: 64, verify: { min: 1, max: 4 } },
    { name: "radius", description: "clipping radius in A-hat units; -1: none", type: "int", default: -1, min: -1, max: 65536, verify: { min: -1, max: 40 } },
    { name: "tile", description: "query rows per start (rows per bank)", type: "int", default: 4, min: 1, max: 128, verify: { min: 1, max: 4 } },
    { name: "queries", description: "query rows in all (rounded up to whole tiles)", type: "int", default: 12, min: 1, max: 4096, verify: { min: 1, max: 10 } },
    { name: "inWidth", description: "keys per write (the DLZS array's columns), <= 12", type: "int", default: 8, min: 1, max: 12, verify: { min: 1, max: 12 } },
    { name: "pipeRegs", description: "pipeline registers of each 16-to-4 core", type: "int", default: DEFAULT_PIPE_REGS, min: 1, max: 4, verify: { min: 1, max: 4 } },
    { name: "data", description: "row types: dominant (I), uniform (II), regional (III), extremes (s16 edges), or mixed", type: "enum", default: "mixed", values: SORT_DATA },
  ],

  waves() {
    return sortView();
  },

  design(params) {
    return makeSadsUnit(sortUnitParams(params)).module;
  },

  validate(params) {
    try {
      sadsGeometry(sortUnitParams(params));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const p = sortUnitParams(params);
    const g = sadsGeometry(p);
    const S = p.seqLen, n = p.segments, k = p.k, T = p.rows, w = p.inWidth, per = g.per;
    const radius = p.radius < 0 ? Infinity : p.radius;
    const r = rng(seed);
    const tiles = Math.ceil(Number(params.queries) / T);
    const data = Array.from({ length: tiles }, () => Array.from({ length: T }, () => sortRow(r, S, params.data as SortData)));
    const want = data.map((tile) => tile.map((row) => sadsSegments(row, k, n, radius)));
    const timing = data.map((tile) => sadsUnitTiming(tile, k, n, radius, p.pipeRegs!));
    const check = new Checker();
    let cycles = 0, runCycles = 0;
    let sorted = 0, clipped = 0, scans = 0;

    const sim = openSim(() => this.design(params), opts);
    try {
      const A = (name: string) => sim.accessor(name);
      const inWe = A("in_we"), inBank = A("in_bank"), inRow = A("in_row"), inCol = A("in_col");
      const inData = Array.from({ length: w }, (_, i) => A(sadsNames.inData(i)));
      const inMask = Array.from({ length: w }, (_, i) => A(sadsNames.inMask(i)));
      const start = A("start"), bank = A("bank"), busy = A("busy"), done = A("done");
      const rdBank = A("rd_bank"), rdRow = A("rd_row"), rdSeg = A("rd_seg"), rdSlot = A("rd_slot");
      const rdIndex = A("rd_index"), rdValue = A("rd_value"), rdValid = A("rd_valid");
      const cSorted = A("sorted"), cClipped = A("clipped"), cScans = A("scans");
      sim.reset();

      /** Writes of tile t into bank t % 2, in the DLZS stream's order. */
      const writes = (t: number) => {
        const ops: { row: number; col: number }[] = [];
        for (let row = 0; row < T; row++) for (let col = 0; col < S; col += w) ops.push({ row, col });
        return ops.map((o) => () => {
          inWe.set(1);
          inBank.set(t % 2);
          inRow.set(o.row);
          inCol.set(o.col);
          for (let i = 0; i < w; i++) {
            const key = o.col + i;
            inData[i].set(key < S ? data[t][o.row][key] : 0);
            inMask[i].set(key < S ? 1 : 0);
          }
        });
      };
      /** Reads of every slot of every list of tile t; each returns the check to run after the edge. */
      const reads = (t: number) => {
        const ops: (() => () => void)[] = [];
        for (let row = 0; row < T; row++) for (let j = 0; j < n; j++) for (let slot = 0; slot < Math.max(1, per); slot++) {
          ops.push(() => {
            rdBank.set(t % 2);
            rdRow.set(row);
            rdSeg.set(j);
            rdSlot.set(slot);
            return () => {
              const list = want[t][row][j];
              const where = `tile ${t} row ${row} segment ${j} slot ${slot} (cycle ${sim.cycle})`;
              const v = slot < list.length;
              if (!check.equal(`${where}: rd_valid`, rdValid.get(), v ? 1 : 0)) return;
              check.equal(`${where}: rd_index`, rdIndex.get(), v ? list[slot] : 0);
              check.equal(`${where}: rd_value`, rdValue.get(), v ? data[t][row][list[slot]] : 0);
            };
          });
        }
        return ops;
      };

      /** One phase: optionally run tile `run`, while writing and reading; ends when all are done. */
      const phase = (run: number | undefined, wr: (() => void)[], rd: (() => () => void)[]) => {
        const tm = run !== undefined ? timing[run] : undefined;
        const c0 = { sorted: cSorted.get(), clipped: cClipped.get(), scans: cScans.get() };
        let rel = 0, finished = tm === undefined;
        let wi = 0, ri = 0;
        const limit = (tm?.cycles ?? 0) + wr.length + rd.length + 10;
        while (!finished || wi < wr.length || ri < rd.length) {
          start.set(rel === 0 && tm ? 1 : 0);
          bank.set(run !== undefined ? run % 2 : 0);
          inWe.set(0);
          if (wi < wr.length) wr[wi++]();
          const after = ri < rd.length ? rd[ri++]() : undefined;
          sim.step();
          cycles++;
          rel++;
          after?.();
          if (tm && !finished) {
            const d = done.get(), b = busy.get();
            if (d !== (rel === tm.cycles ? 1 : 0)) check.equal(`tile ${run}: done ${rel} cycles after start (the model says ${tm.cycles})`, d, rel === tm.cycles ? 1 : 0);
            else if (b !== (rel < tm.cycles ? 1 : 0)) check.equal(`tile ${run}: busy ${rel} cycles after start (done due at ${tm.cycles})`, b, rel < tm.cycles ? 1 : 0);
            else check.checks++;
            if (d === 1 || rel >= tm.cycles) {
              finished = true;
              runCycles += rel;
            }
          }
          if (rel > limit) {
            check.fail(`tile ${run}: phase did not end after ${rel} cycles`);
            break;
          }
        }
        if (tm) {
          const ds = cSorted.get() - c0.sorted, dc = cClipped.get() - c0.clipped, dn = cScans.get() - c0.scans;
          check.equal(`tile ${run}: sorted counter`, ds, tm.sorted);
          check.equal(`tile ${run}: clipped counter`, dc, tm.clipped);
          check.equal(`tile ${run}: scans counter`, dn, tm.scans);
          sorted += ds;
          clipped += dc;
          scans += dn;
        }
      };

      phase(undefined, writes(0), []);
      for (let t = 0; t < tiles; t++) phase(t, t + 1 < tiles ? writes(t + 1) : [], t >= 1 ? reads(t - 1) : []);
      phase(undefined, [], reads(tiles - 1));
    } finally {
      sim.close();
    }

    const rowsAll = data.flat();
    const kept = want.flat().map((segs) => segs.flat());
    const recall = rowsAll.reduce((s, row, i) => s + topKRecall(row, kept[i], k), 0) / rowsAll.length;
    const none = data.map((tile) => sadsUnitTiming(tile, k, n, Infinity, p.pipeRegs!));
    const noneCycles = none.reduce((s, x) => s + x.cycles, 0), noneScans = none.reduce((s, x) => s + x.scans, 0);
    const metrics: TbResult["metrics"] = {
      cycles,
      runCycles,
      modelCycles: timing.reduce((s, x) => s + x.cycles, 0),
      cyclesPerRow: round(runCycles / rowsAll.length),
      rows: rowsAll.length,
      sortedItems: sorted,
      clippedItems: clipped,
      scans,
      keptPerRow: round(kept.reduce((s, x) => s + x.length, 0) / rowsAll.length),
      recall: round(recall),
      unclippedScans: noneScans,
      unclippedCycles: noneCycles,
      clipSavedScans: noneScans - scans,
      clipSavedCycles: noneCycles - runCycles,
    };
    return check.result(this.name, cycles, seed, params, metrics);
  },
};
