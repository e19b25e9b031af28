/**
 * Driving the DLZS unit from a testbench: filling its resident lane memories, loading K-hat (and
 * optionally Q) through the write ports, running one tile while checking the result stream every
 * cycle against a golden matrix and the golden cycle model, and both phases end to end. Shared by
 * the `sofa-dlzs` testbench and the unit tests.
 */
import { dlzsNonzeroOps, lzCode, predictAhat, predictKhat, transpose } from "../../golden/sofa.js";
import { DlzsTileShape, dlzsOutputCycle, dlzsTileCycles } from "../../golden/sofa-dlzs-timing.js";
import { s } from "../../hdl/index.js";
import { DlzsUnitParams, Place, aMemName, bMemName, dlzsLayout, wkCodeWord } from "../../hw/sofa/dlzs-params.js";
import type { Simulator } from "../../sim/index.js";
import { Checker, randInt, writeWords } from "../harness.js";

/** The operands of both phases: X (outputs x dModel, int8), Wk (dModel x depth, int8), Q (lhsRows x depth, int16). */
export interface DlzsOperands {
  readonly X: readonly (readonly number[])[];
  readonly Wk: readonly (readonly number[])[];
  readonly Q: readonly (readonly number[])[];
}

export const MODE_K = 0;
export const MODE_A = 1;

const S16 = s(16);

/**
 * Backdoor fill (before reset, so co-simulation can start the Verilog from the same contents):
 * every word random first (what SRAM holds at power-up: padding and the K-hat region must not
 * matter), then the Wk codes (golden lzCode, offline), X and Q in their regions.
 */
export function loadResident(sim: Simulator, p: DlzsUnitParams, d: DlzsOperands, r: () => number, opts: { viaPorts?: boolean } = {}): void {
  const L = dlzsLayout(p);
  const ids = new Map(sim.net.memories.map((mm) => [mm.name.slice(mm.name.lastIndexOf(".") + 1), mm.id]));
  const mem = (name: string): number => {
    const id = ids.get(name);
    if (id === undefined) throw new Error(`dlzs drive: the design has no memory '${name}'`);
    return id;
  };
  const write = (name: string, addr: number, v: number) => sim.engine.writeMemory(mem(name), addr, BigInt(v));
  for (let l = 0; l < p.rows; l++) for (let a = 0; a < L.aDepth; a++) write(aMemName(l), a, randInt(r, -32768, 32767));
  for (let l = 0; l < p.cols; l++) for (let a = 0; a < L.bDepth; a++) write(bMemName(l), a, randInt(r, -32768, 32767));
  for (let i = 0; i < p.dModel; i++) {
    for (let j = 0; j < p.depth; j++) {
      const at = L.wk(i, j);
      write(aMemName(at.lane), at.addr, wkCodeWord(lzCode(d.Wk[i][j], 8)));
    }
  }
  if (opts.viaPorts) return;
  for (let t = 0; t < p.outputs; t++) {
    for (let i = 0; i < p.dModel; i++) {
      const at = L.x(t, i);
      write(bMemName(at.lane), at.addr, d.X[t][i]);
    }
  }
  {
    for (let q = 0; q < p.lhsRows; q++) {
      for (let j = 0; j < p.depth; j++) {
        const at = L.q(q, j);
        write(aMemName(at.lane), at.addr, d.Q[q][j]);
      }
    }
  }
  sim.engine.settleAll();
}

/** Write Q (lhsRows x depth) into the A lanes' Q region through the A write port; returns the cycles. */
export function writeQ(sim: Simulator, p: DlzsUnitParams, Q: readonly (readonly number[])[]): number {
  const L = dlzsLayout(p);
  return writePort(sim, "a", Q, (q, d) => L.q(q, d));
}

/** Write the tokens X (outputs x dModel) into the B lanes' X region through the B write port; returns the cycles. */
export function writeX(sim: Simulator, p: DlzsUnitParams, X: readonly (readonly number[])[]): number {
  const L = dlzsLayout(p);
  return writePort(sim, "b", X, (t, i) => L.x(t, i));
}

