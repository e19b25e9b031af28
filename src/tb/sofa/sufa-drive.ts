/**
 * Driving the SU-FA unit: a harness top that plays the SADS read port (an RTL list memory,
 * registered read, one cycle of latency like the SADS output buffer), backdoor loading of the
 * resident Q/K/V lane memories, and one run of every query tile checked against the golden
 * sufaFixedTiles the cycle each output appears. Shared by the `sofa-sufa` testbench and the unit tests.
 */
import { Module, cat, u } from "../../hdl/index.js";
import { fixedScore, sufaFixedTiles, SufaFixedConfig, DEFAULT_SUFA } from "../../golden/sofa.js";
import { sufaUnitCycles } from "../../golden/sofa-sufa-timing.js";
import { SufaUnitParams, makeSufaUnit, sufaUnitShape } from "../../hw/sofa/sufa-unit.js";
import type { Simulator } from "../../sim/index.js";
import { Checker, openSim, writeWords } from "../harness.js";
import type { TbRunOptions } from "../types.js";

export interface SufaCase {
  readonly unit: SufaUnitParams;
  readonly Q: readonly (readonly number[])[];
  readonly K: readonly (readonly number[])[];
  readonly V: readonly (readonly number[])[];
  /** lists[q][j]: the kept keys of query q (global index), segment j, in the order SU-FA visits them. */
  readonly lists: readonly (readonly (readonly number[])[])[];
  /** What the SADS port returns as rd_value for (q, key): the predicted score (any s16; SU-FA ignores it). */
  readonly predicted?: (q: number, key: number) => number;
}

export type SufaGolden = ReturnType<typeof sufaFixedTiles>;

export interface SufaCaseResult {
  readonly cycles: number;
  /** Per tile, start cycle to done cycle, measured and from the cycle model. */
  readonly tileCycles: number[];
  readonly modelCycles: number[];
  /** Per query: the fixed scores of every key, and the golden result. */
  readonly scores: number[][];
  readonly golden: SufaGolden[];
  /** Per query, the outputs observed (o_data at o_valid). */
  readonly outputs: number[][];
  readonly counters: Record<string, number>;
}

const COUNTERS = ["keys", "exps", "muls", "adds", "rescales", "tile_rescales"] as const;

/** The harness: the unit (or `design`, built for p) as `dut`, and the list memory answering its read port. */
export function sufaHarness(p: SufaUnitParams, design: Module = makeSufaUnit(p)): { top: Module; dut: Module; listAddr: (bank: number, row: number, seg: number, slot: number) => number } {
  const g = sufaUnitShape(p);
  const top = new Module("sufa_harness");
  const dut = top.submodule("dut", design);
  // Every input but the read port's answer comes from the harness's own inputs of the same name.
  for (const x of dut.inputs) if (!x.name.startsWith("rd_")) top.comb.set(x, top.input(x.name, x.shape));
  // A word: valid, predicted value (16 bits), key index. Address: bank, row, segment, slot fields.
  const wordBits = 1 + 16 + g.idxBits;
  const fields = [1, g.rowBits, g.segBits, g.slotBits];
  const addrBits = fields.reduce((a, b) => a + b, 0);
  const lists = top.memory({ name: "lists", shape: u(wordBits), depth: 2 ** addrBits });
  const rd = lists.readPort({ domain: "sync" });
  top.comb.set(rd.addr, cat(dut.port("rd_bank"), dut.port("rd_row"), dut.port("rd_seg"), dut.port("rd_slot")));
  top.comb.set(dut.port("rd_valid"), rd.data.bit(wordBits - 1));
  top.comb.set(dut.port("rd_value"), rd.data.slice(wordBits - 2, g.idxBits).asSigned());
  top.comb.set(dut.port("rd_index"), rd.data.slice(g.idxBits - 1, 0));
  const listAddr = (bank: number, row: number, seg: number, slot: number) =>
    (((bank * 2 ** g.rowBits + row) * 2 ** g.segBits + seg) * 2 ** g.slotBits) + slot;
  return { top, dut, listAddr };
}

/** The golden result of query q: exact scores of every key, then sufaFixedTiles over its lists. */
export function sufaGolden(cs: SufaCase, q: number, c: SufaFixedConfig): { scores: number[]; result: SufaGolden } {
  const scores = cs.K.map((k) => fixedScore(cs.Q[q] as number[], k as number[], cs.unit.scoreShift));
  return { scores, result: sufaFixedTiles(scores, cs.V, cs.lists[q], c) };
}

const RESIDENT = [["q", "Q"], ["k", "K"], ["v", "V"]] as const;

/** Backdoor-load the resident memories (before reset: co-simulation replays them as initial contents). */
function loadByBackdoor(sim: Simulator, cs: SufaCase): void {
  for (const [mem, field] of RESIDENT) {
    cs[field].forEach((row, i) => row.forEach((x, d) => sim.writeMemory(`dut.${mem}_l${d}`, i, x)));
  }
}

