/**
 * Testbench for `mac-grid`: random int8 GEMMs C = A x B (m x k times k x n), tiled over the
 * rows x cols grid (one tile of C per pass, output stationary) and fed with the systolic skew.
 * Every cycle the operands leaving the right and bottom edges are checked (they must be the
 * ones driven cols or rows cycles earlier); at the end of each tile every accumulator is checked
 * against the golden GEMM (src/golden/examples.ts), unused PEs included (they must stay 0).
 */
import { s } from "../../hdl/index.js";
import { macGrid, macGridNames as N } from "../../hw/examples/mac-grid.js";
import { gemmInt8 } from "../../golden/examples.js";
import { Checker, openSim, randInt, rng } from "../harness.js";
import type { Testbench, TbResult } from "../types.js";

const DATA_MODES = ["uniform", "extremes", "mixed"] as const;
/** The int8 values where overflow and sign bugs show. */
const EXTREMES = [-128, -127, -1, 0, 1, 126, 127];

function operandSource(r: () => number, mode: string): () => number {
  const uniform = () => randInt(r, -128, 127);
  const extreme = () => EXTREMES[randInt(r, 0, EXTREMES.length - 1)];
  if (mode === "uniform") return uniform;
  if (mode === "extremes") return extreme;
  return () => (r() < 0.5 ? extreme() : uniform());
}

/** Cycles one tile takes: a clear edge, then K + R + C - 2 edges until PE (R-1, C-1) has its last product. */
export function macGridTileCycles(k: number, tileRows: number, tileCols: number): number {
  return 1 + k + tileRows + tileCols - 2;
}

