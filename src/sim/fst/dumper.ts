/**
 * The FST change detector: compares every traced var with a shadow copy of its last recorded
 * value and records the ones that changed in the block's ChangeLog. Like the VCD dumper
 * (src/sim/vcd/dumper.ts), vars are sorted into classes by store and width, each with its own
 * loop over typed-array tables, so each loop stays monomorphic and allocation-free:
 *   - scalars (1 bit): one varint;
 *   - <= 32-bit vectors: the two's complement pattern shifted to the left of ceil(w/8) bytes;
 *   - 33..52-bit vectors (doubles): split into two words first;
 *   - wider vectors (bigint): packBits;
 *   - vars with a decoder (FSM states) take a general path that also records the state name in
 *     a string signal.
 */
import { ChangeLog, packBits, putVarint } from "./block.js";
import { stateToken } from "../vcd/dumper.js";
import type { TraceSource, TraceVar } from "../vcd/types.js";

export interface FstEntry {
  v: TraceVar;
  /** Handle of the numeric signal, 0-based. */
  handle: number;
  /** Handle of the `<name>_name` string signal, when the var has a decoder and strings are on. */
  stateHandle?: number;
}

const TWO32 = 4294967296;

function scalarsI(log: ChangeLog, all: boolean, I: Int32Array, idx: Int32Array, sh: Int32Array, hs: Int32Array): void {
  for (let k = 0; k < idx.length; k++) {
    const v = I[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      log.scalar(hs[k], v & 1); // a signed 1-bit var holds 0 or -1
    }
  }
}

function scalarsU(log: ChangeLog, all: boolean, U: Uint32Array, idx: Int32Array, sh: Uint32Array, hs: Int32Array): void {
  for (let k = 0; k < idx.length; k++) {
    const v = U[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      log.scalar(hs[k], v & 1);
    }
  }
}

/** Writes the `nb` low bytes of uint32 `x`, most significant first. */
function put32(buf: Uint8Array, p: number, x: number, nb: number): number {
  for (let s = (nb - 1) * 8; s >= 0; s -= 8) buf[p++] = x >>> s;
  return p;
}

function vectorsI(log: ChangeLog, all: boolean, I: Int32Array, idx: Int32Array, sh: Int32Array, hs: Int32Array, mask: Int32Array, nb: Int32Array, sft: Int32Array): void {
  for (let k = 0; k < idx.length; k++) {
    const v = I[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      const h = hs[k];
      const b = log.begin(h, 9);
      const p = putVarint(b, log.used[h], log.delta(h) * 2);
      log.end(h, put32(b, p, ((v & mask[k]) << sft[k]) >>> 0, nb[k]));
    }
  }
}

function vectorsU(log: ChangeLog, all: boolean, U: Uint32Array, idx: Int32Array, sh: Uint32Array, hs: Int32Array, nb: Int32Array, sft: Int32Array): void {
  for (let k = 0; k < idx.length; k++) {
    const v = U[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      const h = hs[k];
      const b = log.begin(h, 9);
      const p = putVarint(b, log.used[h], log.delta(h) * 2);
      log.end(h, put32(b, p, (v << sft[k]) >>> 0, nb[k]));
    }
  }
}

function vectorsF(log: ChangeLog, all: boolean, F: Float64Array, idx: Int32Array, sh: Float64Array, hs: Int32Array, modulus: Float64Array, nb: Int32Array, sft: Int32Array): void {
  for (let k = 0; k < idx.length; k++) {
    let v = F[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      if (v < 0) v += modulus[k];
      const h = hs[k], s = sft[k];
      const b = log.begin(h, 12);
      let p = putVarint(b, log.used[h], log.delta(h) * 2);
      // left-align the (33..52)-bit pattern in nb bytes: hi word (< 2^21) and lo word, each shifted
      const hi = Math.floor(v / TWO32), lo = v >>> 0;
      const hiS = s === 0 ? hi : hi * (1 << s) + (lo >>> (32 - s));
      p = put32(b, p, hiS, nb[k] - 4);
      log.end(h, put32(b, p, s === 0 ? lo : (lo << s) >>> 0, 4));
    }
  }
}

function vectorsB(log: ChangeLog, all: boolean, B: bigint[], idx: Int32Array, sh: bigint[], hs: Int32Array, width: Int32Array): void {
  for (let k = 0; k < idx.length; k++) {
    const v = B[idx[k]];
    if (all || v !== sh[k]) {
      sh[k] = v;
      log.vector(hs[k], packBits(v < 0n ? BigInt.asUintN(width[k], v) : v, width[k]));
    }
  }
}

interface Group<A, S> {
  src: A;
  idx: Int32Array;
  sh: S;
  hs: Int32Array;
}

interface DecodedVar {
  v: TraceVar;
  arr: ArrayLike<number> | bigint[];
  handle: number;
  stateHandle: number;
  names: Uint8Array[];
  last: number | bigint | undefined;
}

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 255);

