/**
 * Reading FST's encodings from a byte buffer with a moving position: LEB128 varints (unsigned and
 * signed), big-endian 64-bit words, NUL-terminated strings (see src/sim/fst/bytes.ts for the
 * writer's side). Reads past the end throw a RangeError that the reader turns into a message naming
 * the file.
 */
import { getU64 } from "../fst/bytes.js";

export class Cursor {
  constructor(readonly buf: Uint8Array, public pos = 0) {}

  get left(): number {
    return this.buf.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new RangeError(`a byte at ${this.pos} is past the end (${this.buf.length} bytes)`);
    return this.buf[this.pos++];
  }

  /** An unsigned varint (below 2^53). */
  varint(): number {
    const b = this.buf;
    let x = 0, scale = 1;
    for (;;) {
      if (this.pos >= b.length) throw new RangeError(`a varint runs past the end (${b.length} bytes)`);
      const c = b[this.pos++];
      x += (c & 127) * scale;
      if ((c & 128) === 0) return x;
      scale *= 128;
    }
  }

  /** A signed varint (SLEB128, |x| below 2^53): the last byte's bit 6 is the sign. */
  svarint(): number {
    const b = this.buf;
    let x = 0, scale = 1, c = 0;
    do {
      if (this.pos >= b.length) throw new RangeError(`a signed varint runs past the end (${b.length} bytes)`);
      c = b[this.pos++];
      x += (c & 127) * scale;
      scale *= 128;
    } while (c & 128);
    return c & 64 ? x - scale : x;
  }

  /** A 64-bit big-endian word as a number (FST lengths and counts; below 2^53). */
  u64(): number {
    this.need(8);
    const x = getU64(this.buf, this.pos);
    this.pos += 8;
    return x;
  }

  /** A 64-bit big-endian word as a bigint (times). */
  u64big(): bigint {
    this.need(8);
    const x = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getBigUint64(0, false);
    this.pos += 8;
    return x;
  }

  /** A NUL-terminated string, as latin1. */
  cstring(): string {
    const b = this.buf;
    const end = b.indexOf(0, this.pos);
    if (end < 0) throw new RangeError(`a string at ${this.pos} has no terminating NUL`);
    const s = Buffer.from(b.buffer, b.byteOffset + this.pos, end - this.pos).toString("latin1");
    this.pos = end + 1;
    return s;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const s = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new RangeError(`${n} bytes at ${this.pos} run past the end (${this.buf.length} bytes)`);
  }
}
