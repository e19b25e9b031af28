/**
 * The interface both engines (compiled and interpreted) implement for the Simulator.
 */
import type { Netlist, NetNode } from "./netlist.js";

export interface Engine {
  readonly net: Netlist;
  /** Settle comb logic after inputs changed. */
  settleInputs(): void;
  /** Recompute every comb node (after backdoor memory writes). */
  settleAll(): void;
  /**
   * One simultaneous rising edge of the given domains: sample (next values, memory writes,
   * behavioural ticks) from settled pre-edge values, commit, settle what depends on the new state.
   */
  edge(domains: readonly number[]): void;
  get(node: NetNode): bigint;
  getNumber(node: NetNode): number;
  /** Set an input node's value (already range-checked and normalised to its math value). */
  set(node: NetNode, v: bigint): void;
  setNumber(node: NetNode, v: number): void;
  /** Stores for tracing (compiled engine) — see layout.ts. */
  readonly stores?: { I: Int32Array; U: Uint32Array; F: Float64Array; B: bigint[] };
  readonly layout?: import("./layout.js").Layout;
  readMemory(memId: number, addr: number): bigint;
  writeMemory(memId: number, addr: number, v: bigint): void;
  /** Release what the engine holds outside the heap (the compiled engine's worker thread). */
  close?(): void;
  /** Threads it runs on (the compiled engine; SimOptions.threads), and why one when more were asked for. */
  readonly threads?: number;
  readonly threadsNote?: string;
}

export const ENGINE_NAMES = ["compiled", "interp"] as const;
/** The compiled engine's largest thread count (SimOptions.threads; see threads.ts). */
export const MAX_THREADS = 2;
export type EngineName = (typeof ENGINE_NAMES)[number];
