/**
 * Cycle model and column-tiled operation counts of the BRCR engine (src/hw/bitslice/brcr-engine.ts),
 * as pure functions of the weights' patterns. No imports; the RTL is held to these by
 * test/hw/bitslice/brcr.test.ts and the `mcbp-brcr` testbench.
 *
 * The engine's work comes in passes, in stream order: plane p = 1..7, then column tile t, then
 * group g. A tile is `camCols = min(tile, cols)` columns of the weights (the last one may be
 * narrower); a pass loads one group's columns of one tile, one column per cycle, into a CAM buffer
 * (two buffers, ping-pong), then searches the keys 1..2^m-1 of its W+ half, then of its W- half.
 * Searching one key costs max(1, the most matching columns any one index converter owns): the CAM
 * read is one cycle, and each converter turns one matching column into an index per cycle;
 * converter k owns the tile's columns [k*S, (k+1)*S), S = ceil(camCols / converters).
 *
 * Cycles are counted from the edge that samples `start` (cycle 0) to the cycle in which `done` is
 * high, inclusive, with the pattern source offering a column in every cycle the engine is ready:
 *   load of pass n        cycles a_n .. a_n + W_n - 1,  a_0 = 1,
 *                         a_n = max(a_{n-1} + W_{n-1}, b_{n-2} + K_{n-2})   (its buffer freed)
 *   search of pass n      cycles b_n .. b_n + K_n - 1,  b_n = max(a_n + W_n, b_{n-1} + K_{n-1}),
 *                         K_n = K+_n + K-_n (the W+ half first)
 *   merge                 one cycle behind the search; the half's group sums are final after the
 *                         merge cycle e = b_n + K+_n (W+) or b_n + K_n (W-)
 *   reconstruction        row i of a half in cycle e + 1 + i, its output row written in e + 2 + i,
 *                         shown on the acc stream in cycle e + 3 + i
 *   done                  with the last pass's W- row m-1: total = b_N + K_N + m + 2 (N the last).
 */

/** What the engine's timing depends on besides the weights. */
export interface BrcrEngineShape {
  /** Rows per group (2..6). */
  readonly m: number;
  /** CAM width: columns per pass at most (the paper's T_K, 256). */
  readonly tile: number;
  /** Index converters (= addition-merge units = activation banks). */
  readonly converters: number;
}

/** Columns of one pass: the CAM width actually used. */
export function brcrCamCols(cols: number, tile: number): number {
  return Math.min(cols, tile);
}

/** Columns each index converter owns. */
export function brcrSliceWidth(camCols: number, converters: number): number {
  return Math.ceil(camCols / converters);
}

/** Column tiles of a cols-wide matrix. */
export function brcrTileCount(cols: number, tile: number): number {
  return Math.ceil(cols / brcrCamCols(cols, tile));
}

/**
 * The m-bit pattern of group g, column c of the W+ (negative = false) or W- half of magnitude plane
 * p (1..7): bit p-1 of |w| where w > 0 (W+) or w < 0 (W-), group row 0 the MSB, rows past the end 0.
 */
export function brcrHalfPattern(W: readonly (readonly number[])[], m: number, p: number, negative: boolean, g: number, c: number): number {
  let pat = 0;
  for (let i = 0; i < m; i++) {
    const r = g * m + i;
    const w = r < W.length ? W[r][c] : 0;
    const on = (negative ? w < 0 : w > 0) && ((Math.abs(w) >> (p - 1)) & 1) === 1;
    pat = (pat << 1) | (on ? 1 : 0);
  }
  return pat;
}

/** Search cycles of one half: per key 1..2^m-1, max(1, the largest count of matching columns in one converter's slice). */
export function brcrHalfCycles(pats: readonly number[], m: number, sliceWidth: number): number {
  const slices = Math.max(1, Math.ceil(pats.length / sliceWidth));
  const count = Array.from({ length: 2 ** m }, () => new Array<number>(slices).fill(0));
  pats.forEach((p, j) => count[p][Math.floor(j / sliceWidth)]++);
  let cycles = 0;
  for (let key = 1; key < 2 ** m; key++) cycles += Math.max(1, ...count[key]);
  return cycles;
}

export interface BrcrPass {
  readonly plane: number;
  readonly tile: number;
  readonly group: number;
  /** Columns loaded (W_n). */
  readonly width: number;
  /** Search cycles of the W+ and W- halves (K+_n, K-_n). */
  readonly plusCycles: number;
  readonly minusCycles: number;
}

