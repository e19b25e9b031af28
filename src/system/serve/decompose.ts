/**
 * Task decomposition and reordering of one serving step (XY-Serve section 5,
 * ../shared/reference/papers.md section 6), and the choice of the meta-attention pipeline.
 *
 * Attention: each Token-Table stage is cut into tiles of up to tileSize query rows, one per head;
 * a tile's load is its rows' tileSize times the keys they read (kvLen). The rows of a tile are
 * causal, so a prefill chunk's tile reads the keys up to its last row (the chunk's kvLen for its
 * last tile); a decode or verify stage is one tile reading the stage's kvLen. Tiles are sorted by
 * load, heaviest first, and dealt over the cores in symmetric round-robin (1,2,..,P,P,..,2,1,..),
 * which keeps the imbalance under one tile's load.
 *
 * Linear layers: the step's stages are one M (the step's tokens), and the M x N output is cut into
 * tm x tn tiles dealt the same way; edge tiles are smaller (virtual padding: only real rows move).
 *
 * Pipeline: decode-only steps run the 2-stage pipeline (QK fused with softmax on the vector unit,
 * SV on the cube unit); otherwise 3-stage (QK -> softmax -> SV, a tile's scores kept on chip) iff
 * CacheSize > alpha * sum over cores of seqLen_i * tileSize_i (Eq. 1: the score blocks the cores
 * work on at once fit the cache), else 4-stage (KV split, online-softmax update). seqLen_i x
 * tileSize_i is the largest tile each core runs; alpha is bytes per score element times the
 * buffers in flight (default 2 bytes x 2: fp16 scores, double-buffered), our reading of the paper.
 */
import { assignTiles, type Assignment } from "../../golden/systolic.js";
import type { Step, StageKind } from "./scheduler.js";

export interface AttentionTile {
  readonly stageId: number;
  readonly kind: StageKind;
  readonly request: number;
  readonly head: number;
  /** First query position (in the request's sequence) and query rows of the tile. */
  readonly start: number;
  readonly rows: number;
  /** Keys its rows read: everything up to its last row. */
  readonly kvLen: number;
  /** rows x kvLen. */
  readonly load: number;
}

export function attentionTiles(step: Step, heads: number): AttentionTile[] {
  if (!(Number.isInteger(heads) && heads >= 1)) throw new Error(`heads = ${heads}: must be a whole number >= 1`);
  const out: AttentionTile[] = [];
  for (const e of step.table) {
    for (let r0 = 0; r0 < e.tokenNum; r0 += e.tileSize) {
      const rows = Math.min(e.tileSize, e.tokenNum - r0);
      const kvLen = e.start + r0 + rows;
      for (let h = 0; h < heads; h++) out.push({ stageId: e.stageId, kind: e.kind, request: e.request, head: h, start: e.start + r0, rows, kvLen, load: rows * kvLen });
    }
  }
  return out;
}

export interface LinearTile {
  readonly row: number;
  readonly col: number;
  /** Real rows and columns (edge tiles are smaller). */
  readonly rows: number;
  readonly cols: number;
  readonly load: number;
}

/** The step's M x N linear output (M = its tokens) cut into tm x tn tiles. */
export function linearTiles(M: number, N: number, tm: number, tn: number): LinearTile[] {
  for (const [k, v] of Object.entries({ M, N, tm, tn })) if (!(Number.isInteger(v) && v >= 1)) throw new Error(`${k} = ${v}: must be a whole number >= 1`);
  const out: LinearTile[] = [];
  for (let r = 0; r * tm < M; r++) {
    for (let c = 0; c * tn < N; c++) {
      const rows = Math.min(tm, M - r * tm), cols = Math.min(tn, N - c * tn);
      out.push({ row: r, col: c, rows, cols, load: rows * cols });
    }
  }
  return out;
}

/** Tiles by load, heaviest first, in symmetric round-robin over `cores` (golden/systolic.ts assignTiles). */
export function reorder(loads: readonly number[], cores: number): Assignment {
  if (!(Number.isInteger(cores) && cores >= 1)) throw new Error(`cores = ${cores}: must be a whole number >= 1`);
  return assignTiles(loads, cores);
}

export type Pipeline = 2 | 3 | 4;

export interface PipelineChoice {
  readonly pipeline: Pipeline;
  /** alpha * sum over cores of the largest seqLen x tileSize (0 for decode-only steps). */
  readonly need: number;
}

/** Eq. 1 and the decode-only rule, for a step's attention tiles as dealt over the cores. */
export function selectPipeline(tiles: readonly AttentionTile[], a: Assignment, cacheBytes: number, alpha = 4): PipelineChoice {
  if (tiles.every((t) => t.kind === "D")) return { pipeline: 2, need: 0 };
  let need = 0;
  for (const core of a.perCore) {
    let most = 0;
    for (const i of core) most = Math.max(most, tiles[i].kvLen * tiles[i].rows);
    need += most;
  }
  need *= alpha;
  return { pipeline: cacheBytes > need ? 3 : 4, need };
}
