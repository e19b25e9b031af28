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
 * Operands from 16 random bits, by table: uniform int8, EXTREMES, or mixed (half each). The top
 * bit picks extreme or uniform (mixed), the low 8 bits are a uniform value, the low 15 an index
 * into EXTREMES (floor(x * 7 / 2^15): each extreme within 0.03% of 1/7). One lookup per operand
 * and no branch: the choice between the two kinds was unpredictable, and generating operands was
 * a third of the testbench's time.
 */
function operandTable(mode: string): Int8Array {
  const E = EXTREMES.length;
  const table = new Int8Array(0x10000);
  for (let h = 0; h < 0x10000; h++) {
    const extreme = mode === "extremes" || (mode === "mixed" && h >= 0x8000);
    table[h] = extreme ? EXTREMES[Math.floor(((h & 0x7fff) * E) / 0x8000)] : (h & 0xff) - 128;
  }
  return table;
}

/** Fill `out` with operands: each draw of the PRNG (32 random bits) gives two, low half first. */
function fillOperands(out: Int8Array, r: () => number, table: Int8Array): void {
  const pairs = out.length >> 1;
  for (let p = 0; p < pairs; p++) {
    const bits = r() * 4294967296;
    out[2 * p] = table[bits & 0xffff];
    out[2 * p + 1] = table[bits >>> 16];
  }
  if (out.length & 1) out[out.length - 1] = table[(r() * 4294967296) & 0xffff];
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

  // The operands entering the grid's edges, and the accumulators on its diagonal, where the
  // skewed wavefronts of a and b meet.
  waves(params) {
    const diag = Array.from({ length: Math.min(Number(params.rows), Number(params.cols)) }, (_, i) => `pe_r${i}_c${i}.acc`);
    return {
      groups: [
        { name: "control", signals: ["clear"] },
        { name: "a entering each row", signals: ["a_r*"] },
        { name: "b entering each column", signals: ["b_c*"] },
        { name: "PE diagonal: accumulators", signals: diag },
      ],
    };
  },

  async run(opts): Promise<TbResult> {
    const { params, seed } = opts;
    const rows = Number(params.rows), cols = Number(params.cols);
    const m = Number(params.m), n = Number(params.n), k = Number(params.k);
    const r = rng(seed);
    const table = operandTable(String(params.data));
    const check = new Checker();
    const i32 = s(32), i8 = s(8);
    const sim = openSim(() => this.design(params), opts);

    // Banks: every edge's inputs go in with one call, the operands leaving the edges come out
    // with one (sim.inputBank / sim.outputBank); the accumulators are read once per tile.
    const drive = sim.inputBank(["clear", ...Array.from({ length: rows }, (_, i) => N.a(i)), ...Array.from({ length: cols }, (_, j) => N.b(j))]);
    const edges = sim.outputBank([...Array.from({ length: rows }, (_, i) => N.aOut(i)), ...Array.from({ length: cols }, (_, j) => N.bOut(j))]);
    const accs = sim.outputBank(Array.from({ length: rows * cols }, (_, x) => N.acc(Math.floor(x / cols), x % cols)));

    // What was driven at each edge, for the edge-output checks: an operand leaves row i's right
    // edge `cols` edges after it entered (one register per PE), and column j's bottom edge `rows`
    // after, so the last max(rows, cols) input vectors are kept in a ring, copied whole from the
    // bank (one native copy per edge). One more row of the ring stays zero: what the edges must
    // show before any operand could have crossed the grid.
    const inV = drive.values, width = inV.length;
    const depth = Math.max(rows, cols), zeroRow = depth * width;
    const ring = new Float64Array((depth + 1) * width);
    let edge = 0;

    /**
     * One edge: the feed for edge `t` of a tile (row i gets A[i0+i][t-i], column j gets
     * B[t-j][j0+j]: the systolic skew; rows and columns past the tile's edge or outside 0 <= t-i
     * < k, and a clear edge, get 0) goes into the input bank and the ring, then step and check the
     * operands leaving the grid. This runs every cycle: the skew's bounds are worked out once per
     * edge (row i is fed iff max(0, t-k+1) <= i <= min(tr-1, t)), and A[i0+i][t-i] is
     * A[i0*k + t + i*(k-1)].
     */
    const clockEdge = (clr: boolean, A: Int8Array, B: Int8Array, t: number, i0: number, j0: number, tr: number, tc: number): void => {
      inV[0] = clr ? 1 : 0;
      // Every slot is written (fed or 0) in three plain loops: a fill() call before the feed cost
      // as much as the feed itself.
      const lo = clr ? rows + cols : Math.max(0, t - k + 1);
      const hiA = clr ? -1 : Math.min(tr - 1, t), hiB = clr ? -1 : Math.min(tc - 1, t);
      const aBase = i0 * k + t, bBase = t * n + j0;
      let i = 0;
      for (; i < lo && i < rows; i++) inV[1 + i] = 0;
      for (; i <= hiA; i++) inV[1 + i] = A[aBase + i * (k - 1)];
      for (; i < rows; i++) inV[1 + i] = 0;
      let j = 0;
      for (; j < lo && j < cols; j++) inV[1 + rows + j] = 0;
      for (; j <= hiB; j++) inV[1 + rows + j] = B[bBase + j * (1 - n)];
      for (; j < cols; j++) inV[1 + rows + j] = 0;
      ring.set(inV, (edge % depth) * width);
      drive.commit();
      sim.step();
      const out = edges.read();
      // The vectors driven cols-1 (rows-1) edges ago, or the zero row before there were any.
      const fromA = (edge >= cols - 1 ? ((edge - (cols - 1)) % depth) * width : zeroRow) + 1;
      const fromB = (edge >= rows - 1 ? ((edge - (rows - 1)) % depth) * width : zeroRow) + 1 + rows;
      let bad = 0;
      for (let i = 0; i < rows; i++) {
        if (out[i] !== ring[fromA + i]) {
          bad++;
          check.equal(`${N.aOut(i)} at cycle ${sim.cycle}`, out[i], ring[fromA + i], i8);
        }
      }
      for (let j = 0; j < cols; j++) {
        if (out[rows + j] !== ring[fromB + j]) {
          bad++;
          check.equal(`${N.bOut(j)} at cycle ${sim.cycle}`, out[rows + j], ring[fromB + j], i8);
        }
      }
      check.checks += rows + cols - bad;
      edge++;
    };

    const tilesI = Math.ceil(m / rows), tilesJ = Math.ceil(n / cols);
    let perGemm = 0;
    for (let ti = 0; ti < tilesI; ti++) for (let tj = 0; tj < tilesJ; tj++) perGemm += macGridTileCycles(k, Math.min(rows, m - ti * rows), Math.min(cols, n - tj * cols));
    const target = opts.cycles ?? 0;
    const gemmsPlanned = Math.max(1, Math.ceil(target / perGemm));
    let gemms = 0, tiles = 0;
    // One GEMM's operands and result at a time, reused (an allocation per GEMM showed in profiles).
    const A = new Int8Array(m * k), B = new Int8Array(k * n), C = new Int32Array(m * n);

    try {
      sim.reset();
      do {
        fillOperands(A, r, table);
        fillOperands(B, r, table);
        gemmInt8(A, B, m, k, n, C);
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
