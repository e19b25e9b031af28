/**
 * Where the work goes on the mesh: every tile in snake order (row 0 left to right, row 1 right to
 * left, ...), so consecutive tiles are neighbours; data-parallel replica r, pipeline stage s and
 * tensor-parallel shard i take the tile at snake position (r * pp + s) * tp + i. A TP group is then
 * a run of neighbouring tiles (its ring steps are one hop, but for the wrap-around), and each
 * pipeline stage hands its activations to the next over a short path.
 */
import { meshSize, tileCount } from "../platform/geometry.js";
import type { Platform, TileCoord } from "../platform/types.js";

export interface Mapping {
  /** Tensor-parallel shards per group (tiles that split each operator). */
  readonly tp: number;
  /** Pipeline stages (the layers split evenly, in order). */
  readonly pp: number;
  /** Data-parallel replicas (the batch split evenly). */
  readonly dp: number;
  /** Micro-batches each replica's batch is split into, pipelined through the stages. */
  readonly microbatches: number;
  /** Expert-parallel replicas: each of ep consecutive replicas holds experts / ep of each MoE layer's experts (default 1; divides dp). */
  readonly ep?: number;
}

export function snakeOrder(p: Platform): TileCoord[] {
  const { x: w, y: h } = meshSize(p);
  const out: TileCoord[] = [];
  for (let y = 0; y < h; y++) for (let i = 0; i < w; i++) out.push({ x: y % 2 === 0 ? i : w - 1 - i, y });
  return out;
}

/** groups[replica][stage] = the tiles of that TP group, in ring order. */
export function placeGroups(p: Platform, m: Mapping): TileCoord[][][] {
  for (const [k, v] of Object.entries(m)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`mapping: ${k} = ${v} must be a whole number >= 1`);
  }
  const need = m.tp * m.pp * m.dp, have = tileCount(p);
  if (need > have) throw new RangeError(`mapping: tp x pp x dp = ${m.tp} x ${m.pp} x ${m.dp} = ${need} tiles, but ${p.name} has ${have}; lower one of them`);
  const order = snakeOrder(p);
  return Array.from({ length: m.dp }, (_, r) =>
    Array.from({ length: m.pp }, (_, s) => order.slice((r * m.pp + s) * m.tp, (r * m.pp + s + 1) * m.tp)),
  );
}
