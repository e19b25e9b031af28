/**
 * Named platforms. Each number says where it comes from: a public figure, a derivation from one,
 * or a choice (said to be one). Sizes "GB"/"MB" of memories are read as binary (GiB, MiB) unless a
 * comment says otherwise. The presets are frozen: copy one (structuredClone) to change it.
 */
import { PlatformError, parsePlatform } from "./validate.js";
import type { Platform } from "./types.js";

const KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB, TiB = 1024 * GiB;

/**
 * PALM's default config/wafer.json (github.com/fangjh21/PALM): inter_s 5x4 dies of intra_s 4x4
 * tiles, intra_bw 1024 GB/s, inter_bw 256 GB/s, link latencies 0.001 us, clk_freq 1 GHz; the TX8
 * tile's 32 TOPS INT8 / 16 TFLOPS FP16 / 8 TFLOPS FP32 and 3 MB SRAM; e_d_bw 256 GB/s and
 * e_d_cap 256 GB per edge DRAM. PALM's wafer.json names no array; 128x128 is our choice, because
 * 128 * 128 MACs * 2 ops * 1 GHz = 32.8 TOPS, the tile's INT8 peak (FP16 and FP32 then run at
 * half and a quarter rate). PALM's code (hardware.py) hangs its edge DRAMs on every die's left and
 * right tiles; here they sit on the wafer's boundary, one per boundary die (channels omitted: 14).
 */
const palmWafer: Platform = {
  name: "palm-wafer",
  description: "PALM's default wafer: 5x4 dies of 4x4 TX8 tiles, edge DRAM",
  clockGHz: 1,
  dies: { x: 5, y: 4 },
  tilesPerDie: { x: 4, y: 4 },
  tile: { peakOps: { int8: 32e12, fp16: 16e12, fp32: 8e12 }, sramBytes: 3 * MiB, array: { rows: 128, cols: 128 } },
  links: { intraDie: { bandwidthGBps: 1024, latencyNs: 1 }, interDie: { bandwidthGBps: 256, latencyNs: 1 } },
  dram: { placement: "edge", bandwidthGBps: 256, capacityBytes: 256 * GiB },
};

/**
 * A MoEntwine-style wafer of 8x8 B200-class dies, each modelled as one tile (tilesPerDie 1x1).
 * NVIDIA's B200 figures, dense (half the sparse ones quoted for HGX B200): FP16/BF16 2.25 PFLOPS,
 * INT8/FP8 4.5 POPS; FP32 ~80 TFLOPS (the commonly quoted figure); HBM3e 192 GB at 8 TB/s, one
 * channel per die. Links: 900 GB/s each way between
 * neighbouring dies (NVLink 5's per-direction bandwidth). Choices: SRAM is a 50 MB L2 (Hopper's;
 * the datasheet gives no L2 size, and register files / shared memory are left out); 100 ns
 * die-to-die latency; the intra-die link equals the inter-die one (no link lies inside a 1x1-tile
 * die, so it is never used); a 1.9 GHz clock (not in the datasheet; near reported boost clocks;
 * the peaks above are given directly, so it only turns unit-model cycles into time); the array is
 * 128x128, a typical per-SM GEMM output tile (where padding waste shows), not the die's MAC count.
 */
const moentwineWafer: Platform = {
  name: "moentwine-wafer",
  description: "8x8 B200-class dies on a wafer, one tile per die, HBM per die",
  clockGHz: 1.9,
  dies: { x: 8, y: 8 },
  tilesPerDie: { x: 1, y: 1 },
  tile: { peakOps: { int8: 4.5e15, fp16: 2.25e15, fp32: 80e12 }, sramBytes: 50 * MiB, array: { rows: 128, cols: 128 } },
  links: { intraDie: { bandwidthGBps: 900, latencyNs: 100 }, interDie: { bandwidthGBps: 900, latencyNs: 100 } },
  dram: { placement: "per-die", bandwidthGBps: 8000, capacityBytes: 192 * GiB },
};

