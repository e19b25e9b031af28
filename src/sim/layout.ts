/**
 * Where each node's value lives. Four stores by representation:
 *   0 I: Int32Array   — signed, width <= 32
 *   1 U: Uint32Array  — unsigned, width <= 32
 *   2 F: Float64Array — width 33..52 (an exact integer in a double)
 *   3 B: bigint[]     — width > 52
 * Every store holds the signal's mathematical value (negative for signed values with the sign bit
 * set), so extension is free and comparisons need no sign handling.
 *
 * Registers (and behavioural outputs) of each domain are contiguous in each store, with their next
 * values in a parallel region, so committing a domain is one copyWithin per store.
 */
import type { Shape } from "../hdl/shape.js";
import type { Netlist, NetNode } from "./netlist.js";

export const STORE_I = 0, STORE_U = 1, STORE_F = 2, STORE_B = 3;
export const STORE_NAMES = ["I", "U", "F", "B"] as const;

/** Widest value held in a JS number by the engine. */
export const NUM_BITS = 52;

export function storeOf(sh: Shape): number {
  if (sh.width <= 32) return sh.signed ? STORE_I : STORE_U;
  return sh.width <= NUM_BITS ? STORE_F : STORE_B;
}

/**
 * An array holding `length` values of store `s` (zeros); `shared`: on a SharedArrayBuffer, for the
 * engine's worker thread (threads.ts; the bigint store cannot be shared).
 */
export function storeArray(s: number, length: number, shared = false): Int32Array | Uint32Array | Float64Array | bigint[] {
  if (shared && s !== STORE_B) return s === STORE_I ? sharedArray(Int32Array, length) : s === STORE_U ? sharedArray(Uint32Array, length) : sharedArray(Float64Array, length);
  return s === STORE_I ? new Int32Array(length) : s === STORE_U ? new Uint32Array(length) : s === STORE_F ? new Float64Array(length) : new Array<bigint>(length).fill(0n);
}

/** An array of `length` zeros of the given typed-array type on a SharedArrayBuffer. */
export function sharedArray<T extends Int32Array | Uint32Array | Float64Array>(ctor: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new ctor(new SharedArrayBuffer(Math.max(1, length) * ctor.BYTES_PER_ELEMENT));
}

export interface Layout {
  /** Store and index of each node (by node id). */
  readonly store: Uint8Array;
  readonly index: Int32Array;
  /** Size of each store. */
  readonly sizes: number[];
  /**
   * Registers: [lo, hi) per domain per store; next value of the reg at i is at i + regCount[store].
   * [lo, mid) hold the state that goes through the next-value buffer (see inplace.ts), [mid, hi)
   * the registers updated in place.
   */
  readonly regRange: { lo: number; mid: number; hi: number }[][];
  readonly regCount: number[];
}

/**
 * `order`: the order nodes are placed in within each area (default: node order); shared code
 * (template.ts) puts each class's instances one after another so they sit at a fixed stride.
 */
export function layout(net: Netlist, buffered: (n: NetNode) => boolean = () => true, order: readonly NetNode[] = net.nodes): Layout {
  const n = net.nodes.length;
  const store = new Uint8Array(n);
  const index = new Int32Array(n);
  const counters = [0, 0, 0, 0];
  const regRange = net.domains.map(() => [0, 1, 2, 3].map(() => ({ lo: 0, mid: 0, hi: 0 })));
  const isState = (x: NetNode) => x.kind === "reg" || x.kind === "behav";
  const place = (node: NetNode) => {
    const s = storeOf(node.shape);
    store[node.id] = s;
    index[node.id] = counters[s]++;
  };
  for (let d = 0; d < net.domains.length; d++) {
    for (let s = 0; s < 4; s++) regRange[d][s].lo = counters[s];
    for (const node of order) if (isState(node) && node.domain === d && (node.kind === "behav" || buffered(node))) place(node);
    for (let s = 0; s < 4; s++) regRange[d][s].mid = counters[s];
    for (const node of order) if (node.kind === "reg" && node.domain === d && !buffered(node)) place(node);
    for (let s = 0; s < 4; s++) regRange[d][s].hi = counters[s];
  }
  const regCount = [...counters];
  for (let s = 0; s < 4; s++) counters[s] *= 2; // room for next values
  for (const node of order) {
    if (isState(node) || node.kind === "alias") continue;
    const s = storeOf(node.shape);
    store[node.id] = s;
    index[node.id] = counters[s]++;
  }
  // An alias shares its root's slot.
  for (const node of net.nodes) {
    if (node.kind !== "alias") continue;
    store[node.id] = store[node.aliasOf!.id];
    index[node.id] = index[node.aliasOf!.id];
  }
  return { store, index, sizes: counters, regRange, regCount };
}
