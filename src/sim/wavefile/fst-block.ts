/**
 * One FST value-change block (types 1, 5 and 8) decoded into the steps it holds, following
 * fstapi.c's fstReaderIterBlocks2:
 *
 *   u64 length | u64 begin time | u64 end time | u64 bytes to expand every chain
 *   varint frame length | varint frame stored length | varint frame handles | frame
 *   varint handles | pack type ('Z' zlib, '4' LZ4, 'F' fastlz) | the chains
 *   position table (where each handle's chain starts) | u64 its length
 *   time table (varint deltas; zlib'd when its stored length differs) | u64 length | u64 stored | u64 entries
 *
 * A chain is a handle's changes in time order, each with the number of time-table entries since
 * its previous one: a bit as varint(delta << 2 | bit << 1), or varint(delta << 4 | state << 1 | 1)
 * for x z h u w l - ?; a vector as varint(delta << 1) and its bits packed MSB first, or
 * varint(delta << 1 | 1) and one ASCII state per bit; a real as varint(delta << 1 | 1) and the
 * 8 bytes of a double; a string as varint(delta << 1), varint(length), the bytes.
 * The position table (type 8: signed varints; types 1 and 5: unsigned) gives chain starts as
 * deltas, runs of handles without changes, and "dynamic aliases": a handle whose chain in this
 * block is another handle's, stored once.
 *
 * The frame holds every handle's value at the block's begin time; like fstapi, it is reported
 * only for the first block and only when that block begins before its first time entry (a writer
 * that puts values at its first time into the chains leaves the frame unknown).
 *
 * Changes are handed out by time entry with the same linked lists as fstapi (head of each time
 * entry, next handle at the same entry), so a block costs its own size, whatever the number of
 * handles or times. Only the chains of wanted handles are expanded.
 */
import { inflateSync } from "node:zlib";
import { BL_VCDATA_DYN_ALIAS2 } from "../fst/hierarchy.js";
import { fastlzBlock } from "./fastlz.js";
import { Cursor } from "./fst-bytes.js";
import { lz4Block } from "./lz4.js";
import { foldStates } from "./values.js";


/** What the reader knows of each handle (0-based) from the geometry block. */
export interface Signals {
  /** fstapi's signal_lens: 1 a bit, n a vector of n bits, 0 a string, 8 a real (the bytes of a double). */
  lengths: Int32Array;
  reals: Uint8Array;
  /** Byte order of doubles (the header's endianness test). */
  littleEndian: boolean;
}

/** Where decoded values go: at(time) before the values at a time, set(id, value) for each. */
export interface StepSink {
  at(time: bigint): void;
  set(id: number, value: string): void;
  /** Steps made whole so far: decodeBlock pauses (yields) when there are some, for the caller to hand them on. */
  readonly ready: readonly unknown[];
}

const PACK_LZ4 = 52, PACK_FASTLZ = 70; // '4', 'F'; anything else is zlib, as in fstapi
const RCV_STATES = "xzhuwl-?";
/** fstapi's FST_RCV_STR states of a bit, folded onto "01xz". */
const RCV = [...RCV_STATES].map((c) => foldStates(c)!);

/** BYTE_BITS[b]: the 8 bits of byte b, MSB first; PREFIX[w][b]: its first w bits. */
const BYTE_BITS: string[] = [];
const PREFIX: string[][] = [[]];
for (let b = 0; b < 256; b++) BYTE_BITS.push(b.toString(2).padStart(8, "0"));
for (let w = 1; w < 8; w++) PREFIX.push(BYTE_BITS.map((s) => s.slice(0, w)));

/** Bits of a value packed MSB first, left-aligned, at b[p]. */
function packedBits(b: Uint8Array, p: number, width: number): string {
  if (width < 8) return PREFIX[width][b[p]];
  const full = width >> 3, rest = width & 7;
  let s = BYTE_BITS[b[p]];
  for (let k = 1; k < full; k++) s += BYTE_BITS[b[p + k]];
  return rest ? s + PREFIX[rest][b[p + full]] : s;
}