/** The passes of a GEMV/GEMM over W (rows x cols, int8 in -127..127), in stream order. */
export function brcrPasses(W: readonly (readonly number[])[], s: BrcrEngineShape): BrcrPass[] {
  const rows = W.length, cols = rows ? W[0].length : 0;
  const camCols = brcrCamCols(cols, s.tile), S = brcrSliceWidth(camCols, s.converters);
  const out: BrcrPass[] = [];
  for (let p = 1; p <= 7; p++) {
    for (let t = 0; t * camCols < cols; t++) {
      const c0 = t * camCols, width = Math.min(camCols, cols - c0);
      for (let g = 0; g < Math.ceil(rows / s.m); g++) {
        const half = (neg: boolean) => Array.from({ length: width }, (_, j) => brcrHalfPattern(W, s.m, p, neg, g, c0 + j));
        out.push({ plane: p, tile: t, group: g, width, plusCycles: brcrHalfCycles(half(false), s.m, S), minusCycles: brcrHalfCycles(half(true), s.m, S) });
      }
    }
  }
  return out;
}

export interface BrcrSchedule {
  /** a_n: first load cycle of each pass. */
  readonly loadStart: number[];
  /** b_n: first search cycle of each pass. */
  readonly searchStart: number[];
  /** The cycle in which done is high. */
  readonly total: number;
}

/** The schedule of the passes (see the file comment), for a source that never makes the engine wait. */
export function brcrSchedule(passes: readonly BrcrPass[], m: number): BrcrSchedule {
  const a: number[] = [], b: number[] = [];
  const K = (n: number) => passes[n].plusCycles + passes[n].minusCycles;
  passes.forEach((ps, n) => {
    a[n] = n === 0 ? 1 : Math.max(a[n - 1] + passes[n - 1].width, n >= 2 ? b[n - 2] + K(n - 2) : 0);
    b[n] = Math.max(a[n] + ps.width, n === 0 ? 0 : b[n - 1] + K(n - 1));
  });
  const N = passes.length - 1;
  return { loadStart: a, searchStart: b, total: N < 0 ? 0 : b[N] + K(N) + m + 2 };
}

/** The cycle in which the accumulated value of group row i of pass n's half shows on the acc stream. */
export function brcrAccCycle(passes: readonly BrcrPass[], sched: BrcrSchedule, n: number, negative: boolean, i: number): number {
  const ps = passes[n];
  return sched.searchStart[n] + ps.plusCycles + (negative ? ps.minusCycles : 0) + 3 + i;
}

/** Cycles of one job (start edge to done, inclusive) over W. */
export function brcrEngineCycles(W: readonly (readonly number[])[], s: BrcrEngineShape): number {
  return brcrSchedule(brcrPasses(W, s), s.m).total;
}

/**
 * Merge and reconstruct adds of one activation vector when the engine tiles the columns (golden
 * brcrGemv's conventions, applied per column tile): each tile is its own group load, so a pattern
 * seen in an earlier tile is a fresh move again in a later one, and each tile reconstructs on its
 * own (present patterns with the bit set, minus one). With cols <= tile this is brcrGemv's count.
 */
export function brcrTiledCounts(W: readonly (readonly number[])[], m: number, tile: number): { mergeAdds: number; reconAdds: number } {
  const rows = W.length, cols = rows ? W[0].length : 0;
  const camCols = brcrCamCols(cols, tile);
  let mergeAdds = 0, reconAdds = 0;
  for (let p = 1; p <= 7; p++) {
    for (const neg of [false, true]) {
      for (let c0 = 0; c0 < cols; c0 += camCols) {
        for (let g = 0; g < Math.ceil(rows / m); g++) {
          const present = new Set<number>();
          for (let c = c0; c < Math.min(cols, c0 + camCols); c++) {
            const pat = brcrHalfPattern(W, m, p, neg, g, c);
            if (pat === 0) continue;
            if (present.has(pat)) mergeAdds++;
            else present.add(pat);
          }
          for (let i = 0; i < m; i++) {
            let n = 0;
            for (const pat of present) if (pat & (1 << (m - 1 - i))) n++;
            if (n > 0) reconAdds += n - 1;
          }
        }
      }
    }
  }
  return { mergeAdds, reconAdds };
}
