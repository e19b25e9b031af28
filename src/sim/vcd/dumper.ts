/**
 * The change detector and dumper: compares every traced var with a shadow copy of its last dumped
 * value and writes the value lines of those that changed, as bytes, into the writer's buffer.
 *
 * Vars are sorted into classes by store and width, and each class has its own tight loop over
 * typed-array tables (source index, shadow value, packed identifier code, mask), so every loop is
 * monomorphic and allocation-free:
 *   - scalars (1 bit) write one digit: "1!";
 *   - <= 32-bit vars write binary digits from the int (signed: `(v & mask) >>> 0`, the two's
 *     complement pattern of `width` bits);
 *   - 33..52-bit vars split the double into two 32-bit words;
 *   - wider vars go through bigint (BigInt.asUintN for negative values);
 *   - vars with a decoder (FSM states) take a general path that also writes the string var.
 *
 * Why tables and not generated straight-line code: an earlier version generated one statement
 * per var with `new Function`, split into 256-var functions. TurboFan then took 0.6-2 s to compile
 * each of those functions (so a 100,000-signal design would spend minutes compiling), and the
 * compiled code ran at 280-360 MB/s for 32-bit vars, against about 1 GB/s for these loops, which
 * are compiled once per process whatever the design.
 *
 * Room: a loop flushes the buffer before a var whenever the buffer might not hold that class's
 * longest line, so no single write checks bounds.
 */
import { bin32, binBig, binF, viewOf } from "./bits.js";
import type { TraceSource, TraceVar } from "./types.js";

export interface DumpEntry {
  v: TraceVar;
  /** Identifier code of the numeric var. */
  id: string;
  /** Identifier code of the `<name>_name` string var, when the var has a decoder and strings are on. */
  stateId?: string;
}

/** Decoder names may not hold whitespace inside a VCD string value. */
export function stateToken(name: string): string {
  return name.length === 0 ? "?" : name.replace(/\s/g, "_");
}

/** The most bytes one var can add to the buffer in one dump. */
export function worstCaseBytes(e: DumpEntry): number {
  let n = 1 + e.v.width + 1 + e.id.length + 1;
  if (e.stateId !== undefined && e.v.decoder) {
    const unknown = 2 + Math.ceil(e.v.width * 0.302) + 2; // "s?" + decimal digits (+ sign)
    const longest = Math.max(unknown, ...e.v.decoder.map((s) => 1 + stateToken(s).length));
    n += longest + 1 + e.stateId.length + 1;
  }
  return n;
}

/** Identifier codes of up to 4 characters (printable ASCII, so < 2^31) packed little-endian. */
export function packId(id: string): number {
  if (id.length > 4) throw new Error(`VCD identifier '${id}' is longer than 4 characters: more than 79 million vars`);
  let p = 0;
  for (let i = id.length - 1; i >= 0; i--) p = p * 256 + id.charCodeAt(i);
  return p;
}

type Flush = (pos: number) => number;

/** Writes " <id>\n" for a packed id; returns the new position. */
function putId(buf: Uint8Array, pos: number, id: number): number {
  buf[pos++] = 32;
  while (id !== 0) {
    buf[pos++] = id & 255;
    id >>>= 8;
  }
  buf[pos] = 10;
  return pos + 1;
}

// ---- one loop per class; each reads one kind of array so its loads stay monomorphic ----

function scalarsI(buf: Buffer, pos: number, all: boolean, limit: number, flush: Flush, I: Int32Array, idx: Int32Array, sh: Int32Array, ids: Int32Array): number {
  for (let k = 0; k < idx.length; k++) {
    const v = I[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      if (pos > limit) pos = flush(pos);
      buf[pos] = 48 | (v & 1); // a signed 1-bit var holds 0 or -1
      let id = ids[k];
      pos++;
      while (id !== 0) {
        buf[pos++] = id & 255;
        id >>>= 8;
      }
      buf[pos++] = 10;
    }
  }
  return pos;
}

function scalarsU(buf: Buffer, pos: number, all: boolean, limit: number, flush: Flush, U: Uint32Array, idx: Int32Array, sh: Uint32Array, ids: Int32Array): number {
  for (let k = 0; k < idx.length; k++) {
    const v = U[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      if (pos > limit) pos = flush(pos);
      buf[pos] = 48 | (v & 1);
      let id = ids[k];
      pos++;
      while (id !== 0) {
        buf[pos++] = id & 255;
        id >>>= 8;
      }
      buf[pos++] = 10;
    }
  }
  return pos;
}

