/**
 * The fixed parts of an FST file: the header block, the geometry block (each signal's width) and
 * the hierarchy block (scopes and variables, gzip-compressed), laid out as GTKWave's fstapi.c reads
 * them. Every block is a type byte, then a 64-bit big-endian length that counts itself and the
 * payload (not the type byte), then the payload.
 *
 * Signals are numbered by handle, 1..maxHandle, in declaration order; a variable that shows an
 * already declared signal under another name is an alias (it names that handle, takes none of its
 * own, and has no geometry entry).
 */
import { deflateSync, gzipSync } from "node:zlib";
import { ByteWriter, putU64 } from "./bytes.js";

/** Block types (fstapi.h fstBlockType); we write HDR, GEOM, HIER and VCDATA_DYN_ALIAS2, and read them all. */
export const BL_HDR = 0;
export const BL_VCDATA = 1;
export const BL_GEOM = 3;
export const BL_HIER = 4;
export const BL_VCDATA_DYN_ALIAS = 5;
export const BL_HIER_LZ4 = 6;
export const BL_HIER_LZ4DUO = 7;
/** Value changes with the "dynamic alias 2" position table, what fstapi writes today. */
export const BL_VCDATA_DYN_ALIAS2 = 8;
/** A whole file inside one gzip stream (vcd2fst -c). */
export const BL_ZWRAPPER = 254;
/** A block still being written: readers stop here. */
export const BL_SKIP = 255;

/** Hierarchy tags and the variable types we write (fstapi.h fstScopeType / fstVarType). */
export const ST_GEN_ATTRBEGIN = 252;
export const ST_GEN_ATTREND = 253;
export const ST_VCD_SCOPE = 254;
export const ST_VCD_UPSCOPE = 255;
const ST_VCD_MODULE = 0;
export const VT_VCD_REG = 5;
export const VT_VCD_WIRE = 16;
export const VT_GEN_STRING = 21;
const VD_IMPLICIT = 0;

/** The header block is 330 bytes: type, length 329, then the fields at these offsets. */
export const HDR_SIZE = 330;
const HDR_OFFS_START_TIME = 9;
const HDR_OFFS_NUM_SCOPES = 41;
const HDR_VERSION_SIZE = 128;
const HDR_DATE_SIZE = 119;
/** e, written as a native double: readers check it to learn the file's byte order for reals. */
const DOUBLE_ENDTEST = 2.718281828459045;

export interface HeaderFields {
  startTime: number;
  endTime: number;
  /** Bytes the writer buffers for one block (informational). */
  memoryUsed: number;
  scopes: number;
  /** Variables declared, aliases included. */
  vars: number;
  maxHandle: number;
  /** Value-change blocks in the file. */
  blocks: number;
  /** Time unit as a power of ten of seconds: -9 for 1ns, -11 for 10ps. */
  timescale: number;
  version: string;
  date: string;
}

/** The whole header block. */
export function headerBlock(h: HeaderFields): Uint8Array {
  const w = new ByteWriter(HDR_SIZE);
  w.byte(BL_HDR).u64(HDR_SIZE - 1);
  w.u64(h.startTime).u64(h.endTime);
  w.room(8);
  new DataView(w.buf.buffer, w.buf.byteOffset).setFloat64(w.pos, DOUBLE_ENDTEST, true);
  w.pos += 8;
  w.u64(h.memoryUsed).u64(h.scopes).u64(h.vars).u64(h.maxHandle).u64(h.blocks);
  w.byte(h.timescale & 255);
  w.fixedString(h.version, HDR_VERSION_SIZE).fixedString(h.date, HDR_DATE_SIZE);
  w.byte(0); // file type: Verilog
  w.u64(0); // time zero
  if (w.pos !== HDR_SIZE) throw new Error(`FST header is ${w.pos} bytes, not ${HDR_SIZE}`);
  return w.bytes().slice();
}

/** The header fields that change as the file grows (times and counts), for rewriting in place. */
export function headerUpdate(h: Pick<HeaderFields, "startTime" | "endTime" | "scopes" | "vars" | "maxHandle" | "blocks">): {
  times: { offset: number; bytes: Uint8Array };
  counts: { offset: number; bytes: Uint8Array };
} {
  const times = new Uint8Array(16), counts = new Uint8Array(32);
  putU64(times, 0, h.startTime);
  putU64(times, 8, h.endTime);
  putU64(counts, 0, h.scopes);
  putU64(counts, 8, h.vars);
  putU64(counts, 16, h.maxHandle);
  putU64(counts, 24, h.blocks);
  return { times: { offset: HDR_OFFS_START_TIME, bytes: times }, counts: { offset: HDR_OFFS_NUM_SCOPES, bytes: counts } };
}

