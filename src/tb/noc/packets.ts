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
  src = new Int32Array(1024);
  dst = new Int32Array(1024);
  size = new Int32Array(1024);
  priority = new Uint8Array(1024);
  created = new Float64Array(1024);
  /** Cycle its head was accepted by the network interface, -1 before. */
  accepted = new Float64Array(1024);
  /** Cycle its tail was ejected, -1 before. */
  delivered = new Float64Array(1024);

  /** A new packet's id. */
  push(src: number, dst: number, size: number, priority: Priority, created: number): number {
    if (this.length === this.src.length) this.grow();
    const id = this.length++;
    this.src[id] = src;
    this.dst[id] = dst;
    this.size[id] = size;
    this.priority[id] = priority;
    this.created[id] = created;
    this.accepted[id] = -1;
    this.delivered[id] = -1;
    return id;
  }

  private grow(): void {
    const n = this.src.length * 2;
    const more = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.src = more(this.src);
    this.dst = more(this.dst);
    this.size = more(this.size);
    this.priority = more(this.priority);
    this.created = more(this.created);
    this.accepted = more(this.accepted);
    this.delivered = more(this.delivered);
  }

  records(): PacketRecord[] {
    return Array.from({ length: this.length }, (_, i) => ({
      src: this.src[i], dst: this.dst[i], size: this.size[i], priority: this.priority[i] as Priority,
      created: this.created[i], accepted: this.accepted[i], delivered: this.delivered[i],
    }));
  }
}

/**
 * A number per (src, dst) pair, keyed src * N + dst: a typed array while there are at most 4M
 * pairs (a 64x32 mesh), a Map beyond (a typed array of every pair would not fit).
 */
export class PairNumbers {
  private readonly arr: Float64Array | undefined;
  private readonly map: Map<number, number> | undefined;

  constructor(pairs: number) {
    if (pairs <= 1 << 22) this.arr = new Float64Array(pairs);
    else this.map = new Map();
  }

  get(pair: number): number {
    return this.arr ? this.arr[pair] : (this.map!.get(pair) ?? 0);
  }

  add(pair: number, v: number): void {
    if (this.arr) this.arr[pair] += v;
    else this.map!.set(pair, (this.map!.get(pair) ?? 0) + v);
  }

  /** The pairs with a value other than 0, and their values. */
  nonZero(): [number, number][] {
    if (this.map) return [...this.map].filter(([, v]) => v !== 0);
    const out: [number, number][] = [];
    this.arr!.forEach((v, k) => v !== 0 && out.push([k, v]));
    return out;
  }
}