function vectorsI(buf: Buffer, dv: DataView, pos: number, all: boolean, limit: number, flush: Flush, I: Int32Array, idx: Int32Array, sh: Int32Array, ids: Int32Array, mask: Int32Array): number {
  for (let k = 0; k < idx.length; k++) {
    const v = I[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      if (pos > limit) pos = flush(pos);
      buf[pos] = 98;
      pos = bin32(buf, dv, pos + 1, (v & mask[k]) >>> 0);
      pos = putId(buf, pos, ids[k]);
    }
  }
  return pos;
}

function vectorsU(buf: Buffer, dv: DataView, pos: number, all: boolean, limit: number, flush: Flush, U: Uint32Array, idx: Int32Array, sh: Uint32Array, ids: Int32Array): number {
  for (let k = 0; k < idx.length; k++) {
    const v = U[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      if (pos > limit) pos = flush(pos);
      buf[pos] = 98;
      pos = bin32(buf, dv, pos + 1, v);
      pos = putId(buf, pos, ids[k]);
    }
  }
  return pos;
}

function vectorsF(buf: Buffer, dv: DataView, pos: number, all: boolean, limit: number, flush: Flush, F: Float64Array, idx: Int32Array, sh: Float64Array, ids: Int32Array, modulus: Float64Array): number {
  for (let k = 0; k < idx.length; k++) {
    const v = F[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      if (pos > limit) pos = flush(pos);
      buf[pos] = 98;
      pos = binF(buf, dv, pos + 1, v < 0 ? v + modulus[k] : v);
      pos = putId(buf, pos, ids[k]);
    }
  }
  return pos;
}

function vectorsB(buf: Buffer, pos: number, all: boolean, limit: number, flush: Flush, B: bigint[], idx: Int32Array, sh: bigint[], ids: Int32Array, width: Int32Array): number {
  for (let k = 0; k < idx.length; k++) {
    const v = B[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      if (pos > limit) pos = flush(pos);
      buf[pos] = 98;
      pos = binBig(buf, pos + 1, v < 0n ? BigInt.asUintN(width[k], v) : v);
      pos = putId(buf, pos, ids[k]);
    }
  }
  return pos;
}

/** A var of any class written the general way (vars with a decoder). */
function putAny(buf: Buffer, dv: DataView, pos: number, v: number | bigint, width: number, id: number): number {
  if (width === 1) {
    buf[pos] = typeof v === "bigint" ? (v === 0n ? 48 : 49) : 48 | (v & 1);
    pos++;
    while (id !== 0) {
      buf[pos++] = id & 255;
      id >>>= 8;
    }
    buf[pos] = 10;
    return pos + 1;
  }
  buf[pos] = 98;
  if (typeof v === "bigint") pos = binBig(buf, pos + 1, BigInt.asUintN(width, v));
  else if (width <= 32) pos = bin32(buf, dv, pos + 1, v < 0 ? (v + 2 ** width) >>> 0 : v >>> 0);
  else pos = binF(buf, dv, pos + 1, v < 0 ? v + 2 ** width : v);
  return putId(buf, pos, id);
}

interface Group<A, S> {
  src: A;
  idx: Int32Array;
  sh: S;
  ids: Int32Array;
  /** Largest line of the group: the buffer is flushed before a var when fewer bytes remain. */
  limit: number;
}

interface DecodedVar {
  v: TraceVar;
  arr: ArrayLike<number> | bigint[];
  id: number;
  stateId: string;
  lines: Buffer[];
  worst: number;
  last: number | bigint | undefined;
}

export class Dumper {
  private readonly scI?: Group<Int32Array, Int32Array>;
  private readonly scU?: Group<Uint32Array, Uint32Array>;
  private readonly vecI?: Group<Int32Array, Int32Array> & { mask: Int32Array };
  private readonly vecU?: Group<Uint32Array, Uint32Array>;
  private readonly vecF?: Group<Float64Array, Float64Array> & { modulus: Float64Array };
  private readonly vecB?: Group<bigint[], bigint[]> & { width: Int32Array };
  private readonly decoded: DecodedVar[] = [];
  private readonly dv: DataView;

