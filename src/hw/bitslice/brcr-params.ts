/**
 * Parameters of the BRCR engine (papers.md section 4) and the layout derived from them.
 *
 * Defaults where the paper is silent or gives a different structure:
 *  - m = 4: the paper's DSE choice (rows per group).
 *  - tile = 256: the CAM holds one group's patterns of T_K = 256 columns (Table 3 tiling); wider
 *    matrices run in column tiles whose partial outputs add up in the output memory.
 *  - converters = 16: the paper's 16 index converters / 16 addition-merge units per PE. Converter k
 *    owns a contiguous slice of S = ceil(camCols / converters) columns of the tile and reads the
 *    activations of that slice from its own bank (one read port each); converters that would own no
 *    column are not built.
 *  - batch = 1: activation vectors processed at once. Lanes share the CAM, key enumerator and index
 *    converters (the pattern work is done once for all vectors); each lane has its own activation
 *    banks, merge adders, group-sum buffer, reconstruction unit and output memory.
 *  - Bank split of the CAM: 2-bit banks from the pattern's MSB down (m = 4: the paper's HO and LO
 *    banks of 4 rows); an odd m ends with a 1-bit bank of 2 rows.
 *  - Outputs are int32 (exact for cols <= 65536: |y| <= cols * 127 * 128 < 2^31).
 */
import { bitsFor } from "../../hdl/index.js";
import { brcrCamCols, brcrSliceWidth, brcrTileCount } from "../../golden/bitslice-brcr-timing.js";
import { requireWhole } from "../param-check.js";

export interface BrcrEngineParams {
  /** Rows per group, 2..6. */
  readonly m: number;
  /** Output rows of W. */
  readonly rows: number;
  /** H: columns of W (the input length). */
  readonly cols: number;
  /** CAM width: the most columns of one group loaded at once (T_K). */
  readonly tile: number;
  /** Index converters (= addition-merge units = activation banks per lane). */
  readonly converters: number;
  /** Activation vectors processed in parallel lanes (GEMM columns). */
  readonly batch: number;
}

export const BRCR_DEFAULTS: BrcrEngineParams = { m: 4, rows: 64, cols: 256, tile: 256, converters: 16, batch: 1 };

export const MAX_M = 6;
export const MAX_COLS = 65536;
export const MAX_ROWS = 65536;
export const MAX_TILE = 4096;
export const MAX_BATCH = 16;
/** Accumulated outputs: exact int32 (see the file comment). */
export const Y_BITS = 32;
/** Activations are int8. */
export const X_BITS = 8;
/** Counters (merge_adds, recon_adds, cycles) since the last start. */
export const COUNTER_BITS = 40;

function whole(name: string, v: number, lo: number, hi: number, mend: string): void {
  requireWhole("brcr engine", name, v, lo, hi, mend);
}

export function checkBrcrParams(p: BrcrEngineParams): void {
  whole("m", p.m, 2, MAX_M, `rows per group: the CAM has 2^m - 1 keys (the paper uses 4; m = 1 is the plain bit-serial product)`);
  whole("rows", p.rows, 1, MAX_ROWS, "give the output rows of W");
  whole("cols", p.cols, 1, MAX_COLS, `give the input length H; outputs are exact int32 only up to ${MAX_COLS} columns`);
  whole("tile", p.tile, 1, MAX_TILE, "give the CAM width (columns per pass; the paper's T_K is 256)");
  whole("converters", p.converters, 1, p.tile, "index converters: at least 1 and at most the CAM width (tile)");
  whole("batch", p.batch, 1, MAX_BATCH, "activation vectors per job (each adds a lane of merge/reconstruct datapath)");
}

/** One CAM bank: pattern bits [lo + width - 1 : lo], 2^width rows. */
export interface CamBank {
  readonly lo: number;
  readonly width: number;
}

export interface BrcrLayout {
  /** Columns per pass (min(tile, cols)). */
  readonly camCols: number;
  /** Columns per converter slice (S). */
  readonly slice: number;
  /** Converters actually built (ceil(camCols / S) <= converters). */
  readonly convs: number;
  /** Column tiles, and the width of the last (possibly partial) one. */
  readonly tiles: number;
  readonly lastWidth: number;
  readonly groups: number;
  /** Passes per job: 7 planes x tiles x groups. */
  readonly passes: number;
  readonly keys: number;
  readonly banks: readonly CamBank[];
  /** Words per activation bank (tiles x S). */
  readonly xDepth: number;
  /** Signed width of a group sum and of a reconstructed row of one pass (both bounded by camCols * 128). */
  readonly zBits: number;
  /** Where activation c (0..cols-1) lives: bank = its converter, addr within the bank. */
  xPlace(c: number): { bank: number; addr: number };
}

/** The narrowest signed width holding lo..hi. */
export function signedBitsFor(lo: number, hi: number): number {
  let w = 1;
  while (-(2 ** (w - 1)) > lo || 2 ** (w - 1) - 1 < hi) w++;
  return w;
}

export function camBanks(m: number): CamBank[] {
  const out: CamBank[] = [];
  for (let hi = m - 1; hi >= 0; hi -= 2) {
    const width = Math.min(2, hi + 1);
    out.push({ lo: hi - width + 1, width });
  }
  return out;
}

export function brcrLayout(p: BrcrEngineParams): BrcrLayout {
  const camCols = brcrCamCols(p.cols, p.tile);
  const slice = brcrSliceWidth(camCols, p.converters);
  const tiles = brcrTileCount(p.cols, p.tile);
  return {
    camCols, slice, tiles,
    convs: Math.ceil(camCols / slice),
    lastWidth: p.cols - (tiles - 1) * camCols,
    groups: Math.ceil(p.rows / p.m),
    passes: 7 * tiles * Math.ceil(p.rows / p.m),
    keys: 2 ** p.m - 1,
    banks: camBanks(p.m),
    xDepth: tiles * slice,
    zBits: signedBitsFor(-128 * camCols, 127 * camCols),
    xPlace: (c) => {
      const t = Math.floor(c / camCols), j = c % camCols;
      return { bank: Math.floor(j / slice), addr: t * slice + (j % slice) };
    },
  };
}

/** Memory names: activation bank k of lane b, and lane b's output rows. */
export const xMemName = (b: number, k: number): string => `x_mem_b${b}_k${k}`;
export const yMemName = (b: number): string => `y_mem_b${b}`;

/** Address width of the output rows. */
export function rowBits(p: BrcrEngineParams): number {
  return bitsFor(p.rows);
}