/** A value written as one ASCII state per bit at b[p]. */
function asciiBits(b: Uint8Array, p: number, width: number): string {
  const text = Buffer.from(b.buffer, b.byteOffset + p, width).toString("latin1");
  const bits = foldStates(text);
  if (bits === undefined) throw new Error(`a value '${text.slice(0, 40)}' holds chars that are no logic states`);
  return bits;
}

function realAt(b: Uint8Array, p: number, littleEndian: boolean): string {
  return String(new DataView(b.buffer, b.byteOffset + p, 8).getFloat64(0, littleEndian));
}

// The varint decoder of the hot loop returns its value and leaves the position after it here.
let vpos = 0;
function vint(b: Uint8Array, p: number): number {
  let c = b[p++];
  let x = c & 127;
  if (c & 128) {
    let scale = 128;
    do {
      c = b[p++];
      if (c === undefined) throw new RangeError("a varint in a chain runs past its end");
      x += (c & 127) * scale;
      scale *= 128;
    } while (c & 128);
  }
  vpos = p;
  return x;
}

/** The block's time table: entry i's time. */
function timeTable(bytes: Uint8Array): bigint[] {
  const end = bytes.length;
  const tail = new Cursor(bytes, end - 24);
  const length = tail.u64(), stored = tail.u64(), count = tail.u64();
  const at = end - 24 - stored;
  if (at < 33) throw new RangeError(`its time table (${stored} bytes) does not fit in it`);
  const raw = bytes.subarray(at, at + stored);
  const data = length === stored ? raw : inflateSync(raw);
  if (data.length !== length) throw new Error(`its time table expands to ${data.length} bytes, not ${length}`);
  const c = new Cursor(data);
  const times = new Array<bigint>(count);
  let t = 0, big = -1n;
  for (let i = 0; i < count; i++) {
    const d = c.varint();
    if (big < 0n && t + d <= Number.MAX_SAFE_INTEGER) {
      t += d;
      times[i] = BigInt(t);
    } else {
      big = (big < 0n ? BigInt(t) : big) + BigInt(d);
      times[i] = big;
    }
  }
  return times;
}

/**
 * The position table at bytes[from, to): per handle, where its chain starts (relative to the pack
 * type byte; 0: no chain) and how long it is, with dynamic aliases resolved; and how many handles
 * it covers.
 */
function positionTable(bytes: Uint8Array, from: number, to: number, type: number, chainsEnd: number, maxHandle: number) {
  const starts = new Float64Array(maxHandle + 1), lengths = new Float64Array(maxHandle + 1);
  const c = new Cursor(bytes.subarray(0, to), from);
  let idx = 0, prevStart = 0, prevIdx = 0, prevAlias = 0;
  const room = (n: number) => {
    if (idx + n > maxHandle) throw new RangeError(`its position table describes more than the ${maxHandle} handles of the file`);
  };
  while (c.pos < to) {
    if (type === BL_VCDATA_DYN_ALIAS2) {
      if (bytes[c.pos] & 1) {
        const v = Math.floor(c.svarint() / 2); // an arithmetic shift right by one
        room(1);
        if (v > 0) {
          prevStart += v;
          starts[idx] = prevStart;
          if (idx > 0) lengths[prevIdx] = prevStart - starts[prevIdx];
          prevIdx = idx++;
        } else {
          if (v < 0) prevAlias = v;
          starts[idx] = 0;
          lengths[idx++] = prevAlias; // negative: -(aliased handle + 1)
        }
      } else {
        const run = Math.floor(c.varint() / 2);
        room(run);
        idx += run; // starts are 0 already
      }
    } else {
      const v = c.varint();
      room(1);
      if (v === 0) {
        starts[idx] = 0;
        lengths[idx++] = -c.varint();
      } else if (v % 2 === 1) {
        prevStart += Math.floor(v / 2);
        starts[idx] = prevStart;
        if (idx > 0) lengths[prevIdx] = prevStart - starts[prevIdx];
        prevIdx = idx++;
      } else {
        const run = v / 2;
        room(run);
        idx += run;
      }
    }
  }
  lengths[prevIdx] = chainsEnd - starts[prevIdx];
  for (let i = 0; i < idx; i++) {
    if (starts[i] === 0 && lengths[i] < 0) {
      const of = -lengths[i] - 1;
      if (of < i) {
        starts[i] = starts[of];
        lengths[i] = lengths[of];
      }
    }
  }
  return { starts, lengths, count: idx };
}

