/**
 * Every packet of a NoC run, one typed-array column per field. A run at 0.1 load creates 6.4
 * packets a cycle: as objects they were the driver's largest cost after the simulation itself
 * (allocation, and a garbage collector that keeps moving 640k live records per 100k cycles).
 * `records()` gives the objects the run result exposes, built once at the end.
 */
import type { Priority } from "./traffic.js";

export interface PacketRecord {
  readonly src: number;
  readonly dst: number;
  readonly size: number;
  /** Priority class: 0 high (the only class with priorityClasses 1), 1 low. */
  readonly priority: Priority;
  readonly created: number;
  accepted: number;
  delivered: number;
}

export class PacketTable {
  length = 0;
  src: Int32Array;
  dst: Int32Array;
  size: Int32Array;
  priority: Uint8Array;
  created: Float64Array;
  /** Its number among the packets of its (src, dst) pair (the head flit carries it modulo 2^seqBits). */
  seq: Float64Array;
  /** Cycle its head was accepted by the network interface, -1 before. */
  accepted: Float64Array;
  /** Cycle its tail was ejected, -1 before. */
  delivered: Float64Array;

  /** `capacity`: the packets expected (the columns double when they run out). */
  constructor(capacity = 1024) {
    const n = Math.max(16, Math.ceil(capacity));
    this.src = new Int32Array(n);
    this.dst = new Int32Array(n);
    this.size = new Int32Array(n);
    this.priority = new Uint8Array(n);
    this.created = new Float64Array(n);
    this.seq = new Float64Array(n);
    this.accepted = new Float64Array(n);
    this.delivered = new Float64Array(n);
  }

  /** A new packet's id. */
  push(src: number, dst: number, size: number, priority: Priority, created: number, seq: number): number {
    if (this.length === this.src.length) this.grow();
    const id = this.length++;
    this.src[id] = src;
    this.dst[id] = dst;
    this.size[id] = size;
    this.priority[id] = priority;
    this.created[id] = created;
    this.seq[id] = seq;
    this.accepted[id] = -1;
    this.delivered[id] = -1;
    return id;
  }

  private grow(): void {
    const n = this.src.length * 2;
    this.src = grown(this.src, n);
    this.dst = grown(this.dst, n);
    this.size = grown(this.size, n);
    this.priority = grown(this.priority, n);
    this.created = grown(this.created, n);
    this.seq = grown(this.seq, n);
    this.accepted = grown(this.accepted, n);
    this.delivered = grown(this.delivered, n);
  }

  records(): PacketRecord[] {
    return Array.from({ length: this.length }, (_, i) => ({
      src: this.src[i], dst: this.dst[i], size: this.size[i], priority: this.priority[i] as Priority,
      created: this.created[i], accepted: this.accepted[i], delivered: this.delivered[i],
    }));
  }
}

/** A copy of `a` with room for n entries. */
function grown<T extends Int32Array | Uint8Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/**
 * The packets in flight of every (src, dst) pair, oldest first: a doubly linked list per pair,
 * threaded through arrays indexed by packet id. A sink finds the packet a head flit names by
 * walking its pair's list (almost always its first entry), and delivery unlinks it in O(1): as a
 * Map of per-pair arrays (splice on delivery) it was a tenth of the driver's time, most of it
 * garbage collection.
 */
export class PairLists {
  private next: Int32Array;
  private prev: Int32Array;
  /** Per pair: its oldest and newest packet in flight, -1 for none. */
  private readonly heads: PairNumbers;
  private readonly tails: PairNumbers;

  /** `capacity`: the packets expected (as PacketTable's). */
  constructor(pairs: number, capacity = 1024) {
    this.next = new Int32Array(Math.max(16, Math.ceil(capacity)));
    this.prev = new Int32Array(this.next.length);
    this.heads = new PairNumbers(pairs, -1);
    this.tails = new PairNumbers(pairs, -1);
  }

  /** The oldest packet in flight of the pair, -1 if none. */
  first(pair: number): number {
    return this.heads.get(pair);
  }

  /** The packet after `id` in its pair's list, -1 at the end. */
  after(id: number): number {
    return this.next[id];
  }

  append(pair: number, id: number): void {
    if (id >= this.next.length) {
      const n = Math.max(id + 1, this.next.length * 2);
      this.next = grown(this.next, n);
      this.prev = grown(this.prev, n);
    }
    const last = this.tails.get(pair);
    this.prev[id] = last;
    this.next[id] = -1;
    if (last < 0) this.heads.set(pair, id);
    else this.next[last] = id;
    this.tails.set(pair, id);
  }

  remove(pair: number, id: number): void {
    const p = this.prev[id], n = this.next[id];
    if (p < 0) this.heads.set(pair, n);
    else this.next[p] = n;
    if (n < 0) this.tails.set(pair, p);
    else this.prev[n] = p;
  }
}

/**
 * A number per (src, dst) pair, keyed src * N + dst, `empty` where none was set: a typed array
 * while there are at most 4M pairs (a 64x32 mesh), a Map of the pairs that hold something beyond
 * (a typed array of every pair would not fit).
 */
export class PairNumbers {
  private readonly arr: Float64Array | undefined;
  private readonly map: Map<number, number> | undefined;

  constructor(pairs: number, private readonly empty = 0) {
    if (pairs <= 1 << 22) this.arr = new Float64Array(pairs).fill(empty);
    else this.map = new Map();
  }

  get(pair: number): number {
    return this.arr ? this.arr[pair] : (this.map!.get(pair) ?? this.empty);
  }

  set(pair: number, v: number): void {
    if (this.arr) this.arr[pair] = v;
    else if (v === this.empty) this.map!.delete(pair);
    else this.map!.set(pair, v);
  }

  add(pair: number, v: number): void {
    if (this.arr) this.arr[pair] += v;
    else this.set(pair, this.get(pair) + v);
  }

  /** The pairs holding a value other than the empty one, and their values. */
  entries(): [number, number][] {
    if (this.map) return [...this.map];
    const out: [number, number][] = [];
    this.arr!.forEach((v, k) => v !== this.empty && out.push([k, v]));
    return out;
  }
}