export const macGridTb: Testbench = {
  name: "mac-grid",
  description: "rows x cols grid of int8 MACs (a moves right, b moves down, int32 accumulators); random GEMMs tiled over the grid, checked against the golden GEMM",
  params: [
    { name: "rows", description: "PE rows (tile height of C)", type: "int", default: 8, min: 1, max: 64, verify: { min: 1, max: 8 } },
    { name: "cols", description: "PE columns (tile width of C)", type: "int", default: 8, min: 1, max: 64, verify: { min: 1, max: 8 } },
    { name: "m", description: "rows of A and C", type: "int", default: 16, min: 1, max: 4096, verify: { min: 1, max: 12 } },
    { name: "n", description: "columns of B and C", type: "int", default: 16, min: 1, max: 4096, verify: { min: 1, max: 12 } },
    { name: "k", description: "columns of A, rows of B (the reduction length)", type: "int", default: 32, min: 1, max: 65536, verify: { min: 1, max: 24 } },
    { name: "data", description: "operand values: uniform int8, extremes (-128, -127, -1, 0, 1, 126, 127), or mixed (half each)", type: "enum", default: "mixed", values: DATA_MODES },
  ],

  design(params) {
    return macGrid({ rows: Number(params.rows), cols: Number(params.cols) });
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const rows = Number(params.rows), cols = Number(params.cols);
    const m = Number(params.m), n = Number(params.n), k = Number(params.k);
    const r = rng(seed);
    const operand = operandSource(r, String(params.data));
    const check = new Checker();
    const i32 = s(32), i8 = s(8);
    const sim = openSim(this.design(params), opts);

    // Banks: every edge's inputs go in with one call, the operands leaving the edges come out
    // with one (sim.inputBank / sim.outputBank); the accumulators are read once per tile.
    const drive = sim.inputBank(["clear", ...Array.from({ length: rows }, (_, i) => N.a(i)), ...Array.from({ length: cols }, (_, j) => N.b(j))]);
    const edges = sim.outputBank([...Array.from({ length: rows }, (_, i) => N.aOut(i)), ...Array.from({ length: cols }, (_, j) => N.bOut(j))]);
    const accs = sim.outputBank(Array.from({ length: rows * cols }, (_, x) => N.acc(Math.floor(x / cols), x % cols)));

    // What was driven at each edge, for the edge-output checks: an operand leaves row i's right
    // edge `cols` edges after it entered (one register per PE), so keep the last `cols` input
    // vectors of A (and the last `rows` of B) in rings, one vector per edge.
    const ringA = new Int32Array(cols * rows), ringB = new Int32Array(rows * cols);
    let edge = 0;
    const aVals = new Int32Array(rows), bVals = new Int32Array(cols);
    const inV = drive.values;

    /** Drive aVals/bVals (and clear) for one edge, step, and check the operands leaving the grid. */
    const clockEdge = (clr: boolean): void => {
      inV[0] = clr ? 1 : 0;
      inV.set(aVals, 1);
      inV.set(bVals, 1 + rows);
      ringA.set(aVals, (edge % cols) * rows);
      ringB.set(bVals, (edge % rows) * cols);
      drive.commit();
      sim.step();
      const out = edges.read();
      // The vectors driven cols-1 (rows-1) edges ago, or zeros before there were any.
      const fromA = edge >= cols - 1 ? ((edge + 1) % cols) * rows : -1, fromB = edge >= rows - 1 ? ((edge + 1) % rows) * cols : -1;
      let ok = 0;
      for (let i = 0; i < rows; i++) {
        const want = fromA >= 0 ? ringA[fromA + i] : 0;
        if (out[i] !== want) check.equal(`${N.aOut(i)} at cycle ${sim.cycle}`, out[i], want, i8);
        else ok++;
      }
      for (let j = 0; j < cols; j++) {
        const want = fromB >= 0 ? ringB[fromB + j] : 0;
        if (out[rows + j] !== want) check.equal(`${N.bOut(j)} at cycle ${sim.cycle}`, out[rows + j], want, i8);
        else ok++;
      }
      check.checks += ok;
      edge++;
    };

    const tilesI = Math.ceil(m / rows), tilesJ = Math.ceil(n / cols);
    let perGemm = 0;
    for (let ti = 0; ti < tilesI; ti++) for (let tj = 0; tj < tilesJ; tj++) perGemm += macGridTileCycles(k, Math.min(rows, m - ti * rows), Math.min(cols, n - tj * cols));
    const target = opts.cycles ?? 0;
    const gemmsPlanned = Math.max(1, Math.ceil(target / perGemm));
    let gemms = 0, tiles = 0;

    try {
      sim.reset();
      do {
        const A = new Int8Array(m * k), B = new Int8Array(k * n);
        for (let i = 0; i < A.length; i++) A[i] = operand();
        for (let i = 0; i < B.length; i++) B[i] = operand();
        const C = gemmInt8(A, B, m, k, n);
        for (let ti = 0; ti < tilesI; ti++) {
          for (let tj = 0; tj < tilesJ; tj++) {
            const i0 = ti * rows, j0 = tj * cols;
            const tr = Math.min(rows, m - i0), tc = Math.min(cols, n - j0);
            aVals.fill(0);
            bVals.fill(0);
            clockEdge(true);
            // Skewed feed: row i gets A[i0+i][t-i], column j gets B[t-j][j0+j] (rows and columns
            // past the tile's edge stay 0 from the fill above).
            const last = macGridTileCycles(k, tr, tc) - 1;
            for (let t = 0; t < last; t++) {
              for (let i = 0; i < tr; i++) {
                const q = t - i;
                aVals[i] = q >= 0 && q < k ? A[(i0 + i) * k + q] : 0;
              }
              for (let j = 0; j < tc; j++) {
                const q = t - j;
                bVals[j] = q >= 0 && q < k ? B[q * n + j0 + j] : 0;
              }
              clockEdge(false);
            }
            const got = accs.read();
            for (let i = 0; i < rows; i++) {
              for (let j = 0; j < cols; j++) {
                const want = i < tr && j < tc ? C[(i0 + i) * n + (j0 + j)] : 0;
                // The message is built only on a mismatch: this runs for every PE of every tile.
                if (got[i * cols + j] !== want) check.equal(`${N.acc(i, j)} = C[${i0 + i}][${j0 + j}] after tile (${ti}, ${tj}) of GEMM ${gemms}, cycle ${sim.cycle}`, got[i * cols + j], want, i32);
                else check.checks++;
              }
            }
            tiles++;
            opts.onProgress?.(Math.min(edge, gemmsPlanned * perGemm), gemmsPlanned * perGemm);
          }
        }
        gemms++;
      } while (sim.cycle < target);
    } finally {
      sim.close();
    }
    const macs = gemms * m * n * k;
    const utilization = macs / (rows * cols * sim.cycle);
    return check.result(this.name, sim.cycle, seed, params, {
      gemms,
      tiles,
      macs,
      utilization: Math.round(utilization * 10000) / 10000,
    });
  },
};
