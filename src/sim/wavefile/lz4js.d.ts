// lz4js ships no types; this is the one function the FST reader uses (see lz4.ts).
declare module "lz4js" {
  /** Decodes the LZ4 block src[sIndex, sIndex + sLength) into dst from dIndex; returns the end index in dst. */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
}
