/**
 * Parameters of the SADS unit (sads-unit.ts) and the geometry every part derives from them.
 *
 * Defaults for what papers.md leaves open (stated here once):
 *   - pipeRegs = 2: the 16-to-4 core has two pipeline registers (5 comparator levels per cycle).
 *     With P registers the core runs P independent running top-4 chains interleaved (group g goes
 *     to chain g mod P) and merges their P partial lists in one extra pass at the end of a scan,
 *     so P is at most 4 (4 lists of 4 fill the core's 16 wires).
 *   - The input buffer of each segment is 12 lane memories (key mod 12), so a segment core reads
 *     12 consecutive keys of its segment per cycle at any alignment, and a write of up to 12
 *     consecutive keys touches each lane of each segment at most once.
 *   - Counters are 32 bits, cumulative since reset (wrap-around).
 */
import { bitsFor } from "../../hdl/index.js";
import type { Network } from "./bitonic.js";
import { requireWhole } from "../param-check.js";

export interface SadsParams {
  /** S: keys per row. */
  readonly seqLen: number;
  /** n: segments (one core each); S % n == 0 is not required (floor bounds, as the golden). */
  readonly segments: number;
  /** k: keys kept per row in total; each segment keeps floor(k / n). */
  readonly k: number;
  /** Clipping radius in A-hat units (integer >= 0), or -1 for none. */
  readonly radius: number;
  /** Query rows per tile (rows per bank). */
  readonly rows: number;
  /** Keys per write of the input port (<= 12). */
  readonly inWidth: number;
  /** Pipeline registers of each 16-to-4 core, 1..4 (default 2). */
  readonly pipeRegs?: number;
  /** Comparators to use instead of prunedNetwork(16, 4) (mutation tests). */
  readonly network?: Network;
}

export const DEFAULT_PIPE_REGS = 2;
/** New items per core step, and lanes of each segment's input buffer. */
export const LANES = 12;
/** Items a core returns per scan. */
export const TOP = 4;
/** Radii at or above this never clip an s16 row (max - min <= 65535). */
export const NO_CLIP_RADIUS = 65535;

/** Geometry of one segment. */
export interface SegmentGeometry {
  readonly j: number;
  readonly lo: number;
  readonly hi: number;
  readonly len: number;
  /** Groups of 12 per scan. */
  readonly groups: number;
  /** floor(lo / 12), lo mod 12: the lane and word where the segment starts. */
  readonly word0: number;
  readonly lane0: number;
  /** Words per row in each lane memory. */
  readonly words: number;
  /** Cycles per scan. */
  readonly period: number;
  /** No core: the segment has no keys, or the budget is 0. */
  readonly empty: boolean;
}

export interface SadsGeometry {
  readonly p: Required<Omit<SadsParams, "network">> & { network?: Network };
  /** floor(k / n): the per-segment budget. */
  readonly per: number;
  /** Output words per list (4 slots a word, one per output lane). */
  readonly outWords: number;
  readonly indexBits: number;
  readonly rowBits: number;
  /** Bits of a (bank, row) slot number bank * rows + row. */
  readonly rowSlotBits: number;
  readonly colBits: number;
  readonly segBits: number;
  readonly slotBits: number;
  readonly countBits: number;
  /** null: no clipping logic. */
  readonly radius: number | null;
  readonly segs: readonly SegmentGeometry[];
}

/** Cycles per scan for a segment of `groups` groups on a core with P pipeline registers. */
export function scanPeriod(groups: number, pipeRegs: number): number {
  return groups + (pipeRegs === 1 ? 1 : 2 * pipeRegs);
}

export function sadsGeometry(params: SadsParams): SadsGeometry {
  const p = { pipeRegs: DEFAULT_PIPE_REGS, ...params };
  const int = (name: string, v: number, lo: number, hi: number, how: string) => requireWhole("sads", name, v, lo, hi, how);
  int("seqLen", p.seqLen, 1, 16384, "S is the number of keys per row");
  int("segments", p.segments, 1, 64, "n is the number of segment cores");
  int("k", p.k, 0, 16384, "k is the number of keys kept per row");
  int("radius", p.radius, -1, 1 << 20, "give -1 for no clipping");
  int("rows", p.rows, 1, 256, "rows is the number of query rows per bank");
  int("inWidth", p.inWidth, 1, LANES, `a write carries at most ${LANES} consecutive keys`);
  int("pipeRegs", p.pipeRegs, 1, 4, "the end-of-scan merge of P partial top-4 lists uses one pass of the 16-wire core");
  const S = p.seqLen, n = p.segments;
  const per = Math.floor(p.k / n);
  const segs: SegmentGeometry[] = [];
  for (let j = 0; j < n; j++) {
    const lo = Math.floor((j * S) / n), hi = Math.floor(((j + 1) * S) / n), len = hi - lo;
    const groups = Math.ceil(len / LANES);
    const word0 = Math.floor(lo / LANES);
    segs.push({
      j, lo, hi, len, groups, word0, lane0: lo % LANES,
      words: len > 0 ? Math.floor((hi - 1) / LANES) - word0 + 1 : 1,
      period: scanPeriod(groups, p.pipeRegs),
      empty: len === 0 || per === 0,
    });
  }
  return {
    p, per, segs,
    outWords: Math.max(1, Math.ceil(per / TOP)),
    indexBits: bitsFor(S),
    rowBits: bitsFor(p.rows),
    rowSlotBits: bitsFor(2 * p.rows),
    colBits: bitsFor(S),
    segBits: bitsFor(n),
    slotBits: Math.max(2, bitsFor(per)),
    countBits: bitsFor(per + 1),
    radius: p.radius < 0 || p.radius >= NO_CLIP_RADIUS ? null : p.radius,
  };
}
