/**
 * Where each block runs: the spatial mapping of a workflow graph's blocks onto groups of TBUs,
 * made before the run (a spatial architecture loads each group with its blocks' programs and
 * weights ahead of the requests).
 *
 * Indiscriminate (the baseline, an existing spatial architecture): every block that runs on TBUs
 * gets the same share: the mesh's TBUs in snake order (row by row, alternate rows reversed, so a
 * region is contiguous) are cut into min(blocks, TBUs) equal regions, and the blocks, in
 * topological order (so blocks that pass data sit side by side), take them in turn, sharing
 * regions only when there are more blocks than TBUs. A rarely taken branch arm gets as much as
 * the loop body that runs every trip.
 *
 * Proactive cluster scheduling (Octopus, coarse-grained): the fabric's clusters are dealt to the
 * task blocks in proportion to their expected demand, expected executions per instance (from the
 * branch and loop probabilities, expected-work.ts) x expected work per execution: block b's ideal
 * is clusters x demand_b / total demand; each block gets the whole part of its ideal, the clusters
 * left go to the largest remainders (Hamilton's method), and blocks whose ideal rounds to no
 * cluster share the cluster with the least demand per cluster, biggest first. Clusters are handed
 * out in snake order over the cluster grid, blocks in topological order.
 */
import type { Fabric } from "./fabric.js";
import { indexRegion, type Block, type Region } from "./owg.js";

/** A group of TBUs that serves some blocks; a block's jobs queue at one of its groups. */
export interface Group {
  readonly units: readonly number[];
  readonly blocks: readonly string[];
}

export interface Mapping {
  readonly groups: readonly Group[];
  /** Groups that serve each block. */
  readonly groupsOf: ReadonlyMap<string, readonly number[]>;
  /** Groups that share a mesh edge. */
  readonly neighbours: readonly (readonly number[])[];
}

/** Blocks in topological order, loop bodies in place of their loop (the loop's own decision after its body). */
export function blocksInFlowOrder(region: Region): Block[] {
  const out: Block[] = [];
  const walk = (r: Region) => {
    const ix = indexRegion(r);
    for (const id of ix.order) {
      const b = ix.byId.get(id)!;
      if (b.kind === "loop") walk(b.body);
      out.push(b);
    }
  };
  walk(region);
  return out;
}

/** Tile indices in snake order: row 0 left to right, row 1 right to left, ... */
export function snakeOrder(f: Fabric): number[] {
  const out: number[] = [];
  for (let y = 0; y < f.mesh.y; y++) for (let i = 0; i < f.mesh.x; i++) out.push(y * f.mesh.x + (y % 2 === 0 ? i : f.mesh.x - 1 - i));
  return out;
}

/** Groups that share a mesh edge, from their tiles. */
export function groupNeighbours(f: Fabric, groups: readonly Group[]): number[][] {
  const of = new Int32Array(f.tiles.length).fill(-1);
  groups.forEach((g, k) => g.units.forEach((u) => (of[u] = k)));
  const sets = groups.map(() => new Set<number>());
  for (let u = 0; u < f.tiles.length; u++) {
    const { x, y } = f.tiles[u];
    for (const v of [x + 1 < f.mesh.x ? u + 1 : -1, y + 1 < f.mesh.y ? u + f.mesh.x : -1]) {
      if (v < 0 || of[u] < 0 || of[v] < 0 || of[u] === of[v]) continue;
      sets[of[u]].add(of[v]);
      sets[of[v]].add(of[u]);
    }
  }
  return sets.map((s) => [...s].sort((a, b) => a - b));
}

function finish(f: Fabric, groups: Group[]): Mapping {
  const groupsOf = new Map<string, number[]>();
  groups.forEach((g, k) => g.blocks.forEach((b) => (groupsOf.get(b) ?? groupsOf.set(b, []).get(b)!).push(k)));
  return { groups, groupsOf, neighbours: groupNeighbours(f, groups) };
}

/** The baseline's equal regions for `blocks` (ids, in flow order). */
export function indiscriminateMapping(f: Fabric, blocks: readonly string[]): Mapping {
  const order = snakeOrder(f);
  const n = Math.min(blocks.length, order.length);
  const groups: { units: number[]; blocks: string[] }[] = [];
  let at = 0;
  for (let k = 0; k < n; k++) {
    const size = Math.floor(order.length / n) + (k < order.length % n ? 1 : 0);
    groups.push({ units: order.slice(at, at + size).sort((a, b) => a - b), blocks: [] });
    at += size;
  }
  blocks.forEach((b, i) => groups[i % n].blocks.push(b));
  return finish(f, groups);
}

/** Octopus's clusters for `blocks` (ids in flow order) with expected demand `demand` (any unit). */
export function proactiveMapping(f: Fabric, blocks: readonly string[], demand: ReadonlyMap<string, number>): Mapping {
  const C = f.clusters.length;
  const total = blocks.reduce((s, b) => s + (demand.get(b) ?? 0), 0);
  // With no demand to go by (all blocks free), every block counts alike.
  const d = (b: string) => (total > 0 ? demand.get(b)! / total : 1 / blocks.length);
  const ideal = blocks.map((b) => C * d(b));
  const whole = ideal.map(Math.floor);
  let left = C - whole.reduce((a, b) => a + b, 0);
  const byRemainder = blocks.map((_, i) => i).sort((i, j) => ideal[j] - whole[j] - (ideal[i] - whole[i]) || i - j);
  for (const i of byRemainder) {
    if (left === 0) break;
    whole[i]++;
    left--;
  }
  // Clusters in snake order over the cluster grid, so consecutive blocks get neighbouring clusters.
  const gridOrder: number[] = [];
  for (let cy = 0; cy < f.grid.y; cy++) for (let i = 0; i < f.grid.x; i++) gridOrder.push(cy * f.grid.x + (cy % 2 === 0 ? i : f.grid.x - 1 - i));
  const groups: { units: number[]; blocks: string[]; demand: number }[] = f.clusters.map((c) => ({ units: [...c.units], blocks: [], demand: 0 }));
  let next = 0;
  blocks.forEach((b, i) => {
    for (let k = 0; k < whole[i]; k++) {
      const g = groups[gridOrder[next++]];
      g.blocks.push(b);
      g.demand += d(b) / whole[i];
    }
  });
  const homeless = blocks.map((b, i) => i).filter((i) => whole[i] === 0).sort((i, j) => d(blocks[j]) - d(blocks[i]) || i - j);
  for (const i of homeless) {
    let best = 0;
    for (let k = 1; k < groups.length; k++) if (groups[k].demand / groups[k].units.length < groups[best].demand / groups[best].units.length) best = k;
    groups[best].blocks.push(blocks[i]);
    groups[best].demand += d(blocks[i]);
  }
  return finish(f, groups.map(({ units, blocks }) => ({ units, blocks })));
}

/** Ids of the blocks that run on TBUs: task blocks, and control blocks too when they have no CBUs. */
export function tbuBlocks(region: Region, controlOnTbus: boolean): string[] {
  return blocksInFlowOrder(region).filter((b) => b.kind === "task" || controlOnTbus).map((b) => b.id);
}

