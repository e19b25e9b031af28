/**
 * One FST value-change block: the changes of every signal over a span of time, gathered as the
 * simulation runs (ChangeLog) and encoded when the block is full: prepareBlock (frame, time table,
 * the chains copied out), the chains compressed (compress.ts, maybe on a worker), assembleBlock.
 *
 * The log keeps one growing byte buffer per signal, holding that signal's changes in time order
 * exactly as the block stores them (fstapi.c's value-change chain entries), so recording a change
 * is a few byte stores and ending the block needs no reordering:
 *   - 1-bit signal:  varint(delta << 2 | bit << 1)
 *   - n-bit signal:  varint(delta << 1), then the value's n bits packed MSB first into ceil(n/8)
 *                    bytes, left-aligned (the last byte's low bits are 0)
 *   - string:        varint(delta << 1), varint(byte length), the bytes
 * where delta is the number of time-table entries since the signal's previous change in this block
 * (since entry 0 for its first).
 *
 * The block's bytes (type 8, "VCDATA_DYN_ALIAS2"):
 *   u64 length | u64 begin time | u64 end time | u64 bytes a reader needs to expand every chain
 *   varint frame length | varint frame stored length | varint max handle | frame
 *   varint max handle | 'Z' (chains are zlib)
 *   every signal's chain, by handle: varint(expanded length, 0 if stored raw) + chain bytes
 *   position table: per handle, where its chain starts (relative to the 'Z' byte), delta-coded as
 *     signed varint (delta << 1 | 1); a run of k handles without changes is varint(k << 1)
 *   u64 position table length
 *   time table: the block's times as varint deltas from 0, zlib'd when that is smaller
 *   u64 time table length | u64 its stored length | u64 entries
 * The frame holds every signal's value at the block's begin time as ASCII '0'/'1' per bit, by
 * handle (strings take no bytes); the first block's frame is all 'x' and its first time's values
 * are changes at entry 0 (what fstapi writes, and what readers expect: they skip the first frame
 * when the block begins at its first time). A later block's time table starts with the previous
 * block's last time, where nothing changes; its changes start at entry 1.
 */
import { deflateSync } from "node:zlib";
import { ByteWriter, putU64 } from "./bytes.js";
import { compressChains, type ChainJob, type ChainResult } from "./compress.js";
import { BL_SKIP } from "./hierarchy.js";

const X = 120; // 'x'
const EMPTY = new Uint8Array(0);

export class ChangeLog {
  /** Per handle (0-based): its changes in this block, and the bytes of them in use. */
  readonly bufs: Uint8Array[];
  readonly used: Int32Array;
  /** Per handle: where its latest change starts in its buffer. */
  readonly lastAt: Int32Array;
  /** Per handle: time-table index of its latest change in this block. */
  readonly last: Int32Array;
  /** Bytes of changes in this block, all signals. */
  total = 0;
  /** The block's times (absolute), and the index of the latest. */
  times: number[] = [];
  t = -1;

  constructor(readonly handles: number) {
    this.bufs = new Array<Uint8Array>(handles).fill(EMPTY);
    this.used = new Int32Array(handles);
    this.lastAt = new Int32Array(handles);
    this.last = new Int32Array(handles);
  }

  /**
   * Starts a change of handle `h` that takes at most `n` bytes: makes room, notes where it starts;
   * returns the buffer to write it into (at `used[h]`). The caller adds its length with `end`.
   */
  begin(h: number, n: number): Uint8Array {
    const p = this.used[h];
    let b = this.bufs[h];
    if (p + n > b.length) {
      const nb = new Uint8Array(Math.max(64, 2 * b.length, p + n));
      nb.set(b.subarray(0, p));
      this.bufs[h] = b = nb;
    }
    this.lastAt[h] = p;
    return b;
  }

  /** Ends the change of `h` begun at used[h], at position `p` of its buffer. */
  end(h: number, p: number): void {
    this.total += p - this.used[h];
    this.used[h] = p;
  }

  /** Time-table entries since `h` last changed; marks it changed now. */
  delta(h: number): number {
    const d = this.t - this.last[h];
    this.last[h] = this.t;
    return d;
  }

  /** A 1-bit change. */
  scalar(h: number, bit: number): void {
    const b = this.begin(h, 5);
    this.end(h, putVarint(b, this.used[h], this.delta(h) * 4 + (bit & 1) * 2));
  }

