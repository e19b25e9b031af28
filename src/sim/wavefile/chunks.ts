/**
 * A text file read in chunks into one buffer, for the VCD parsers: the parser takes what it can
 * from buf[0, end) and says from where to keep (a token or record cut by the chunk's end); refill
 * moves those bytes to the front and reads the next chunk after them. The buffer grows only when a
 * single record is longer than a chunk, so memory is a chunk plus the longest record.
 *
 * buf[end] is always a space: a parser scanning a token stops there without checking the bound.
 */
import type { FileHandle } from "node:fs/promises";
import { WaveFileError, fsError } from "./errors.js";

/** 1 MiB: large enough that per-chunk costs vanish, small enough to stay in cache-friendly sizes. */
export const DEFAULT_CHUNK = 1 << 20;

export class ChunkReader {
  buf: Buffer;
  /** Bytes of buf in use. */
  end = 0;
  /** File offset of buf[0]. */
  offset: number;
  /** True once a read returned nothing more. */
  eof = false;

  constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
    start: number,
    private readonly chunk: number,
  ) {
    if (!(Number.isInteger(chunk) && chunk >= 1)) throw new WaveFileError(file, `chunk size ${chunk} must be a whole number of bytes >= 1`);
    this.offset = start;
    this.buf = Buffer.allocUnsafe(Math.max(chunk, 64) + 1);
  }

  /** Drops buf[0, keep), reads the next chunk after the rest. */
  async refill(keep: number): Promise<void> {
    const rest = this.end - keep;
    if (keep > 0) {
      this.buf.copy(this.buf, 0, keep, this.end);
      this.offset += keep;
    }
    this.end = rest;
    if (rest + this.chunk + 1 > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buf.length, rest + this.chunk + 1));
      this.buf.copy(grown, 0, 0, rest);
      this.buf = grown;
    }
    let n: number;
    try {
      ({ bytesRead: n } = await this.fh.read(this.buf, rest, this.chunk, this.offset + rest));
    } catch (e) {
      throw fsError(this.file, e);
    }
    this.end += n;
    this.buf[this.end] = 32; // the sentinel
    if (n === 0) this.eof = true;
  }

  /** Where whole tokens end: just past the last whitespace byte (everything at end of file). */
  limit(): number {
    if (this.eof) return this.end;
    const b = this.buf;
    for (let i = this.end - 1; i >= 0; i--) if (b[i] <= 32) return i + 1;
    return 0;
  }
}
