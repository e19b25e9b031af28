/**
 * The work of one task-block execution: the pieces it splits into and how long each takes on one
 * TBU (a tile of the platform), from our unit models where there is one:
 *   gemm       cut into column slices of whole arrays, each slice the PE-array cycle model's
 *              cycles (gemmCycles, which the RTL engine equals), scaled from the array's native
 *              rate to the tile's peak in the run's precision, as `tessera system` does;
 *   attention  cut into tiles of `tileRows` query rows, each the meta-attention unit's cycle count
 *              (metaAttentionCycles, which its RTL equals); one meta-attention unit per TBU;
 *   sampled    a log-normal duration, cut into `pieces` equal pieces.
 * A piece is the unit of scheduling: a TB on u TBUs runs its pieces u at a time, so it can never
 * take less than its longest piece, and its work (the sum) is the same however it is spread.
 *
 * Shapes given as ranges are drawn per execution with keyed draws (seeded-draw.ts), so a TB's
 * time is dynamic across executions but the same for the same seed under every scheduler.
 */
import { gemmCycles } from "../compute.js";
import { metaAttentionCycles } from "../../golden/meta-attention-timing.js";
import type { Platform, Precision } from "../platform/types.js";
import type { Range, TaskBlock, TaskOp } from "./owg.js";
import { keyedInt, keyedNormal } from "./seeded-draw.js";

export type TaskTimingModel = "pe-array" | "meta-attention" | "sampled";

export interface TaskWork {
  /** Duration of each piece on one TBU, ns. */
  readonly pieces: readonly number[];
  /** Sum of the pieces, ns of one TBU. */
  readonly work: number;
  /**
   * Weights each piece needs on its TBU, bytes (a GEMM's slice: k x its columns x 2; none for
   * attention, whose keys and values are the instance's data, or for general tasks). A TBU set up
   * for another block loads them from DRAM before computing (executor.ts).
   */
  readonly pieceWeightBytes: readonly number[];
  /** Bytes of the result sent along each outgoing flow. */
  readonly outBytes: number;
  readonly model: TaskTimingModel;
}

/** Defaults where the op leaves them out: choices, documented here once. */
export const TASK_DEFAULTS = {
  /** A GEMM is cut into at most this many slices: enough to spread over a 16-TBU cluster several times over. */
  gemmMaxPieces: 64,
  /** One meta-attention tile, XY-Serve's row tile for decode-sized steps. */
  attentionTileRows: 16,
  attentionPipeline: 3 as 2 | 3 | 4,
  /** Head dimension used only to size attention's output (rows x 128 x 2 bytes, FP16). */
  attentionHeadDim: 128,
  sampledSigma: 0.5,
  /** A general task's result (a tool's JSON, a list of document ids): 4 KiB. */
  sampledOutBytes: 4096,
  /** Bytes per element of GEMM and attention outputs (FP16). */
  elementBytes: 2,
} as const;

/** The value of a range for one execution: fixed, or drawn uniformly in [lo, hi] under `key`. */
export function drawRange(r: Range, seed: number, key: string): number {
  return typeof r === "number" ? r : keyedInt(seed, key, r[0], r[1]);
}

const attentionCache = new Map<string, number>();

function attentionCyclesMemo(pipeline: 2 | 3 | 4, rows: number, start: number): number {
  const key = `${pipeline} ${rows} ${start}`;
  let c = attentionCache.get(key);
  if (c === undefined) {
    c = metaAttentionCycles({ pipeline, rows, start });
    attentionCache.set(key, c);
  }
  return c;
}

type OpWork = Omit<TaskWork, "outBytes"> & { defaultOutBytes: number };
const gemmMemo = new WeakMap<Platform, WeakMap<TaskOp, Map<string, OpWork>>>();

/** The pieces of `op` for the execution keyed `key` (draws of its ranges use `seed`). */
export function opWork(op: TaskOp, platform: Platform, seed: number, key: string, precision: Precision = "fp16"): OpWork {
  const ns = (cycles: number) => cycles / platform.clockGHz;
  if (op.op === "gemm") {
    const m = drawRange(op.m, seed, `${key}/m`);
    // Memoized per (platform, precision, op, m): a run executes the same GEMM many times.
    let perOp = gemmMemo.get(platform)?.get(op);
    if (!perOp) {
      let byOp = gemmMemo.get(platform);
      if (!byOp) gemmMemo.set(platform, (byOp = new WeakMap()));
      byOp.set(op, (perOp = new Map()));
    }
    const memoKey = `${precision} ${m}`;
    const hit = perOp.get(memoKey);
    if (hit) return hit;
    const { rows, cols } = platform.tile.array;
    // A tile whose peak is several arrays' worth runs its GEMMs that much faster (run/timing.ts).
    const scale = (2 * rows * cols * platform.clockGHz * 1e9) / platform.tile.peakOps[precision];
    const arrays = Math.ceil(op.n / cols);
    const count = Math.min(arrays, op.maxPieces ?? TASK_DEFAULTS.gemmMaxPieces);
    const pieces: number[] = [], weights: number[] = [];
    let col = 0;
    for (let i = 0; i < count; i++) {
      // Arrays dealt as evenly as they go: the first (arrays mod count) slices get one more.
      const a = Math.floor(arrays / count) + (i < arrays % count ? 1 : 0);
      const n = Math.min(op.n - col, a * cols);
      col += n;
      pieces.push(ns(gemmCycles(platform.tile.array, m, n, op.k)) * scale);
      weights.push(op.k * n * TASK_DEFAULTS.elementBytes);
    }
    const w = { pieces, pieceWeightBytes: weights, work: sum(pieces), model: "pe-array" as const, defaultOutBytes: m * op.n * TASK_DEFAULTS.elementBytes };
    perOp.set(memoKey, w);
    return w;
  }
  if (op.op === "attention") {
    const rows = drawRange(op.rows, seed, `${key}/rows`), context = drawRange(op.context ?? 0, seed, `${key}/context`);
    const tile = op.tileRows ?? TASK_DEFAULTS.attentionTileRows, pipeline = op.pipeline ?? TASK_DEFAULTS.attentionPipeline;
    const pieces: number[] = [];
    for (let r = 0; r < rows; r += tile) pieces.push(ns(attentionCyclesMemo(pipeline, Math.min(tile, rows - r), context + r)));
    return { pieces, pieceWeightBytes: pieces.map(() => 0), work: sum(pieces), model: "meta-attention", defaultOutBytes: rows * TASK_DEFAULTS.attentionHeadDim * TASK_DEFAULTS.elementBytes };
  }
  const total = op.medianNs * Math.exp((op.sigma ?? TASK_DEFAULTS.sampledSigma) * keyedNormal(seed, `${key}/duration`));
  const p = op.pieces ?? 1;
  const pieces = Array.from({ length: p }, () => total / p);
  return { pieces, pieceWeightBytes: pieces.map(() => 0), work: sum(pieces), model: "sampled", defaultOutBytes: TASK_DEFAULTS.sampledOutBytes };
}

/** The work of one execution of task block `b`, keyed `key` (seeded-draw.ts executionKey). */
export function taskWork(b: TaskBlock, platform: Platform, seed: number, key: string, precision: Precision = "fp16"): TaskWork {
  const { defaultOutBytes, ...w } = opWork(b.task, platform, seed, key, precision);
  return { ...w, outBytes: b.outBytes ?? defaultOutBytes };
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