  /** An n-bit change (n >= 2): `bytes` are the packed, left-aligned value (see packBits). */
  vector(h: number, bytes: Uint8Array): void {
    const b = this.begin(h, bytes.length + 5);
    const p = putVarint(b, this.used[h], this.delta(h) * 2);
    b.set(bytes, p);
    this.end(h, p + bytes.length);
  }

  /** A string change. */
  string(h: number, bytes: Uint8Array): void {
    const b = this.begin(h, bytes.length + 10);
    let p = putVarint(b, this.used[h], this.delta(h) * 2);
    p = putVarint(b, p, bytes.length);
    b.set(bytes, p);
    this.end(h, p + bytes.length);
  }

  /** True when nothing changed in this block (a later block's start). */
  get empty(): boolean {
    return this.total === 0;
  }

  /** Empties the signals' buffers for the next block; a buffer much larger than its use shrinks. */
  clear(): void {
    for (let h = 0; h < this.handles; h++) {
      const u = this.used[h];
      if (this.bufs[h].length > 4096 && this.bufs[h].length > 4 * u) this.bufs[h] = u === 0 ? EMPTY : new Uint8Array(2 * u);
      this.used[h] = 0;
      this.last[h] = 0;
    }
    this.total = 0;
    this.times = [];
    this.t = -1;
  }
}

/** Writes varint `x` (0 <= x < 2^31) at `p`; returns the position after it. */
export function putVarint(buf: Uint8Array, p: number, x: number): number {
  while (x >= 128) {
    buf[p++] = (x & 127) | 128;
    x >>>= 7;
  }
  buf[p++] = x;
  return p;
}

