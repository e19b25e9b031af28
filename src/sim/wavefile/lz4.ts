/**
 * LZ4 block decompression for FST's LZ4 chains ('4') and hierarchies (block types 6 and 7), by the
 * pure-JS lz4js package. lz4js does no bounds checks (it writes into a typed array, where stores
 * past the end are dropped), so the size it reports is checked against the size FST records.
 */
import { decompressBlock } from "lz4js";

/** `src` (one LZ4 block) expanded to exactly `size` bytes; undefined when it does not expand so. */
export function lz4Block(src: Uint8Array, size: number): Uint8Array | undefined {
  const out = new Uint8Array(size);
  if (src.length === 0) return size === 0 ? out : undefined;
  const n = decompressBlock(src, out, 0, src.length, 0);
  return n === size ? out : undefined;
}
