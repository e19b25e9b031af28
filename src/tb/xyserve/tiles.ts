/**
 * Random meta-attention tiles of the three kinds a serving step mixes (XY-Serve): a prefill chunk
 * (rows at any position, causal), a decode row (the newest position) and a verify tile (the
 * accepted token plus specLen drafts under a random draft tree). Q and K uniform int16, V uniform
 * int8; K and V run to the end of the last KV block, the padding filled with garbage the unit
 * must ignore.
 */
import type { MetaAttentionTile } from "../../golden/meta-attention.js";
import { randInt } from "../harness.js";

export const TILE_KINDS = ["P", "D", "V"] as const;
export type TileKind = (typeof TILE_KINDS)[number];

export interface TileShape {
  readonly headDim: number;
  readonly valueDim: number;
  /** Rows of a prefill tile at most, and the keys a tile may have (kvLen <= kvMax). */
  readonly maxRows: number;
  readonly kvMax: number;
  readonly kvBlock: number;
  /** Drafts of a verify tile (at most maxRows - 1). */
  readonly specLen: number;
}

/** A random draft tree: each draft's parent is an earlier draft or the last accepted token. */
export function randomTree(r: () => number, spec: number): boolean[][] {
  const parent = Array.from({ length: spec }, (_, a) => randInt(r, -1, a - 1));
  return Array.from({ length: spec }, (_, a) => {
    const row = new Array<boolean>(spec).fill(false);
    for (let x = a; x >= 0; x = parent[x]) row[x] = true;
    return row;
  });
}

export function randomTile(r: () => number, kind: TileKind, s: TileShape): MetaAttentionTile {
  // A tile's rows are keys too: no more of them than kvMax.
  const spec = Math.min(s.specLen, s.maxRows - 1, s.kvMax - 1);
  const rows = kind === "D" || (kind === "V" && spec < 1) ? 1 : kind === "V" ? spec + 1 : randInt(r, 1, Math.min(s.maxRows, s.kvMax));
  const kvLen = randInt(r, Math.min(rows, s.kvMax), s.kvMax);
  const padded = Math.ceil(kvLen / s.kvBlock) * s.kvBlock;
  // A prefill chunk ends anywhere up to the newest key; decode and verify rows are the newest.
  const start = kind === "P" ? randInt(r, 0, kvLen - rows) : kvLen - rows;
  const mat = (n: number, w: number, lo: number, hi: number) => Array.from({ length: n }, () => Array.from({ length: w }, () => randInt(r, lo, hi)));
  return {
    q: mat(rows, s.headDim, -32768, 32767),
    k: mat(padded, s.headDim, -32768, 32767),
    v: mat(padded, s.valueDim, -128, 127),
    start,
    kvLen,
    tree: kind === "V" && spec >= 1 ? randomTree(r, spec) : undefined,
  };
}