/** "1ns" -> -9, "10ps" -> -11, "100us" -> -4 (a checked VCD timescale, see vcd/header.ts). */
export function timescaleExponent(ts: string): number {
  const m = /^(1|10|100)(s|ms|us|ns|ps|fs)$/.exec(ts);
  if (!m) throw new Error(`FST timescale '${ts}' is not of the form 1|10|100 s|ms|us|ns|ps|fs`);
  const unit: Record<string, number> = { s: 0, ms: -3, us: -6, ns: -9, ps: -12, fs: -15 };
  return unit[m[2]] + m[1].length - 1;
}

/** One variable of the hierarchy. */
export interface HierVar {
  scope: readonly string[];
  name: string;
  type: typeof VT_VCD_WIRE | typeof VT_VCD_REG | typeof VT_GEN_STRING;
  /** Bits; 0 for a string (variable-length) signal. */
  width: number;
  /** The signal's handle (1-based). */
  handle: number;
  /** True when the handle was declared before (this is another name for it). */
  alias: boolean;
}

type ScopeNode = ScopeTree<HierVar>;

interface ScopeTree<T> {
  name: string;
  vars: T[];
  children: Map<string, ScopeTree<T>>;
}

function scopeTree<T>(items: readonly T[], scopeOf: (t: T) => readonly string[]): ScopeTree<T> {
  const root: ScopeTree<T> = { name: "", vars: [], children: new Map() };
  for (const v of items) {
    let node = root;
    for (const s of scopeOf(v)) {
      let child = node.children.get(s);
      if (!child) node.children.set(s, (child = { name: s, vars: [], children: new Map() }));
      node = child;
    }
    node.vars.push(v);
  }
  return root;
}

/**
 * `items` in the order the hierarchy lists them: scopes in the order they first appear, each
 * scope's vars (in their order) before its subscopes. fstapi numbers a file's signals in this
 * order, not in the order they were declared, so handles must be given out in it.
 */
export function hierarchyOrder<T>(items: readonly T[], scopeOf: (t: T) => readonly string[]): T[] {
  const out: T[] = [];
  const walk = (node: ScopeTree<T>) => {
    out.push(...node.vars);
    for (const c of node.children.values()) walk(c);
  };
  walk(scopeTree(items, scopeOf));
  return out;
}

/**
 * The hierarchy's bytes, uncompressed, in hierarchyOrder (the order of our VCD header). Handles
 * must have been given out in that order (see hierarchyOrder). Returns the bytes and the scope count.
 */
export function hierarchyBytes(vars: readonly HierVar[]): { bytes: Uint8Array; scopes: number } {
  const root: ScopeNode = scopeTree(vars, (v) => v.scope);
  let expected = 1;
  for (const v of hierarchyOrder(vars, (x) => x.scope)) {
    if (v.alias) continue;
    if (v.handle !== expected) throw new Error(`FST hierarchy: '${[...v.scope, v.name].join(".")}' has handle ${v.handle} where a reader gives it ${expected}: handles must follow the hierarchy's order`);
    expected++;
  }
  const w = new ByteWriter(64 * vars.length + 256);
  let scopes = 0;
  const emit = (node: ScopeNode) => {
    for (const v of node.vars) {
      w.byte(v.type).byte(VD_IMPLICIT).cstring(v.name).varint(v.width).varint(v.alias ? v.handle : 0);
    }
    for (const c of node.children.values()) {
      w.byte(ST_VCD_SCOPE).byte(ST_VCD_MODULE).cstring(c.name).cstring("");
      scopes++;
      emit(c);
      w.byte(ST_VCD_UPSCOPE);
    }
  };
  emit(root);
  return { bytes: w.bytes().slice(), scopes };
}

/** The hierarchy block: uncompressed length, then the bytes as one gzip stream. */
export function hierarchyBlock(hier: Uint8Array): Uint8Array {
  const gz = gzipSync(hier, { level: 4 });
  const w = new ByteWriter(gz.length + 17);
  w.byte(BL_HIER).u64(16 + gz.length).u64(hier.length).raw(gz);
  return w.bytes().slice();
}

/**
 * The geometry block: per handle, its width as a varint (0xFFFFFFFF for a string, whose values have
 * no fixed length), zlib-compressed when that is smaller.
 */
export function geometryBlock(widths: readonly number[]): Uint8Array {
  const g = new ByteWriter(widths.length * 2 + 16);
  for (const width of widths) g.varint(width === 0 ? 0xffffffff : width);
  const raw = g.bytes();
  const z = deflateSync(raw, { level: 9 });
  const data = z.length < raw.length ? z : raw;
  const w = new ByteWriter(data.length + 25);
  w.byte(BL_GEOM).u64(24 + data.length).u64(raw.length).u64(widths.length).raw(data);
  return w.bytes().slice();
}
