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
import { Checker, openSim, rng } from "../harness.js";
import type { Testbench, TbResult } from "../types.js";

const DATA_MODES = ["uniform", "extremes", "mixed"] as const;
/** The int8 values where overflow and sign bugs show. */
const EXTREMES = [-128, -127, -1, 0, 1, 126, 127];

/**
 * Fill `out` with operands: uniform int8, EXTREMES, or mixed (half each). Each draw of the PRNG
 * (32 random bits) gives two operands of 16 bits: the top bit picks extreme or uniform (mixed),
 * the low 8 bits are a uniform value, the low 15 an index into EXTREMES (floor(x * 7 / 2^15):
 * each extreme within 0.03% of 1/7). A 16x16 grid uses about 16 operands per cycle, and a draw
 * per operand (two for mixed) was a fifth of the testbench's time.
 */
function fillOperands(out: Int8Array, r: () => number, mode: string): void {
  const E = EXTREMES.length;
  let bits = 0;
  for (let i = 0; i < out.length; i++) {
    if ((i & 1) === 0) bits = r() * 4294967296;
    const h = (i & 1) === 0 ? bits & 0xffff : bits >>> 16;
    const extreme = mode === "extremes" || (mode === "mixed" && h >= 0x8000);
    out[i] = extreme ? EXTREMES[Math.floor(((h & 0x7fff) * E) / 0x8000)] : (h & 0xff) - 128;
  }
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
    const data = String(params.data);
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
    const inV = drive.values;

    /**
     * One edge: the feed for edge `t` of a tile (row i gets A[i0+i][t-i], column j gets
     * B[t-j][j0+j]: the systolic skew; rows and columns past the tile's edge, and a clear edge,
     * get 0) goes into the input bank and the rings, then step and check the operands leaving the
     * grid. The loops write the bank's array directly: this runs every cycle.
     */
    const clockEdge = (clr: boolean, A: Int8Array, B: Int8Array, t: number, i0: number, j0: number, tr: number, tc: number): void => {
      inV[0] = clr ? 1 : 0;
      const ra = (edge % cols) * rows, rb = (edge % rows) * cols;
      for (let i = 0; i < rows; i++) {
        const q = t - i;
        const v = !clr && i < tr && q >= 0 && q < k ? A[(i0 + i) * k + q] : 0;
        inV[1 + i] = v;
        ringA[ra + i] = v;
      }
      for (let j = 0; j < cols; j++) {
        const q = t - j;
        const v = !clr && j < tc && q >= 0 && q < k ? B[q * n + j0 + j] : 0;
        inV[1 + rows + j] = v;
        ringB[rb + j] = v;
      }
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
        fillOperands(A, r, data);
        fillOperands(B, r, data);
        const C = gemmInt8(A, B, m, k, n);
        for (let ti = 0; ti < tilesI; ti++) {
          for (let tj = 0; tj < tilesJ; tj++) {
            const i0 = ti * rows, j0 = tj * cols;
            const tr = Math.min(rows, m - i0), tc = Math.min(cols, n - j0);
            clockEdge(true, A, B, 0, i0, j0, tr, tc);
            const last = macGridTileCycles(k, tr, tc) - 1;
            for (let t = 0; t < last; t++) clockEdge(false, A, B, t, i0, j0, tr, tc);
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