/** A handle's chain (its bytes at bytes[at, at + length): varint expanded length, 0 when stored raw). */
function chain(bytes: Uint8Array, at: number, length: number, pack: number, h: number): Uint8Array {
  if (at + length > bytes.length || length < 1) throw new RangeError(`the chain of handle ${h + 1} lies outside the block`);
  const c = new Cursor(bytes.subarray(0, at + length), at);
  const size = c.varint();
  const stored = bytes.subarray(c.pos, at + length);
  if (size === 0) return stored;
  let out: Uint8Array | undefined;
  if (pack === PACK_LZ4) out = lz4Block(stored, size);
  else if (pack === PACK_FASTLZ) out = fastlzBlock(stored, size);
  else {
    try {
      out = inflateSync(stored);
    } catch (e) {
      throw new Error(`the chain of handle ${h + 1} is not valid zlib data (${(e as Error).message})`);
    }
    if (out.length !== size) out = undefined;
  }
  if (!out) throw new Error(`the chain of handle ${h + 1} does not expand to the ${size} bytes recorded (pack type '${String.fromCharCode(pack)}')`);
  return out;
}

/**
 * A summary of a block, for tests and debugging: its pack type, time entries, handles with changes,
 * distinct chains stored compressed (and the largest one's expanded size), and handles whose chain
 * is another's (dynamic aliases).
 */
export function describeBlock(bytes: Uint8Array, type: number, maxHandle: number): { pack: string; times: number; chains: number; compressed: number; aliases: number; largest: number } {
  const head = new Cursor(bytes, 33);
  head.varint();
  const stored = head.varint();
  head.varint();
  head.pos += stored;
  head.varint();
  const packAt = head.pos;
  const pack = String.fromCharCode(head.byte());
  const tableEnd = bytes.length - 24 - new Cursor(bytes, bytes.length - 16).u64() - 8;
  const tableAt = tableEnd - new Cursor(bytes, tableEnd).u64();
  const pt = positionTable(bytes, tableAt, tableEnd, type, tableAt - packAt, maxHandle);
  const starts = new Set<number>();
  let chains = 0, compressed = 0, largest = 0;
  for (let h = 0; h < pt.count; h++) {
    const at = pt.starts[h];
    if (at === 0) continue;
    chains++;
    const size = new Cursor(bytes, packAt + at).varint();
    if (!starts.has(at) && size !== 0) compressed++;
    largest = Math.max(largest, size);
    starts.add(at);
  }
  return { pack, times: new Cursor(bytes, bytes.length - 8).u64(), chains, compressed, aliases: chains - starts.size, largest };
}

/**
 * Decodes the block `bytes` (type byte included) of type `type`, handing the values of `wanted`
 * handles to `sink`. `first`: the file's first value-change block. Throws on malformed bytes (the
 * reader adds the file and offset). A generator: it pauses whenever the sink holds whole steps, so
 * the caller can hand them on before the rest of the block is decoded (a block of our writer holds
 * up to 8 MiB of changes; as objects and strings they would take ten times that).
 */