/** `value` (0 <= value < 2^width) packed MSB first into ceil(width/8) bytes, left-aligned. */
export function packBits(value: bigint, width: number): Uint8Array {
  const n = (width + 7) >> 3;
  const x = value << BigInt(n * 8 - width);
  const out = new Uint8Array(n);
  if (n <= 6) {
    let y = Number(x); // exact below 2^53
    for (let i = n - 1; i >= 0; i--) {
      out[i] = y % 256;
      y = Math.floor(y / 256);
    }
    return out;
  }
  const hex = x.toString(16).padStart(2 * n, "0"); // linear in the width, unlike shifting a bigint
  for (let i = 0; i < n; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

/** Per handle: its width (0: string) and where its ASCII value sits in the frame. */
export interface FrameLayout {
  widths: Int32Array;
  offsets: Int32Array;
  /** Frame length: the sum of the widths. */
  length: number;
}

export function frameLayout(widths: readonly number[]): FrameLayout {
  const offsets = new Int32Array(widths.length);
  let off = 0;
  widths.forEach((w, h) => {
    offsets[h] = off;
    off += w;
  });
  return { widths: Int32Array.from(widths), offsets, length: off };
}

/** A frame of 'x' (a first block's). */
export function unknownFrame(layout: FrameLayout): Uint8Array {
  return new Uint8Array(layout.length).fill(X);
}

/** A block whose chains are gathered but not yet compressed (see compress.ts). */
export interface PreparedBlock {
  /** The chains to compress, in handle order, and which handles they belong to. */
  job: ChainJob;
  handles: Int32Array;
  maxHandle: number;
  frameLength: number;
  frameData: Uint8Array;
  timesLength: number;
  timeData: Uint8Array;
  timeCount: number;
  begin: number;
  end: number;
  /** Bytes a reader needs to expand every chain. */
  memReq: number;
}

/**
 * Gathers the log's block: copies its chains out (for compressing, here or on a worker), encodes
 * the frame and the time table. `frame` holds the values at the block's begin time and is updated
 * to the values at its end. Clears the log.
 */
export function prepareBlock(log: ChangeLog, frame: Uint8Array, layout: FrameLayout, opts: { chainLevel: number; frameLevel: number; timeLevel: number }): PreparedBlock {
  const H = log.handles;
  const { widths, offsets } = layout;
  // the frame as of the block's start, before this block's changes update it
  const frameZ = deflateSync(frame, { level: opts.frameLevel });
  const frameData = frameZ.length < frame.length ? frameZ : frame.slice();
  let count = 0;
  for (let h = 0; h < H; h++) if (log.used[h] > 0) count++;
  const handles = new Int32Array(count), ends = new Int32Array(count);
  const data = new Uint8Array(log.total);
  let at = 0, k = 0;
  for (let h = 0; h < H; h++) {
    const n = log.used[h];
    if (n === 0) continue;
    const chain = log.bufs[h].subarray(0, n);
    updateFrame(frame, chain, log.lastAt[h], widths[h], offsets[h]);
    data.set(chain, at);
    at += n;
    handles[k] = h;
    ends[k++] = at;
  }
  const times = new ByteWriter(log.times.length * 2 + 16);
  let t0 = 0;
  for (const t of log.times) {
    times.varint(t - t0);
    t0 = t;
  }
  const timesRaw = times.bytes();
  const timesZ = deflateSync(timesRaw, { level: opts.timeLevel });
  const prepared: PreparedBlock = {
    job: { data, ends, level: opts.chainLevel },
    handles,
    maxHandle: H,
    frameLength: frame.length,
    frameData,
    timesLength: timesRaw.length,
    timeData: timesZ.length < timesRaw.length ? timesZ : timesRaw.slice(),
    timeCount: log.times.length,
    begin: log.times[0],
    end: log.times[log.times.length - 1],
    memReq: log.total,
  };
  log.clear();
  return prepared;
}

/**
 * The block's bytes from its prepared parts and its compressed chains. The type byte is BL_SKIP:
 * the caller writes the block, then turns that byte into the real type, so a block cut short by a
 * crash reads as the end of the file. Returns the pieces in file order and their total length.
 */
export function assembleBlock(b: PreparedBlock, chains: ChainResult): { pieces: Uint8Array[]; length: number } {
  const H = b.maxHandle;
  const waves = new ByteWriter(chains.data.length + 5 * b.handles.length + 16);
  waves.varint(H);
  const zAt = waves.pos; // chain positions count from the pack-type byte
  waves.byte(90); // 'Z': zlib
  const table = new ByteWriter(H + 16);
  let prev = 0, next = 0, at = 0;
  for (let k = 0; k < b.handles.length; k++) {
    const h = b.handles[k];
    if (h > next) table.varint((h - next) * 2); // a run of handles without changes
    next = h + 1;
    const pos = waves.pos - zAt;
    table.svarint((pos - prev) * 2 + 1);
    prev = pos;
    const n = chains.stored[k];
    waves.varint(chains.expanded[k]).raw(chains.data.subarray(at, at + n));
    at += n;
  }
  if (H > next) table.varint((H - next) * 2);

  const head = new ByteWriter(64);
  head.byte(BL_SKIP).u64(0).u64(b.begin).u64(b.end).u64(b.memReq);
  head.varint(b.frameLength).varint(b.frameData.length).varint(H);
  const tail = new ByteWriter(b.timeData.length + 32);
  tail.u64(table.pos).raw(b.timeData).u64(b.timesLength).u64(b.timeData.length).u64(b.timeCount);
  const pieces = [head.bytes(), b.frameData, waves.bytes(), table.bytes(), tail.bytes()];
  const length = pieces.reduce((s, p) => s + p.length, 0);
  putU64(pieces[0], 1, length - 1); // the length counts itself, not the type byte
  return { pieces, length };
}

/** prepareBlock, the chains compressed here, assembleBlock: one block, synchronously. */
export function encodeBlock(
  log: ChangeLog,
  frame: Uint8Array,
  layout: FrameLayout,
  opts: { chainLevel: number; frameLevel: number; timeLevel: number },
): { pieces: Uint8Array[]; length: number; begin: number; end: number } {
  const b = prepareBlock(log, frame, layout, opts);
  return { ...assembleBlock(b, compressChains(b.job)), begin: b.begin, end: b.end };
}

/** Writes the value of the change at `at` of a chain into the frame as ASCII. */
function updateFrame(frame: Uint8Array, buf: Uint8Array, at: number, width: number, off: number): void {
  if (width === 0) return;
  if (width === 1) {
    frame[off] = 48 | ((buf[at] >> 1) & 1); // the varint's low byte holds the bit
    return;
  }
  let p = at;
  while (buf[p] & 128) p++;
  p++;
  for (let j = 0; j < width; j++) frame[off + j] = 48 | ((buf[p + (j >> 3)] >> (7 - (j & 7))) & 1);
}
