/**
 * A platform for the system-level performance model (PALM-style, arXiv 2406.03868): a 2-D mesh of
 * dies, each die a 2-D mesh of tiles. Plain JSON-able data, so a platform is a file the user
 * writes (validate.ts reads it) or a preset (presets.ts).
 *
 * Units, one per kind of number, named in the field where they could be mistaken:
 * bandwidth GB/s (1e9 bytes/s), latency ns, clock GHz, SRAM and DRAM sizes bytes, peak compute
 * ops/s (an op is one multiply or one add, so a MAC is 2 ops).
 *
 * Coordinates: tile (x, y) counts over the whole mesh from the top-left tile (0, 0), x to the
 * right, y down; geometry.ts turns them into dies, routes and DRAM ports.
 */

/** The number formats a tile computes in; peak compute is given for each. */
export const PRECISIONS = ["int8", "fp16", "fp32"] as const;
export type Precision = (typeof PRECISIONS)[number];

export interface TileSpec {
  /** Peak ops/s of the whole tile, per precision (a MAC is 2 ops). */
  readonly peakOps: Readonly<Record<Precision, number>>;
  /** On-tile SRAM, bytes. */
  readonly sramBytes: number;
  /**
   * The systolic array its GEMMs run on: GEMM padding and utilization are judged on this shape.
   * peakOps is the whole tile's throughput and may be several arrays' worth
   * (peakOps / (2 * rows * cols * clock) of them); the presets say how theirs relate.
   */
  readonly array: { readonly rows: number; readonly cols: number };
  /**
   * SOFA softmax units on the tile (src/hw/sofa/softmax-unit.ts), if it has them: attention's
   * softmax then takes their verified cycle count (softmaxUnitCycles) instead of the roofline.
   * Each unit normalizes one row of scores at a time over `lanes` lanes; recipBits and probBits
   * are its reciprocal and probability widths (defaults: the unit's DEFAULT_SOFTMAX).
   */
  readonly softmaxUnit?: SoftmaxUnitSpec;
}

export interface SoftmaxUnitSpec {
  readonly units: number;
  readonly lanes: number;
  readonly recipBits?: number;
  readonly probBits?: number;
}

/** One direction of one link between neighbouring tiles. */
export interface LinkSpec {
  readonly bandwidthGBps: number;
  readonly latencyNs: number;
}

export const DRAM_PLACEMENTS = ["edge", "per-die"] as const;
export type DramPlacement = (typeof DRAM_PLACEMENTS)[number];

export interface DramSpec {
  /** "edge": channels on tiles of the mesh boundary; "per-die": one channel per die (geometry.ts edgeDramPorts). */
  readonly placement: DramPlacement;
  /** Per channel, GB/s. */
  readonly bandwidthGBps: number;
  /** Per channel, bytes (the platform holds channels x this). */
  readonly capacityBytes: number;
  /** "edge" only: the number of channels around the mesh boundary; default one per boundary die. */
  readonly channels?: number;
}

export interface Platform {
  readonly name: string;
  readonly description?: string;
  readonly clockGHz: number;
  /** Dies in each direction. */
  readonly dies: { readonly x: number; readonly y: number };
  /** Tiles per die in each direction; every die is alike. */
  readonly tilesPerDie: { readonly x: number; readonly y: number };
  readonly tile: TileSpec;
  /** Links between neighbouring tiles in the same die, and across a die boundary. */
  readonly links: { readonly intraDie: LinkSpec; readonly interDie: LinkSpec };
  readonly dram: DramSpec;
  /**
   * Coarsened meshes (WSE-2): each modelled tile stands for a group of this many physical cores,
   * and the tile's numbers are the group's. Informational for the model; default 1 x 1.
   */
  readonly groupTiles?: { readonly x: number; readonly y: number };
}

/** A tile's place in the whole mesh. */
export interface TileCoord {
  readonly x: number;
  readonly y: number;
}

/** A die's place in the mesh of dies. */
export interface DieCoord {
  readonly dx: number;
  readonly dy: number;
}

/** A directed link between neighbouring tiles; `kind` picks its LinkSpec out of Platform.links. */
export interface MeshLink {
  readonly from: TileCoord;
  readonly to: TileCoord;
  readonly kind: "intraDie" | "interDie";
}
