/**
 * Cycles of the meta-attention unit (src/hw/xyserve/meta-attention.ts) for one tile: from the cycle
 * `start` is 1 to the cycle `done` is 1, exactly (the testbench checks every tile against it).
 *
 * Jobs: a row (2/3-stage) or a row's split of `split` keys (4-stage); a row's keys run in whole KV
 * blocks up to the block holding its position. Each stage takes a job when it is idle, its input
 * bank is full and its output bank free (flags set and cleared at clock edges, seen a cycle later),
 * then spends one cycle per key and one to land the last:
 *   QK       waits >= 1 cycle, n keys, 1 landing; the score bank is full 2 cycles after the landing...
 *            (n + 2 per job when it never waits);
 *   softmax  n keys, 1 landing; 2/3-stage: the reciprocal (qBits + 1 cycles), then it publishes; the
 *            3-stage pipeline frees its score bank at the landing, the 2-stage one after the reciprocal;
 *   SV       n keys, 1 landing, 1 to output (2/3-stage) or to publish to the update stage (4-stage);
 *   update   1 cycle to merge; after a row's last split the reciprocal, then the output.
 * The recurrence below follows those rules job by job (every stage handles every job in order, so
 * banks alternate per job).
 */
import type { MetaPipeline } from "./meta-attention.js";

export interface MetaTileTiming {
  readonly pipeline: MetaPipeline;
  /** Query rows of the tile and the position of its first row. */
  readonly rows: number;
  readonly start: number;
  /** The tile's keys; the cycles do not depend on it (each row's keys end at its own block). */
  readonly kvLen?: number;
  /** KV split of the 4-stage pipeline (keys), default 64. */
  readonly split?: number;
  /** KV block (keys, a power of two): the QK GEMM runs over whole blocks, default 16. */
  readonly kvBlock?: number;
  /** recipBits - probBits + 1: the reciprocal's quotient bits (default 26: recipBits 40, probBits 15). */
  readonly qBits?: number;
}

/** The keys each job of the tile runs (a row, or a row's splits), and whether it ends its row. */
export function metaAttentionJobs(t: MetaTileTiming): { keys: number; last: boolean }[] {
  const block = t.kvBlock ?? 16, split = t.split ?? 64;
  const jobs: { keys: number; last: boolean }[] = [];
  for (let r = 0; r < t.rows; r++) {
    const rowEnd = (Math.floor((t.start + r) / block) + 1) * block;
    if (t.pipeline !== 4) jobs.push({ keys: rowEnd, last: true });
    else for (let lo = 0; lo < rowEnd; lo += split) jobs.push({ keys: Math.min(split, rowEnd - lo), last: lo + split >= rowEnd });
  }
  return jobs;
}

/** Start-to-done cycles of one tile. */
export function metaAttentionCycles(t: MetaTileTiming): number {
  if (!(Number.isInteger(t.rows) && t.rows >= 1)) throw new RangeError(`metaAttentionCycles: rows = ${t.rows} must be a whole number >= 1`);
  const Q = t.qBits ?? 26, four = t.pipeline === 4, sBanks = t.pipeline === 2 ? 1 : 2;
  const sFree = [0, 0], pFree = [0, 0], oFree = [0, 0];
  let aIdle = 1, bIdle = 0, cIdle = 0, dIdle = 0, out = 0;
  metaAttentionJobs(t).forEach(({ keys: n, last }, i) => {
    const sb = i % sBanks, pb = i % 2;
    const a = Math.max(aIdle, sFree[sb]);
    const sFull = a + n + 2;
    aIdle = sFull;
    const b = Math.max(bIdle, sFull, pFree[pb]);
    const bLand = b + n + 1;
    let pFull: number;
    if (four) {
      pFull = sFree[sb] = bIdle = bLand + 1;
    } else {
      pFull = bIdle = bLand + Q + 2;
      sFree[sb] = t.pipeline === 3 ? bLand + 1 : bLand + Q + 2;
    }
    const c = Math.max(cIdle, pFull, four ? oFree[pb] : 0);
    const cLand = c + n + 1;
    pFree[pb] = cLand + 1;
    cIdle = cLand + 2;
    if (!four) {
      out = cLand + 1;
      return;
    }
    const merge = Math.max(dIdle, cLand + 2) + 1;
    oFree[pb] = merge + 1;
    if (last) {
      out = merge + Q + 2;
      dIdle = out + 1;
    } else dIdle = merge + 1;
  });
  return out;
}