/** One word per cycle through write port `side` ("a" or "b"): M[i][j] to place(i, j). */
function writePort(sim: Simulator, side: "a" | "b", M: readonly (readonly number[])[], place: (i: number, j: number) => Place): number {
  return writeWords(sim, `${side}_`, M.flatMap((row, i) => row.map((v, j) => ({ ...place(i, j), data: v }))));
}

export function tileShape(p: DlzsUnitParams, mode: number): DlzsTileShape {
  return { rows: p.rows, cols: p.cols, outputs: p.outputs, reduction: mode === MODE_A ? p.depth : p.dModel };
}

/**
 * Run tile `tile` in `mode` and check every cycle: the stream (out_valid exactly in the slots the
 * cycle model gives each real row of each block, in order; out_row, out_col, every mask, every
 * data word = want[log row][shifted row], 0 where masked), busy until done, done exactly at the
 * modelled cycle. Observed words go into `seen` (same indexing as want). Returns the cycles.
 */
export function runTile(
  sim: Simulator, p: DlzsUnitParams, mode: number, tile: number,
  want: readonly (readonly number[])[], seen: number[][], check: Checker, label: string,
): number {
  const shape = tileShape(p, mode);
  const total = dlzsTileCycles(shape);
  const logRows = mode === MODE_A ? p.lhsRows : p.depth;
  const blocks = Math.ceil(p.outputs / p.cols);
  // Expected slots: cycle -> [row, block].
  const slots = new Map<number, [number, number]>();
  for (let b = 0; b < blocks; b++) for (let r = 0; r < p.rows; r++) if (tile * p.rows + r < logRows) slots.set(dlzsOutputCycle(shape, b, r), [r, b]);
  const acc = (n: string) => sim.accessor(n);
  const start = acc("start"), modeIn = acc("mode"), tileIn = acc("tile"), busy = acc("busy"), done = acc("done");
  const valid = acc("out_valid"), row = acc("out_row"), col = acc("out_col");
  const data = Array.from({ length: p.cols }, (_, c) => acc(`out_data_${c}`));
  const mask = Array.from({ length: p.cols }, (_, c) => acc(`out_mask_${c}`));
  modeIn.set(mode);
  tileIn.set(tile);
  start.set(1);
  sim.step();
  start.set(0);
  let cycle = 1, emitted = 0;
  const limit = 2 * total + 100;
  for (;;) {
    const at = `${label} cycle ${cycle}`;
    const slot = slots.get(cycle);
    if (valid.get() !== (slot ? 1 : 0)) check.equal(`${at}: out_valid`, valid.get(), slot ? 1 : 0);
    else check.checks++;
    if (slot && valid.get() === 1) {
      emitted++;
      const [r, b] = slot;
      check.equal(`${at}: out_row`, row.get(), r);
      check.equal(`${at}: out_col`, col.get(), b * p.cols);
      const lr = tile * p.rows + r;
      for (let c = 0; c < p.cols; c++) {
        const t = b * p.cols + c, real = t < p.outputs;
        check.equal(`${at}: out_mask_${c}`, mask[c].get(), real ? 1 : 0);
        const got = data[c].get();
        if (real) {
          seen[lr][t] = got;
          if (got !== want[lr][t]) check.equal(`${at}: out_data_${c} = [${lr}][${t}]`, got, want[lr][t], S16);
          else check.checks++;
        } else check.equal(`${at}: out_data_${c} (masked)`, got, 0, S16);
      }
    }
    const isDone = done.get() === 1;
    if (isDone || cycle === total) {
      check.equal(`${label}: done at the modelled cycle (observed cycle ${isDone ? cycle : "none yet"})`, isDone ? cycle : -1, total);
    }
    if (isDone || cycle >= limit) break;
    if (busy.get() !== 1) check.equal(`${at}: busy before done`, busy.get(), 1);
    sim.step();
    cycle++;
  }
  check.equal(`${label}: busy low with done`, busy.get(), 0);
  check.equal(`${label}: rows x blocks emitted`, emitted, slots.size);
  return cycle;
}

