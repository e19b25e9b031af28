/**
 * The fixed parts of an FST file, found by walking its blocks (each a type byte and a big-endian
 * u64 length that counts itself and the payload): the header (type 0, first, 329 bytes), the
 * geometry (3: each handle's value length), the hierarchy (4 gzip, 6 LZ4, 7 LZ4 twice), and where
 * the value-change blocks (1, 5, 8) lie. Blackout blocks (2) and types we do not know are passed
 * over; a block of type 255 ("skip", one being written when the writer died) or of length 0 ends
 * the file, as in fstapi. Only block heads are read here, never the value changes.
 */
import type { FileHandle } from "node:fs/promises";
import { gunzipSync, inflateSync } from "node:zlib";
import { WaveFileError, fsError } from "./errors.js";
import { Cursor } from "./fst-bytes.js";
import { BL_GEOM, BL_HDR, BL_HIER, BL_HIER_LZ4, BL_HIER_LZ4DUO, BL_SKIP, BL_VCDATA, BL_VCDATA_DYN_ALIAS, BL_VCDATA_DYN_ALIAS2, HDR_SIZE } from "../fst/hierarchy.js";
import type { Signals } from "./fst-block.js";
import { parseHierarchy, type FstHierarchy } from "./fst-hier.js";
import { lz4Block } from "./lz4.js";
import type { WaveTimescale } from "./types.js";

/** The header block's length field: its payload, the block less its type byte. */
export const HDR_LENGTH = HDR_SIZE - 1;

export interface BlockRef {
  type: number;
  /** File offset of the type byte. */
  at: number;
  /** The length field: the block is 1 + length bytes. */
  length: number;
}

export interface FstLayout {
  timescale: WaveTimescale;
  littleEndian: boolean;
  version: string;
  date: string;
  hierarchy: FstHierarchy;
  /** The hierarchy's block type: 4 gzip, 6 LZ4, 7 LZ4 twice. */
  hierarchyType: number;
  signals: Signals;
  blocks: BlockRef[];
  /** Offset of a block that runs past the end of the file (a file cut short), if any. */
  cutAt?: number;
  size: number;
}

