/**
 * fastlz block decompression, for FST's 'F' chains (GTKWave's `vcd2fst -F`). Written from the
 * format of fastlz.c (Ariya Hidayat, MIT licence), which fstapi bundles:
 *
 *  - the first byte's top 3 bits are the level minus one (0: level 1, 1: level 2); its low 5 bits
 *    are the first instruction's;
 *  - an instruction byte `ctrl` below 32 is a literal run: the next ctrl + 1 bytes are copied;
 *  - otherwise a match: len = ctrl >> 5 (7 means more: level 1 adds the next byte, level 2 adds
 *    bytes while they are 255), then a byte `code`; the match starts (ctrl & 31) * 256 + code + 1
 *    bytes back and is len + 2 bytes long; at level 2, code 255 with (ctrl & 31) = 31 means a far
 *    match whose distance is the next two bytes (big-endian) + 8192;
 *  - copies may overlap (a distance of 1 repeats a byte).
 *
 * fstapi ignores fastlz's return code; here a stream that does not expand to the size FST records,
 * or that points outside what is decoded, is refused.
 */

/** `src` expanded to exactly `size` bytes; undefined when it is not a valid fastlz stream of that size. */
export function fastlzBlock(src: Uint8Array, size: number): Uint8Array | undefined {
  const out = new Uint8Array(size);
  if (src.length === 0) return size === 0 ? out : undefined;
  const level = (src[0] >> 5) + 1;
  if (level !== 1 && level !== 2) return undefined;
  const end = src.length;
  let ip = 1, op = 0;
  let ctrl = src[0] & 31;
  for (;;) {
    if (ctrl >= 32) {
      let len = (ctrl >> 5) - 1;
      const ofs = (ctrl & 31) << 8;
      if (len === 6) {
        if (level === 1) len += src[ip++];
        else {
          let more;
          do len += more = src[ip++];
          while (more === 255);
        }
      }
      const code = src[ip++];
      let distance = ofs + code + 1;
      if (level === 2 && code === 255 && ofs === 31 << 8) distance = ((src[ip] << 8) | src[ip + 1]) + 8192, ip += 2;
      const n = len + 3;
      let ref = op - distance;
      if (ip > end || ref < 0 || op + n > size) return undefined;
      for (let k = 0; k < n; k++) out[op++] = out[ref++];
    } else {
      const n = ctrl + 1;
      if (ip + n > end || op + n > size) return undefined;
      out.set(src.subarray(ip, ip + n), op);
      ip += n;
      op += n;
    }
    if (ip >= end) break;
    ctrl = src[ip++];
  }
  return op === size ? out : undefined;
}