/** The unit's own K-hat write-back left every K-hat word in its place in the B lanes. */
function checkKhatResident(sim: Simulator, p: DlzsUnitParams, khat: readonly (readonly number[])[], check: Checker): void {
  const L = dlzsLayout(p);
  let wrong = 0;
  khat.forEach((row, t) => row.forEach((v, d) => {
    const at = L.khat(t, d);
    const got = Number(sim.readMemory(`${bMemName(at.lane)}`, at.addr));
    if (got !== v && wrong++ < 3) check.equal(`K-hat[${t}][${d}] written back to ${bMemName(at.lane)}[${at.addr}]`, got, v);
  }));
  check.ok(`K-hat written back in place (${wrong} words wrong)`, wrong === 0);
}

export interface DlzsPhasesOutcome {
  /** K-hat as the unit produced it (the golden word where one was never seen), outputs x depth. */
  readonly khat: number[][];
  /** predictAhat(Q, khat, aShift): what phase 1.2 was checked against. */
  readonly ahat: number[][];
  readonly khatCycles: number;
  readonly ahatCycles: number;
  /** Cycles spent writing through the ports (Q and X when loaded that way), and the edge that commits the last K-hat write-back. */
  readonly loadCycles: number;
  readonly shiftAdds: number;
  readonly zeroSkips: number;
  readonly denseOps: number;
}

/**
 * Both phases on a fresh simulator of the unit: preload (Q through the A write port after reset
 * when `viaPorts`, and X through the B write port), every K-hat tile vs predictKhat, K-hat as written back by the unit, every
 * query tile vs predictAhat; then the counters vs the golden nonzero-pair count.
 */
export function runPhases(sim: Simulator, p: DlzsUnitParams, d: DlzsOperands, check: Checker, r: () => number, opts: { viaPorts?: boolean } = {}): DlzsPhasesOutcome {
  const L = dlzsLayout(p);
  loadResident(sim, p, d, r, { viaPorts: opts.viaPorts });
  sim.reset();
  let loadCycles = opts.viaPorts ? writeQ(sim, p, d.Q) + writeX(sim, p, d.X) : 0;
  const khatWantT = transpose(predictKhat(d.X, d.Wk, p.kShift));
  const khatSeenT = khatWantT.map((row) => row.map(() => NaN));
  let khatCycles = 0, ahatCycles = 0;
  for (let t = 0; t < L.wTiles; t++) khatCycles += runTile(sim, p, MODE_K, t, khatWantT, khatSeenT, check, `K-hat tile ${t}`);
  // Phase 1.2 runs on what the unit produced: it wrote K-hat back into its B lanes itself.
  const khat = transpose(khatWantT.map((row, j) => row.map((v, t) => (Number.isNaN(khatSeenT[j][t]) ? v : khatSeenT[j][t]))));
  sim.step(); // the last group's write-back commits at the edge after done
  loadCycles += 1;
  checkKhatResident(sim, p, khat, check);
  const ahat = predictAhat(d.Q, khat, p.aShift);
  const ahatSeen = ahat.map((row) => row.map(() => NaN));
  for (let t = 0; t < L.qTiles; t++) ahatCycles += runTile(sim, p, MODE_A, t, ahat, ahatSeen, check, `A-hat tile ${t}`);
  const shiftAdds = sim.peekNumber("shift_adds"), zeroSkips = sim.peekNumber("zero_skips");
  const wantAdds = dlzsNonzeroOps(transpose(d.Wk), d.X) + dlzsNonzeroOps(d.Q, khat);
  const denseOps = p.depth * p.outputs * p.dModel + p.lhsRows * p.outputs * p.depth;
  check.equal("shift_adds (nonzero pairs of both phases)", shiftAdds, wantAdds);
  check.equal("zero_skips (real pairs with a zero operand)", zeroSkips, denseOps - wantAdds);
  check.equal("K-hat cycles vs the cycle model", khatCycles, L.wTiles * dlzsTileCycles(tileShape(p, MODE_K)));
  check.equal("A-hat cycles vs the cycle model", ahatCycles, L.qTiles * dlzsTileCycles(tileShape(p, MODE_A)));
  return { khat, ahat, khatCycles, ahatCycles, loadCycles, shiftAdds, zeroSkips, denseOps };
}
