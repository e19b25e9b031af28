/**
 * Bytes as FST lays them out: a growable byte buffer, unsigned and signed LEB128 varints (FST's
 * "varint": 7 bits a byte, least significant group first, high bit set on every byte but the last),
 * big-endian 64-bit words (every fixed-size integer in an FST block), and NUL-terminated strings.
 *
 * Numbers are JS numbers: varints and words take integers 0 <= x < 2^53 (FST times and lengths
 * fit; a 64-bit field is written as two 32-bit halves).
 */

const TWO32 = 4294967296;

/** The bytes of unsigned varint `x` (0 <= x < 2^53). */
export function varintBytes(x: number): number[] {
  checkUnsigned(x, "varint");
  const out: number[] = [];
  while (x >= 128) {
    out.push((x % 128) | 128);
    x = Math.floor(x / 128);
  }
  out.push(x);
  return out;
}

/** The bytes of signed varint `x` (SLEB128; |x| < 2^53): a final byte's bit 6 is the sign. */
export function svarintBytes(x: number): number[] {
  if (!Number.isSafeInteger(x)) throw new Error(`svarint: ${x} is not a safe integer`);
  const out: number[] = [];
  for (;;) {
    const low = ((x % 128) + 128) % 128; // two's complement low 7 bits, for negative x too
    x = (x - low) / 128; // exact: an arithmetic shift right by 7
    const done = (x === 0 && (low & 64) === 0) || (x === -1 && (low & 64) !== 0);
    out.push(done ? low : low | 128);
    if (done) return out;
  }
}

/** Decodes an unsigned varint at `pos`: [value, bytes read]. (Tests and debugging.) */
export function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let x = 0, scale = 1, n = 0;
  for (;;) {
    const b = buf[pos + n++];
    if (b === undefined) throw new Error(`varint at ${pos} runs past the end of the buffer`);
    x += (b & 127) * scale;
    scale *= 128;
    if ((b & 128) === 0) return [x, n];
  }
}

/** Decodes a signed varint at `pos`: [value, bytes read]. */
export function readSvarint(buf: Uint8Array, pos: number): [number, number] {
  let x = 0n, shift = 0n, n = 0, b = 0;
  do {
    b = buf[pos + n++];
    if (b === undefined) throw new Error(`svarint at ${pos} runs past the end of the buffer`);
    x |= BigInt(b & 127) << shift;
    shift += 7n;
  } while (b & 128);
  return [Number(b & 64 ? x - (1n << shift) : x), n];
}

function checkUnsigned(x: number, what: string): void {
  if (!Number.isSafeInteger(x) || x < 0) throw new Error(`${what}: ${x} is not an integer in 0 .. 2^53-1`);
}

/** A byte buffer that grows as it is written; `bytes()` views what was written. */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 4096) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  /** Make room for `n` more bytes. */
  room(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.pos++] = b;
    return this;
  }

  varint(x: number): this {
    checkUnsigned(x, "varint");
    this.room(8);
    const buf = this.buf;
    while (x >= 128) {
      buf[this.pos++] = (x % 128) | 128;
      x = Math.floor(x / 128);
    }
    buf[this.pos++] = x;
    return this;
  }

  svarint(x: number): this {
    const b = svarintBytes(x);
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** A 64-bit big-endian word. */
  u64(x: number): this {
    checkUnsigned(x, "u64");
    this.room(8);
    putU64(this.buf, this.pos, x);
    this.pos += 8;
    return this;
  }

  raw(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** `s` as latin1 bytes and a NUL. */
  cstring(s: string): this {
    this.room(s.length + 1);
    for (let i = 0; i < s.length; i++) this.buf[this.pos++] = s.charCodeAt(i) & 255;
    this.buf[this.pos++] = 0;
    return this;
  }

  /** `s` as latin1 in a field of exactly `n` bytes, NUL padded (cut to n - 1 characters). */
  fixedString(s: string, n: number): this {
    this.room(n);
    this.buf.fill(0, this.pos, this.pos + n);
    const len = Math.min(s.length, n - 1);
    for (let i = 0; i < len; i++) this.buf[this.pos + i] = s.charCodeAt(i) & 255;
    this.pos += n;
    return this;
  }

  /** The bytes written so far (a view: copy it before writing more). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}

/** Writes 64-bit big-endian `x` (0 <= x < 2^53) at `pos`. */
export function putU64(buf: Uint8Array, pos: number, x: number): void {
  const hi = Math.floor(x / TWO32), lo = x >>> 0;
  for (let i = 3; i >= 0; i--) {
    buf[pos + i] = (hi >>> ((3 - i) * 8)) & 255;
    buf[pos + 4 + i] = (lo >>> ((3 - i) * 8)) & 255;
  }
}

/** Reads a 64-bit big-endian word (below 2^53) at `pos`. */
export function getU64(buf: Uint8Array, pos: number): number {
  let hi = 0, lo = 0;
  for (let i = 0; i < 4; i++) {
    hi = hi * 256 + buf[pos + i];
    lo = lo * 256 + buf[pos + 4 + i];
  }
  return hi * TWO32 + lo;
}