/** Reads exactly `n` bytes at `at` (fewer only at the end of the file). */
export async function readAt(fh: FileHandle, file: string, at: number, n: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(n);
  let got = 0;
  try {
    while (got < n) {
      const { bytesRead } = await fh.read(buf, got, n - got, at + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
  } catch (e) {
    throw fsError(file, e);
  }
  return got === n ? buf : buf.subarray(0, got);
}

/** An FST exponent (-9: 1ns, -11: 10ps) as magnitude and unit. */
export function fstTimescale(e: number): WaveTimescale {
  const r = ((e % 3) + 3) % 3;
  return { magnitude: (r === 0 ? 1 : r === 1 ? 10 : 100) as 1 | 10 | 100, exponent: e - r };
}

export async function readLayout(fh: FileHandle, file: string): Promise<FstLayout> {
  const size = (await fh.stat().catch((e) => Promise.reject(fsError(file, e)))).size;
  const fail = (msg: string): never => {
    throw new WaveFileError(file, msg);
  };
  const hdr = await readAt(fh, file, 0, 1 + HDR_LENGTH);
  if (hdr.length < 9 || hdr[0] !== BL_HDR || new Cursor(hdr, 1).u64() !== HDR_LENGTH) {
    fail(size === 0 ? "the file is empty" : "not an FST file: it does not begin with FST's header block (type 0, 329 bytes)");
  }
  if (hdr.length < 1 + HDR_LENGTH) fail(`cut short: the file is ${size} bytes, inside FST's 330-byte header`);
  const dv = new DataView(hdr.buffer, hdr.byteOffset, hdr.length);
  const littleEndian = dv.getFloat64(25, true) === Math.E;
  if (!littleEndian && dv.getFloat64(25, false) !== Math.E) fail("not an FST file: its header's byte-order check (the number e at byte 25) does not read");
  const text = (a: number, n: number) => hdr.toString("latin1", a, a + n).replace(/\0.*$/s, "");
  const timescale = fstTimescale(dv.getInt8(73));

  const blocks: BlockRef[] = [];
  let geom: BlockRef | undefined, hier: BlockRef | undefined, cutAt: number | undefined;
  for (let at = 1 + HDR_LENGTH; at < size; ) {
    const head = await readAt(fh, file, at, 9);
    if (head.length < 9) {
      cutAt = at;
      break;
    }
    const type = head[0], length = new Cursor(head, 1).u64();
    if (type === BL_SKIP || length === 0) break;
    if (at + 1 + length > size) {
      cutAt = at;
      break;
    }
    const ref = { type, at, length };
    if (type === BL_VCDATA || type === BL_VCDATA_DYN_ALIAS || type === BL_VCDATA_DYN_ALIAS2) blocks.push(ref);
    else if (type === BL_GEOM) geom = ref;
    else if (type === BL_HIER || type === BL_HIER_LZ4 || type === BL_HIER_LZ4DUO) hier = ref;
    at += 1 + length;
  }
  const cut = cutAt !== undefined ? ` (the file is cut short: the block at byte ${cutAt} runs past its end, ${size} bytes)` : "";
  if (!hier) fail(`no hierarchy block${cut || ""}; GTKWave's writer adds it at close, so a file whose writer did not finish has none`);

  let hierarchy: FstHierarchy;
  try {
    hierarchy = parseHierarchy(await hierarchyBytes(fh, file, hier!));
  } catch (e) {
    return fail(`its hierarchy (block at byte ${hier!.at}) cannot be read: ${(e as Error).message}`);
  }
  let signals: Signals;
  if (geom) {
    try {
      signals = await geometry(fh, file, geom, littleEndian);
    } catch (e) {
      return fail(`its geometry (block at byte ${geom.at}) cannot be read: ${(e as Error).message}`);
    }
  } else {
    signals = { lengths: Int32Array.from(hierarchy.lengths), reals: Uint8Array.from(hierarchy.reals, Number), littleEndian };
  }
  if (hierarchy.maxHandle > signals.lengths.length) {
    fail(`its hierarchy names handle ${hierarchy.maxHandle} but its geometry has only ${signals.lengths.length}; the file is damaged`);
  }
  return { timescale, littleEndian, version: text(74, 128), date: text(202, 119), hierarchy, hierarchyType: hier!.type, signals, blocks, cutAt, size };
}

async function geometry(fh: FileHandle, file: string, ref: BlockRef, littleEndian: boolean): Promise<Signals> {
  const b = await readAt(fh, file, ref.at, 1 + ref.length);
  const c = new Cursor(b, 9);
  const size = c.u64(), handles = c.u64();
  const stored = b.subarray(c.pos);
  const data = stored.length === size ? stored : inflateSync(stored);
  const g = new Cursor(data);
  const lengths = new Int32Array(handles), reals = new Uint8Array(handles);
  for (let h = 0; h < handles; h++) {
    const v = g.varint();
    if (v === 0) {
      lengths[h] = 8; // a real: the 8 bytes of a double
      reals[h] = 1;
    } else lengths[h] = v === 0xffffffff ? 0 : v; // 0: a string (variable length)
  }
  return { lengths, reals, littleEndian };
}

async function hierarchyBytes(fh: FileHandle, file: string, ref: BlockRef): Promise<Uint8Array> {
  const b = await readAt(fh, file, ref.at, 1 + ref.length);
  const c = new Cursor(b, 9);
  const size = c.u64();
  const packed = b.subarray(c.pos);
  let out: Uint8Array | undefined;
  if (ref.type === BL_HIER) out = gunzipSync(packed);
  else if (ref.type === BL_HIER_LZ4) out = lz4Block(packed, size);
  else {
    const p = new Cursor(packed);
    const once = p.varint();
    const inner = lz4Block(packed.subarray(p.pos), once);
    out = inner && lz4Block(inner, size);
  }
  if (!out || out.length !== size) throw new Error(`it does not expand to the ${size} bytes recorded`);
  return out;
}
