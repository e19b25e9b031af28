/**
 * LZ4 block decompression for FST's LZ4 chains ('4') and hierarchies (block types 6 and 7), by the
 * pure-JS lz4js package. lz4js does no bounds checks (it writes into a typed array, where stores
 * past the end are dropped), so the size it reports is checked against the size FST records.
 *
 * lz4js is loaded on the first LZ4 block, not when this module is imported: src/sim/index.ts
 * exports the readers, and loading a CommonJS package at start-up (under tsx, as the dev CLI,
 * the benches and the tests run) halved the compiled engine's speed on mac-grid 16x16 in the
 * same process (2.4M to 1.1M cycles/s, bench/speed/case.ts mac-grid-bare 16 off), though the
 * simulator never calls it. Only a process that reads an LZ4-packed FST pays for it.
 */
import { createRequire } from "node:module";

let decompressBlock: typeof import("lz4js").decompressBlock | undefined;

/** `src` (one LZ4 block) expanded to exactly `size` bytes; undefined when it does not expand so. */
export function lz4Block(src: Uint8Array, size: number): Uint8Array | undefined {
  const out = new Uint8Array(size);
  if (src.length === 0) return size === 0 ? out : undefined;
  decompressBlock ??= (createRequire(import.meta.url)("lz4js") as typeof import("lz4js")).decompressBlock;
  const n = decompressBlock(src, out, 0, src.length, 0);
  return n === size ? out : undefined;
}
