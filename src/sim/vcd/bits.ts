/**
 * Writing numbers as ASCII digits straight into a byte buffer, without building strings.
 * Each function writes at `pos` and returns the position after the last byte written; the caller
 * guarantees room. Binary output drops leading zeros (VCD left-extends a vector with 0 when its
 * leftmost digit is 0), except that zero itself is "0".
 */

const ZERO = 48;

/** NIBBLE[n]: the four binary digits of n as ASCII bytes, packed little-endian for DataView.setUint32. */
const NIBBLE = new Uint32Array(16);
for (let n = 0; n < 16; n++) {
  let word = 0;
  for (let b = 0; b < 4; b++) word |= (ZERO | ((n >> (3 - b)) & 1)) << (8 * b);
  NIBBLE[n] = word >>> 0;
}

/** A DataView over exactly the bytes of `buf`, for the 4-digit stores below. */
export function viewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** `x` (0 <= x < 2^32) in binary without leading zeros; `dv` views `buf`. */
export function bin32(buf: Uint8Array, dv: DataView, pos: number, x: number): number {
  if (x === 0) {
    buf[pos] = ZERO;
    return pos + 1;
  }
  let i = 32 - Math.clz32(x); // digits left to write
  for (let lead = i & 3; lead > 0; lead--) buf[pos++] = ZERO | ((x >>> --i) & 1);
  // then whole nibbles: four digits per (unaligned) 32-bit store
  for (; i > 0; i -= 4) {
    dv.setUint32(pos, NIBBLE[(x >>> (i - 4)) & 15], true);
    pos += 4;
  }
  return pos;
}

/** All 32 binary digits of `x` (0 <= x < 2^32), leading zeros included. */
export function bin32Full(dv: DataView, pos: number, x: number): number {
  for (let i = 28; i >= 0; i -= 4) {
    dv.setUint32(pos, NIBBLE[(x >>> i) & 15], true);
    pos += 4;
  }
  return pos;
}

const TWO32 = 4294967296;

/** `x` (an integer, 0 <= x < 2^53, held in a double) in binary without leading zeros. */
export function binF(buf: Uint8Array, dv: DataView, pos: number, x: number): number {
  const hi = Math.floor(x / TWO32);
  if (hi === 0) return bin32(buf, dv, pos, x >>> 0);
  pos = bin32(buf, dv, pos, hi);
  return bin32Full(dv, pos, x >>> 0); // ToUint32 is x mod 2^32, exact for integers below 2^53
}

/** `x` (a non-negative bigint) in binary without leading zeros. Bigints are rare and wide, so
 * their digit string is the cheapest route; it is written into the buffer, not kept. */
export function binBig(buf: Buffer, pos: number, x: bigint): number {
  return pos + buf.write(x.toString(2), pos, "latin1");
}

/** A non-negative integer (< 2^53) in decimal. */
export function decimal(buf: Uint8Array, pos: number, x: number): number {
  if (x < 10) {
    buf[pos] = ZERO + x;
    return pos + 1;
  }
  let digits = 1;
  for (let p = 10; p <= x; p *= 10) digits++;
  const end = pos + digits;
  for (let i = end - 1; i >= pos; i--) {
    const q = Math.floor(x / 10);
    buf[i] = ZERO + (x - q * 10);
    x = q;
  }
  return end;
}