export function* decodeBlock(bytes: Uint8Array, type: number, sig: Signals, wanted: Uint8Array, first: boolean, sink: StepSink): Generator<void, void, void> {
  const H = sig.lengths.length;
  const head = new Cursor(bytes, 9);
  const begin = head.u64big();
  head.u64big(); // end time
  head.u64(); // bytes needed to expand the chains
  const times = timeTable(bytes);
  const nt = times.length;
  const frameLength = head.varint(), frameStored = head.varint(), frameHandles = head.varint();
  const frameAt = head.pos;
  head.pos += frameStored;
  if (first && nt > 0 && begin !== times[0]) {
    const raw = bytes.subarray(frameAt, frameAt + frameStored);
    const frame = frameStored === frameLength ? raw : inflateSync(raw);
    sink.at(begin);
    for (let h = 0, off = 0; h < Math.min(frameHandles, H); h++) {
      const len = sig.lengths[h];
      if (wanted[h] && len > 0) {
        if (off + len > frame.length) throw new RangeError("its frame is shorter than the handles' widths");
        sink.set(h, sig.reals[h] ? realAt(frame, off, sig.littleEndian) : asciiBits(frame, off, len));
      }
      off += len;
    }
  }
  head.varint(); // handles with chains
  const packAt = head.pos;
  const pack = head.byte();
  const tableEnd = bytes.length - 24 - new Cursor(bytes, bytes.length - 16).u64() - 8;
  const tableLength = new Cursor(bytes, tableEnd).u64();
  const tableAt = tableEnd - tableLength;
  if (tableAt < packAt) throw new RangeError(`its position table (${tableLength} bytes) overlaps its chains`);
  const pt = positionTable(bytes, tableAt, tableEnd, type, tableAt - packAt, H);

  // every wanted handle's first change, linked into the list of its time entry
  const first1 = new Int32Array(nt).fill(-1); // head handle per time entry
  const next = new Int32Array(H);
  const pos = new Int32Array(H), ends = new Int32Array(H);
  const data = new Array<Uint8Array>(H);
  const expanded = new Map<number, Uint8Array>(); // aliases share one chain
  const link = (h: number, t: number) => {
    if (t >= nt) throw new RangeError(`a change of handle ${h + 1} lies past the block's ${nt} time entries`);
    next[h] = first1[t];
    first1[t] = h;
  };
  for (let h = 0; h < pt.count; h++) {
    const start = pt.starts[h];
    if (start === 0 || !wanted[h]) continue;
    let d = expanded.get(start);
    if (!d) expanded.set(start, (d = chain(bytes, packAt + start, pt.lengths[h], pack, h)));
    if (d.length === 0) continue;
    data[h] = d;
    ends[h] = d.length;
    const vli = vint(d, 0);
    link(h, sig.lengths[h] === 1 ? vli >>> (2 << (vli & 1)) : vli >>> 1);
  }

  const { lengths, reals, littleEndian } = sig;
  for (let i = 0; i < nt; i++) {
    let h = first1[i];
    if (h < 0) continue;
    sink.at(times[i]);
    if (sink.ready.length > 0) yield;
    while (h >= 0) {
      first1[i] = next[h];
      const d = data[h];
      const vli = vint(d, pos[h]);
      let p = vpos;
      const len = lengths[h];
      if (len === 1) {
        sink.set(h, vli & 1 ? RCV[(vli >> 1) & 7] : (vli & 2) === 0 ? "0" : "1");
      } else if (len === 0) {
        const n = vint(d, p);
        p = vpos;
        if ((vli & 1) === 0) sink.set(h, Buffer.from(d.buffer, d.byteOffset + p, n).toString("latin1"));
        p += n;
      } else if (reals[h]) {
        if (vli & 1) {
          sink.set(h, realAt(d, p, littleEndian));
          p += 8;
        } else {
          // fstapi reads one byte and takes its bits as the 8 bytes of a double ("very rare")
          sink.set(h, realAt(new TextEncoder().encode(BYTE_BITS[d[p]]), 0, littleEndian));
          p += 1;
        }
      } else if (vli & 1) {
        sink.set(h, asciiBits(d, p, len));
        p += len;
      } else {
        sink.set(h, packedBits(d, p, len));
        p += (len + 7) >> 3;
      }
      if (p > ends[h]) throw new RangeError(`the chain of handle ${h + 1} ends inside a value`);
      pos[h] = p;
      if (p < ends[h]) {
        const v = vint(d, p);
        link(h, i + (len === 1 ? v >>> (2 << (v & 1)) : v >>> 1));
      }
      h = first1[i];
    }
  }
}