  constructor(
    entries: readonly DumpEntry[],
    src: TraceSource,
    private readonly buf: Buffer,
    private readonly flush: Flush,
  ) {
    this.dv = viewOf(buf);
    const classes = new Map<string, DumpEntry[]>();
    for (const e of entries) {
      if (e.stateId !== undefined && e.v.decoder) {
        const arr = [src.I, src.U, src.F, src.B][e.v.store];
        const lines = e.v.decoder.map((name) => Buffer.from(`s${stateToken(name)} ${e.stateId}\n`, "latin1"));
        this.decoded.push({ v: e.v, arr, id: packId(e.id), stateId: e.stateId, lines, worst: worstCaseBytes(e), last: undefined });
        continue;
      }
      const cls = e.v.width === 1 && e.v.store <= 1 ? `s${e.v.store}` : `v${e.v.store}`;
      let list = classes.get(cls);
      if (!list) classes.set(cls, (list = []));
      list.push(e);
    }
    const table = <A, S>(list: DumpEntry[] | undefined, arr: A, shadow: (n: number) => S): Group<A, S> | undefined => {
      if (!list || list.length === 0) return undefined;
      const widest = list.reduce((m, e) => Math.max(m, worstCaseBytes(e)), 0);
      return {
        src: arr,
        idx: Int32Array.from(list, (e) => e.v.index),
        sh: shadow(list.length),
        ids: Int32Array.from(list, (e) => packId(e.id)),
        limit: buf.length - widest,
      };
    };
    this.scI = table(classes.get("s0"), src.I, (n) => new Int32Array(n));
    this.scU = table(classes.get("s1"), src.U, (n) => new Uint32Array(n));
    const vI = table(classes.get("v0"), src.I, (n) => new Int32Array(n));
    if (vI) this.vecI = { ...vI, mask: Int32Array.from(classes.get("v0")!, (e) => (e.v.width >= 32 ? -1 : 2 ** e.v.width - 1)) };
    this.vecU = table(classes.get("v1"), src.U, (n) => new Uint32Array(n));
    const vF = table(classes.get("v2"), src.F, (n) => new Float64Array(n));
    if (vF) this.vecF = { ...vF, modulus: Float64Array.from(classes.get("v2")!, (e) => 2 ** e.v.width) };
    const vB = table(classes.get("v3"), src.B, (n) => new Array<bigint>(n).fill(0n));
    if (vB) this.vecB = { ...vB, width: Int32Array.from(classes.get("v3")!, (e) => e.v.width) };
  }

  /** Writes the changed vars (every var when `all`) at `pos`; returns the new position. Only whole
   * lines are ever in the buffer between two writes, so a flush at any point is safe. */
  run(pos: number, all: boolean): number {
    const { buf, dv, flush } = this;
    let g;
    if ((g = this.scI)) pos = scalarsI(buf, pos, all, g.limit, flush, g.src, g.idx, g.sh, g.ids);
    if ((g = this.scU)) pos = scalarsU(buf, pos, all, g.limit, flush, g.src, g.idx, g.sh, g.ids);
    if ((g = this.vecI)) pos = vectorsI(buf, dv, pos, all, g.limit, flush, g.src, g.idx, g.sh, g.ids, g.mask);
    if ((g = this.vecU)) pos = vectorsU(buf, dv, pos, all, g.limit, flush, g.src, g.idx, g.sh, g.ids);
    if ((g = this.vecF)) pos = vectorsF(buf, dv, pos, all, g.limit, flush, g.src, g.idx, g.sh, g.ids, g.modulus);
    if ((g = this.vecB)) pos = vectorsB(buf, pos, all, g.limit, flush, g.src, g.idx, g.sh, g.ids, g.width);
    for (const d of this.decoded) {
      const v = d.arr[d.v.index];
      if (!all && v === d.last) continue;
      d.last = v;
      if (pos + d.worst > buf.length) pos = flush(pos);
      pos = putAny(buf, dv, pos, v, d.v.width, d.id);
      const n = typeof v === "bigint" ? (v >= 0n && v < BigInt(d.lines.length) ? Number(v) : -1) : v;
      const line = n >= 0 ? d.lines[n] : undefined;
      if (line !== undefined) {
        buf.set(line, pos);
        pos += line.length;
      } else {
        pos += buf.write(`s?${String(v)} ${d.stateId}\n`, pos, "latin1");
      }
    }
    return pos;
  }
}
