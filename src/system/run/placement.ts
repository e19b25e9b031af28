/**
 * Where the work goes on the mesh: the tiles in an order in which consecutive tiles are
 * (mostly) neighbours, and data-parallel replica r, pipeline stage s and tensor-parallel shard i take the
 * tile at position (r * pp + s) * tp + i. A TP group is then a run of neighbouring tiles (its ring
 * steps are one hop, but for the wrap-around), and each pipeline stage hands its activations to
 * the next over a short path. Two orders:
 *   snake: the whole mesh row by row, alternating direction (a group may straddle dies);
 *   die:   die by die (dies in snake order), each die's tiles in snake order within it, so a group
 *          no larger than a die stays on the die's fast links (PALM's wafer: 1024 GB/s inside a
 *          die, 256 between dies); the last tile of one die and the first of the next need not
 *          be neighbours.
 */
import { meshSize, tileCount } from "../platform/geometry.js";
import type { Platform, TileCoord } from "../platform/types.js";
import type { Schedule } from "./schedule.js";

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
  /** The tile order groups are cut from (default snake). */
  readonly placement?: Placement;
  /** The pipeline schedule of a training step (default 1f1b; schedule.ts). */
  readonly schedule?: Schedule;
}

export const PLACEMENTS = ["snake", "die"] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** A w x h grid row by row, alternating direction, offset by (x0, y0). */
function snake(w: number, h: number, x0 = 0, y0 = 0): TileCoord[] {
  const out: TileCoord[] = [];
  for (let y = 0; y < h; y++) for (let i = 0; i < w; i++) out.push({ x: x0 + (y % 2 === 0 ? i : w - 1 - i), y: y0 + y });
  return out;
}

export function snakeOrder(p: Platform): TileCoord[] {
  const { x: w, y: h } = meshSize(p);
  return snake(w, h);
}

/** Die by die in snake order of the dies, each die's tiles in snake order. */
export function dieOrder(p: Platform): TileCoord[] {
  const tx = p.tilesPerDie.x, ty = p.tilesPerDie.y;
  return snake(p.dies.x, p.dies.y).flatMap((d) => snake(tx, ty, d.x * tx, d.y * ty));
}

/** groups[replica][stage] = the tiles of that TP group, in ring order. */
export function placeGroups(p: Platform, m: Mapping): TileCoord[][][] {
  for (const k of ["tp", "pp", "dp", "microbatches"] as const) {
    const v = m[k];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`mapping: ${k} = ${v} must be a whole number >= 1`);
  }
  const placement = m.placement ?? "snake";
  if (!(PLACEMENTS as readonly string[]).includes(placement)) throw new RangeError(`mapping: placement '${placement}': use ${PLACEMENTS.join(" or ")}`);
  const need = m.tp * m.pp * m.dp, have = tileCount(p);
  if (need > have) throw new RangeError(`mapping: tp x pp x dp = ${m.tp} x ${m.pp} x ${m.dp} = ${need} tiles, but ${p.name} has ${have}; lower one of them`);
  const order = placement === "die" ? dieOrder(p) : snakeOrder(p);
  return Array.from({ length: m.dp }, (_, r) =>
    Array.from({ length: m.pp }, (_, s) => order.slice((r * m.pp + s) * m.tp, (r * m.pp + s + 1) * m.tp)),
  );
}