/**
 * Tesla's Dojo training tile (AI Day 2021, Hot Chips 34): 5x5 D1 dies at 2 GHz; a D1 has 354
 * working nodes on an 18x20 grid, 362 TFLOPS BF16 and CFP8, 22.6 TFLOPS FP32, 440 MB SRAM
 * (354 x 1.25 MB), 10 TB/s per direction on-die bisection, 4 TB/s off-die per die edge.
 * A node has four 8x8 matrix units: 354 * 4 * 64 MACs * 2 ops * 2 GHz = 362.5 TFLOPS, which checks
 * the peak and gives the 8x8 array. Coarsened: each D1 is 2x2 tiles, each a quarter die
 * (groupTiles 9x10, a quarter of the node grid), so every number per tile is a quarter of the
 * D1's: fp16 = int8 (CFP8) = 362/4 TFLOPS, fp32 = 22.6/4 TFLOPS, SRAM 440e6/4 bytes (decimal MB,
 * Tesla's rounded figure). Links: a die edge is two tiles long, so 4 TB/s / 2 = 2000 GB/s per
 * inter-die tile link; a cut through a 2x2-tile die crosses two links, so 10 TB/s / 2 = 5000 GB/s
 * per intra-die link (which agrees with ~10 nodes' 512 GB/s links per quarter side). DRAM: 5 Dojo
 * Interface Processors per tile (Hot Chips 34: "DIP x5"), each 32 GB HBM at 800 GB/s, spread along
 * the tile's boundary (Tesla plugs them into the tile's edge connectors). Choices: latency 5 ns
 * within a die (about 10 node hops at one cycle each, 2 GHz) and 100 ns between dies (Tesla
 * gives none).
 */
const D1_PER_TILE = 4;
const dojoTile: Platform = {
  name: "dojo-tile",
  description: "Tesla Dojo training tile: 5x5 D1 dies, each coarsened to 2x2 quarter-die tiles; 5 DIPs",
  clockGHz: 2,
  dies: { x: 5, y: 5 },
  tilesPerDie: { x: 2, y: 2 },
  groupTiles: { x: 9, y: 10 },
  tile: {
    peakOps: { int8: 362e12 / D1_PER_TILE, fp16: 362e12 / D1_PER_TILE, fp32: 22.6e12 / D1_PER_TILE },
    sramBytes: 440e6 / D1_PER_TILE,
    array: { rows: 8, cols: 8 },
  },
  links: { intraDie: { bandwidthGBps: 10_000 / 2, latencyNs: 5 }, interDie: { bandwidthGBps: 4000 / 2, latencyNs: 100 } },
  dram: { placement: "edge", bandwidthGBps: 800, capacityBytes: 32 * GiB, channels: 5 },
};

/**
 * Cerebras WSE-2: 850,000 cores on one 2-D mesh, 40 GB SRAM (48 KB per core), 7.5 POPS (FP16)
 * quoted over 853K cores, 20 PB/s memory and 220 Pb/s fabric bandwidth. The clock follows from the
 * peak and the core's 4-wide FP16 FMAC SIMD: 7.5e15 / (853e3 * 8 ops) = 1.1 GHz.
 * Coarsened: one die of 30x30 groups of 32x30 = 960 cores (864,000 cores modelled, 1.6% over the
 * real 850,000); each group's numbers are 960 cores' worth: SRAM 960 * 48 KiB, fp16 peak
 * 960 * 7.5e15 / 853e3. Int8 = fp16 (no faster int8 path is published; a choice); fp32 = fp16 / 4
 * (one FP32 FMAC per cycle against four FP16; an assumption). The array is the group's 30x32 core
 * grid, one core per PE, times the 4-wide SIMD.
 * Links: 220 Pb/s counts every core's 4 mesh ports in both directions, so one core link carries
 * 220e15 / (850e3 * 8) bit/s = 4.04 GB/s each way (≈ a 32-bit word per cycle at 1.1 GHz, 4.4 GB/s:
 * a check). A group side of 30 cores has 30 such links: 121 GB/s (the 32-core sides have 6% more;
 * we keep the smaller). Latency: crossing a group, ~30 core hops at one cycle each = 27 ns (an
 * assumption). With one die, interDie is never used and repeats intraDie.
 * The 20 PB/s memory bandwidth has no field (SRAM is local to each core). DRAM: none on the wafer;
 * MemoryX streams weights through the CS-2's 12 x 100 Gb Ethernet ports, so 12 edge channels of
 * 12.5 GB/s (150 GB/s in all); 1 TiB per channel (12 TiB, inside MemoryX's 4 TB to 2.4 PB range) is
 * a choice.
 */
