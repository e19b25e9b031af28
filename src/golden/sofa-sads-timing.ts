/**
 * Cycle and work model of the SADS unit (src/hw/sofa/sads-unit.ts): pure functions, no imports.
 *
 * Each segment core scans its segment repeatedly, 4 results per scan (see sads-segment.ts). For a
 * row and segment j with len keys, budget per = floor(k/n) and c candidates (value >= max - R;
 * c = len without clipping), the core keeps min(per, c) items and needs
 *   scans = ceil(per / 4)              when c >= per (it stops when the budget is full),
 *           floor(c / 4) + 1           when c < per (it stops at the first scan yielding < 4);
 * none when len = 0 or per = 0. Scan 1 feeds all len items (the max is not yet known), scan
 * s > 1 feeds the c - 4(s-1) candidates after the last one taken and masks the len - c clipped ones.
 * A scan takes period = ceil(len / 12) + (P = 1 ? 1 : 2P) cycles (P = pipeline registers of the
 * 16-to-4 core), scans follow back to back, and the cores work in parallel, each through all rows;
 * the unit's done pulse comes 2 + max_j (sum over rows of scans * period_j) cycles after start.
 */

export interface SadsWork {
  readonly scans: number;
  /** Buffer items fed to the core as valid. */
  readonly sorted: number;
  /** Items masked by the clipping threshold. */
  readonly clipped: number;
}

/** Work of one segment core on one row, per segment. radius: >= 0, Infinity (or -1) for none. */
export function sadsRowWork(row: readonly number[], k: number, n: number, radius: number): SadsWork[] {
  const S = row.length, per = Math.floor(k / n);
  const R = radius < 0 ? Infinity : radius;
  const out: SadsWork[] = [];
  for (let j = 0; j < n; j++) {
    const lo = Math.floor((j * S) / n), hi = Math.floor(((j + 1) * S) / n), len = hi - lo;
    if (len <= 0 || per <= 0) {
      out.push({ scans: 0, sorted: 0, clipped: 0 });
      continue;
    }
    let max = -Infinity;
    for (let i = lo; i < hi; i++) max = Math.max(max, row[i]);
    let c = 0;
    for (let i = lo; i < hi; i++) if (row[i] >= max - R) c++;
    const scans = c >= per ? Math.ceil(per / 4) : Math.floor(c / 4) + 1;
    let sorted = len;
    for (let s = 2; s <= scans; s++) sorted += c - 4 * (s - 1);
    out.push({ scans, sorted, clipped: (scans - 1) * (len - c) });
  }
  return out;
}

/** Cycles of one scan of a segment of `len` keys on a core with `pipeRegs` pipeline registers. */
export function sadsScanPeriod(len: number, pipeRegs: number): number {
  return Math.ceil(len / 12) + (pipeRegs === 1 ? 1 : 2 * pipeRegs);
}

export interface SadsTiming extends SadsWork {
  /** Cycles from the start cycle to the done cycle. */
  readonly cycles: number;
  /** Busy cycles of each segment core. */
  readonly coreCycles: number[];
}

/** The unit processing `rows` (one bank: a tile of query rows of A-hat). */
export function sadsUnitTiming(rows: readonly (readonly number[])[], k: number, n: number, radius: number, pipeRegs: number): SadsTiming {
  const coreCycles = new Array<number>(n).fill(0);
  let scans = 0, sorted = 0, clipped = 0;
  for (const row of rows) {
    sadsRowWork(row, k, n, radius).forEach((w, j) => {
      const lo = Math.floor((j * row.length) / n), hi = Math.floor(((j + 1) * row.length) / n);
      coreCycles[j] += w.scans * sadsScanPeriod(hi - lo, pipeRegs);
      scans += w.scans;
      sorted += w.sorted;
      clipped += w.clipped;
    });
  }
  return { cycles: 2 + Math.max(0, ...coreCycles), coreCycles, scans, sorted, clipped };
}
