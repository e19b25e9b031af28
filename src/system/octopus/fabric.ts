/**
 * Octopus's scale-out spatial architecture laid on a platform's mesh: every tile is a task-block
 * unit (TBU); the mesh is cut into rectangular clusters of TBUs (the grain the proactive scheduler
 * deals to blocks and the diffusion balancer moves load between, mapping.ts); each cluster has
 * control-block units (CBUs) on a decoupled control plane, off the mesh, so a control decision
 * occupies no TBU and no link. (The baseline cuts the same TBUs into its own equal regions.)
 *
 * The paper gives neither the cluster size nor the CBU count. Choices, both parameters:
 *  - cluster side: in each direction the largest divisor of the mesh side that is at most 4, so
 *    clusters tile the mesh evenly and hold up to 16 TBUs, the size of palm-wafer's die (palm-wafer:
 *    4 x 4, 20 clusters; moentwine-wafer 4 x 4, 4; dojo-tile 2 x 2, 25; wse2 3 x 3, 100; tiny-2x2
 *    2 x 2, 1). A side that does not divide the mesh leaves smaller clusters at the far edges.
 *  - one CBU per cluster: a decision is a predicate over a small value and costs tens of
 *    nanoseconds, so one unit keeps up with a cluster's blocks.
 */
import { meshSize } from "../platform/geometry.js";
import type { Platform, TileCoord } from "../platform/types.js";

export interface Cluster {
  readonly index: number;
  /** The cluster's place in the grid of clusters. */
  readonly cx: number;
  readonly cy: number;
  /** Its TBUs, as tile indices (y * meshX + x), row-major. */
  readonly units: readonly number[];
  /** The tile data moved to this cluster is sent to (its middle, upper-left of the two when even). */
  readonly centre: TileCoord;
  /** The clusters it shares an edge with (4-connected on the cluster grid). */
  readonly neighbours: readonly number[];
}

export interface Fabric {
  readonly platform: Platform;
  readonly mesh: { readonly x: number; readonly y: number };
  readonly clusterSide: { readonly x: number; readonly y: number };
  readonly grid: { readonly x: number; readonly y: number };
  /** Tile of each TBU index. */
  readonly tiles: readonly TileCoord[];
  /** Cluster of each TBU index. */
  readonly clusterOf: readonly number[];
  readonly clusters: readonly Cluster[];
  readonly cbusPerCluster: number;
}

/** The default cluster side for a platform (see the header). */
export function defaultClusterSide(p: Platform): { x: number; y: number } {
  const m = meshSize(p);
  const side = (n: number) => [4, 3, 2, 1].find((d) => n % d === 0)!;
  return { x: side(m.x), y: side(m.y) };
}

export function buildFabric(p: Platform, o: { clusterSide?: { x: number; y: number }; cbusPerCluster?: number } = {}): Fabric {
  const mesh = meshSize(p);
  const side = o.clusterSide ?? defaultClusterSide(p);
  for (const d of ["x", "y"] as const) {
    if (!Number.isInteger(side[d]) || side[d] < 1 || side[d] > mesh[d]) {
      throw new RangeError(`cluster side ${side.x}x${side.y}: ${d} must be a whole number 1..${mesh[d]} (the ${p.name} mesh is ${mesh.x}x${mesh.y} tiles)`);
    }
  }
  const cbus = o.cbusPerCluster ?? 1;
  if (!Number.isInteger(cbus) || cbus < 1) throw new RangeError(`cbusPerCluster = ${cbus}: must be a whole number >= 1`);
  const grid = { x: Math.ceil(mesh.x / side.x), y: Math.ceil(mesh.y / side.y) };
  const tiles: TileCoord[] = [], clusterOf: number[] = [];
  const units: number[][] = Array.from({ length: grid.x * grid.y }, () => []);
  for (let y = 0; y < mesh.y; y++) {
    for (let x = 0; x < mesh.x; x++) {
      const c = Math.floor(y / side.y) * grid.x + Math.floor(x / side.x);
      units[c].push(tiles.length);
      clusterOf.push(c);
      tiles.push({ x, y });
    }
  }
  const clusters: Cluster[] = units.map((u, index) => {
    const cx = index % grid.x, cy = Math.floor(index / grid.x);
    const x0 = cx * side.x, y0 = cy * side.y, w = Math.min(side.x, mesh.x - x0), h = Math.min(side.y, mesh.y - y0);
    const neighbours: number[] = [];
    if (cy > 0) neighbours.push(index - grid.x);
    if (cx > 0) neighbours.push(index - 1);
    if (cx + 1 < grid.x) neighbours.push(index + 1);
    if (cy + 1 < grid.y) neighbours.push(index + grid.x);
    return { index, cx, cy, units: u, centre: { x: x0 + Math.floor((w - 1) / 2), y: y0 + Math.floor((h - 1) / 2) }, neighbours };
  });
  return { platform: p, mesh, clusterSide: side, grid, tiles, clusterOf, clusters, cbusPerCluster: cbus };
}
