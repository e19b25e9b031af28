/**
 * How a step's tiles go to the cores. xy: sorted by load, heaviest first, dealt in symmetric
 * round-robin (`reorder`, decompose.ts). baseline: no reordering; the tiles in the order the step
 * lists them (stage by stage, head by head; a GEMM's output row by row), each to the core with the
 * least load so far (greedy list scheduling, ties to the lower core), as a kernel launcher that
 * hands the next block to the first free core does.
 */
import type { Assignment } from "../../golden/systolic.js";
import { reorder } from "./decompose.js";
import type { SchedulerName } from "./scheduler.js";

/** Tiles in the order given, each to the least-loaded core so far (a binary heap of cores by load, then index). */
export function greedyAssign(loads: readonly number[], cores: number): Assignment {
  if (!(Number.isInteger(cores) && cores >= 1)) throw new Error(`cores = ${cores}: must be a whole number >= 1`);
  const load = new Array<number>(cores).fill(0);
  const perCore: number[][] = Array.from({ length: cores }, () => []);
  const heap = Array.from({ length: cores }, (_, c) => c);
  const less = (a: number, b: number) => load[a] < load[b] || (load[a] === load[b] && a < b);
  for (let t = 0; t < loads.length; t++) {
    const c = heap[0];
    perCore[c].push(t);
    load[c] += loads[t];
    // The root's load grew: sift it down.
    for (let i = 0; ;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < cores && less(heap[l], heap[m])) m = l;
      if (r < cores && less(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
  return { order: loads.map((_, i) => i), perCore, load };
}

/** The scheduler's way of dealing tiles of these loads over `cores`. */
export function dealTiles(scheduler: SchedulerName, loads: readonly number[], cores: number): Assignment {
  return scheduler === "xy" ? reorder(loads, cores) : greedyAssign(loads, cores);
}