const WSE2_GROUP = { x: 32, y: 30 };
const WSE2_CORES_PER_GROUP = WSE2_GROUP.x * WSE2_GROUP.y;
const WSE2_FP16_PER_CORE = 7.5e15 / 853_000;
const WSE2_CORE_LINK_GBPS = 220e15 / (850_000 * 8) / 8 / 1e9;
const WSE2_GROUP_LINK = { bandwidthGBps: Math.min(WSE2_GROUP.x, WSE2_GROUP.y) * WSE2_CORE_LINK_GBPS, latencyNs: 30 / 1.1 };
const wse2: Platform = {
  name: "wse2",
  description: "Cerebras WSE-2, coarsened to 30x30 groups of 32x30 cores; MemoryX over 12 x 100 GbE",
  clockGHz: 1.1,
  dies: { x: 1, y: 1 },
  tilesPerDie: { x: 30, y: 30 },
  groupTiles: WSE2_GROUP,
  tile: {
    peakOps: {
      int8: WSE2_CORES_PER_GROUP * WSE2_FP16_PER_CORE,
      fp16: WSE2_CORES_PER_GROUP * WSE2_FP16_PER_CORE,
      fp32: (WSE2_CORES_PER_GROUP * WSE2_FP16_PER_CORE) / 4,
    },
    sramBytes: WSE2_CORES_PER_GROUP * 48 * KiB,
    array: { rows: WSE2_GROUP.y, cols: WSE2_GROUP.x },
  },
  links: { intraDie: WSE2_GROUP_LINK, interDie: WSE2_GROUP_LINK },
  dram: { placement: "edge", bandwidthGBps: 12.5, capacityBytes: TiB, channels: 12 },
};

/** A small platform for tests: round numbers, 8 * 8 MACs * 2 ops * 1 GHz = 128 GOPS int8, half and a quarter of that for fp16 and fp32. */
const tiny2x2: Platform = {
  name: "tiny-2x2",
  description: "one die of 2x2 small tiles, for tests; each tile with two 8-lane SOFA softmax units",
  clockGHz: 1,
  dies: { x: 1, y: 1 },
  tilesPerDie: { x: 2, y: 2 },
  tile: { peakOps: { int8: 128e9, fp16: 64e9, fp32: 32e9 }, sramBytes: 256 * KiB, array: { rows: 8, cols: 8 }, softmaxUnit: { units: 2, lanes: 8 } },
  links: { intraDie: { bandwidthGBps: 64, latencyNs: 1 }, interDie: { bandwidthGBps: 16, latencyNs: 1 } },
  dram: { placement: "edge", bandwidthGBps: 32, capacityBytes: GiB },
};

function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** Every preset by name; each has passed parsePlatform (checked here, at load). */
export const PLATFORM_PRESETS: Readonly<Record<string, Platform>> = deepFreeze(
  Object.fromEntries([palmWafer, moentwineWafer, dojoTile, wse2, tiny2x2].map((p) => [p.name, parsePlatform(p, `preset ${p.name}`)])),
);

export const PLATFORM_PRESET_NAMES: readonly string[] = Object.freeze(Object.keys(PLATFORM_PRESETS));

export function platformPreset(name: string): Platform {
  if (!Object.hasOwn(PLATFORM_PRESETS, name)) {
    throw new PlatformError(`no platform preset "${name}"; the presets are ${PLATFORM_PRESET_NAMES.join(", ")}`);
  }
  return PLATFORM_PRESETS[name];
}