/** Load the resident memories through the write ports, one word per cycle (after reset). */
function loadByPorts(sim: Simulator, cs: SufaCase): void {
  for (const [mem, field] of RESIDENT) writeWords(sim, `${mem}_`, cs[field].flatMap((row, i) => row.map((x, d) => ({ lane: d, addr: i, data: x }))));
}

/**
 * Run every query tile (tile t in bank t % 2) and check each output, the counters and the cycles.
 * `design` replaces the unit (a testbench's design(), which tests may swap for a mutant).
 */
export function runSufaCase(
  cs: SufaCase,
  opts: Pick<TbRunOptions, "vcd" | "attach" | "engine"> & { load?: "backdoor" | "ports" },
  check: Checker,
  design?: Module,
): SufaCaseResult {
  const p = cs.unit, c = p.cfg ?? DEFAULT_SUFA, g = sufaUnitShape(p);
  const D = p.headDim, n = p.segments;
  const { top, listAddr } = sufaHarness(p, design);
  const golden = cs.Q.map((_, q) => sufaGolden(cs, q, c));
  const outputs: number[][] = [];
  const tileCycles: number[] = [], modelCycles: number[] = [];
  const counters: Record<string, number> = {};
  const timing = { per: g.per, recipBits: c.recipBits, probBits: c.probBits, headDim: D, outMuls: g.outMuls };
  const sim = openSim(top, { params: {}, seed: 0, ...opts });
  let cycles = 0;
  try {
    if (opts.load !== "ports") loadByBackdoor(sim, cs);
    sim.reset();
    if (opts.load === "ports") loadByPorts(sim, cs);
    const oValid = sim.accessor("dut.o_valid"), done = sim.accessor("dut.done"), oRow = sim.accessor("dut.o_row");
    const oData = Array.from({ length: D }, (_, d) => sim.accessor(`dut.o_data_${d}`));
    const start = sim.accessor("start"), bank = sim.accessor("bank"), tile = sim.accessor("tile");
    for (let t = 0; t < g.tiles; t++) {
      const q0 = t * p.rows, rows = Math.min(p.rows, p.queries - q0), b = t % 2;
      // The SADS output buffer of this tile's bank: every slot written (stale entries must not leak).
      for (let r = 0; r < 2 ** g.rowBits; r++) for (let j = 0; j < 2 ** g.segBits; j++) for (let s = 0; s < 2 ** g.slotBits; s++) {
        const list = r < rows && j < n ? cs.lists[q0 + r][j] : [];
        const key = s < list.length ? list[s] : 0;
        const value = s < list.length && cs.predicted ? cs.predicted(q0 + r, key) : 0;
        const word = ((s < list.length ? 1n : 0n) << BigInt(16 + g.idxBits)) | (BigInt(value & 0xffff) << BigInt(g.idxBits)) | BigInt(key);
        sim.writeMemory("lists", listAddr(b, r, j, s), word);
      }
      start.set(1);
      bank.set(b);
      tile.set(t);
      sim.step();
      start.set(0);
      let k = 1, next = 0;
      const model = sufaUnitCycles(timing, Array.from({ length: rows }, (_, r) => cs.lists[q0 + r].map((l) => l.length)));
      const limit = 4 * model + 100;
      for (;;) {
        if (oValid.get() === 1) {
          const row = oRow.get(), q = q0 + row;
          check.equal(`o_row of output ${next} of tile ${t} (cycle ${sim.cycle})`, row, next);
          const want = golden[q].result.output;
          const got = oData.map((a) => a.get());
          for (let d = 0; d < D; d++) check.equal(`O[${q}][${d}] (tile ${t}, row ${row}, cycle ${sim.cycle})`, got[d], want[d]);
          outputs[q] = got;
          next++;
        }
        if (done.get() === 1) break;
        if (k >= limit) {
          check.fail(`tile ${t}: done never came (gave up after ${k} cycles; the cycle model says ${model})`);
          break;
        }
        sim.step();
        k++;
      }
      check.equal(`outputs of tile ${t}`, next, rows);
      check.equal(`cycles of tile ${t} from start to done (measured vs cycle model)`, k, model);
      tileCycles.push(k);
      modelCycles.push(model);
      cycles += k;
      sim.step(); // one idle cycle between tiles
      cycles++;
    }
    for (const name of COUNTERS) counters[name] = sim.peekNumber(`dut.${name}`);
  } finally {
    sim.close();
  }
  const sum = (f: (r: SufaGolden) => number) => golden.reduce((a, x) => a + f(x.result), 0);
  const want: Record<string, number> = {
    keys: cs.lists.reduce((a, ls) => a + ls.reduce((b, l) => b + l.length, 0), 0),
    exps: sum((r) => r.exps), muls: sum((r) => r.muls), adds: sum((r) => r.adds), rescales: sum((r) => r.rescales), tile_rescales: sum((r) => r.tileRescales),
  };
  for (const name of COUNTERS) check.equal(`counter ${name} (golden sufaFixedTiles counts)`, counters[name], want[name] % 2 ** 32);
  return { cycles, tileCycles, modelCycles, scores: golden.map((x) => x.scores), golden: golden.map((x) => x.result), outputs, counters };
}