export class FstDumper {
  private readonly scI?: Group<Int32Array, Int32Array>;
  private readonly scU?: Group<Uint32Array, Uint32Array>;
  private readonly vecI?: Group<Int32Array, Int32Array> & { mask: Int32Array; nb: Int32Array; sft: Int32Array };
  private readonly vecU?: Group<Uint32Array, Uint32Array> & { nb: Int32Array; sft: Int32Array };
  private readonly vecF?: Group<Float64Array, Float64Array> & { modulus: Float64Array; nb: Int32Array; sft: Int32Array };
  private readonly vecB?: Group<bigint[], bigint[]> & { width: Int32Array };
  private readonly decoded: DecodedVar[] = [];

  constructor(entries: readonly FstEntry[], src: TraceSource) {
    const classes = new Map<string, FstEntry[]>();
    for (const e of entries) {
      if (e.stateHandle !== undefined && e.v.decoder) {
        const arr = [src.I, src.U, src.F, src.B][e.v.store];
        this.decoded.push({ v: e.v, arr, handle: e.handle, stateHandle: e.stateHandle, names: e.v.decoder.map((n) => latin1(stateToken(n))), last: undefined });
        continue;
      }
      const cls = e.v.width === 1 && e.v.store <= 1 ? `s${e.v.store}` : `v${e.v.store}`;
      let list = classes.get(cls);
      if (!list) classes.set(cls, (list = []));
      list.push(e);
    }
    const table = <A, S>(list: FstEntry[] | undefined, arr: A, shadow: (n: number) => S): Group<A, S> | undefined => {
      if (!list || list.length === 0) return undefined;
      return { src: arr, idx: Int32Array.from(list, (e) => e.v.index), sh: shadow(list.length), hs: Int32Array.from(list, (e) => e.handle) };
    };
    const packing = (list: FstEntry[]) => ({
      nb: Int32Array.from(list, (e) => (e.v.width + 7) >> 3),
      sft: Int32Array.from(list, (e) => ((e.v.width + 7) & ~7) - e.v.width),
    });
    this.scI = table(classes.get("s0"), src.I, (n) => new Int32Array(n));
    this.scU = table(classes.get("s1"), src.U, (n) => new Uint32Array(n));
    const l0 = classes.get("v0"), l1 = classes.get("v1"), l2 = classes.get("v2"), l3 = classes.get("v3");
    const vI = table(l0, src.I, (n) => new Int32Array(n));
    if (vI) this.vecI = { ...vI, ...packing(l0!), mask: Int32Array.from(l0!, (e) => (e.v.width >= 32 ? -1 : 2 ** e.v.width - 1)) };
    const vU = table(l1, src.U, (n) => new Uint32Array(n));
    if (vU) this.vecU = { ...vU, ...packing(l1!) };
    const vF = table(l2, src.F, (n) => new Float64Array(n));
    if (vF) this.vecF = { ...vF, ...packing(l2!), modulus: Float64Array.from(l2!, (e) => 2 ** e.v.width) };
    const vB = table(l3, src.B, (n) => new Array<bigint>(n).fill(0n));
    if (vB) this.vecB = { ...vB, width: Int32Array.from(l3!, (e) => e.v.width) };
  }

  /** Records the changed vars (every var when `all`) at the log's current time entry. */
  run(log: ChangeLog, all: boolean): void {
    let g;
    if ((g = this.scI)) scalarsI(log, all, g.src, g.idx, g.sh, g.hs);
    if ((g = this.scU)) scalarsU(log, all, g.src, g.idx, g.sh, g.hs);
    if ((g = this.vecI)) vectorsI(log, all, g.src, g.idx, g.sh, g.hs, g.mask, g.nb, g.sft);
    if ((g = this.vecU)) vectorsU(log, all, g.src, g.idx, g.sh, g.hs, g.nb, g.sft);
    if ((g = this.vecF)) vectorsF(log, all, g.src, g.idx, g.sh, g.hs, g.modulus, g.nb, g.sft);
    if ((g = this.vecB)) vectorsB(log, all, g.src, g.idx, g.sh, g.hs, g.width);
    for (const d of this.decoded) {
      const v = d.arr[d.v.index];
      if (!all && v === d.last) continue;
      d.last = v;
      const w = d.v.width;
      const pattern = BigInt.asUintN(w, BigInt(v));
      if (w === 1) log.scalar(d.handle, Number(pattern));
      else log.vector(d.handle, packBits(pattern, w));
      const n = typeof v === "bigint" ? (v >= 0n && v < BigInt(d.names.length) ? Number(v) : -1) : v;
      log.string(d.stateHandle, (n >= 0 ? d.names[n] : undefined) ?? latin1(`?${String(v)}`));
    }
  }
}
