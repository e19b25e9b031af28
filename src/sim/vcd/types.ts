/**
 * The contract between the simulator's value storage and the VCD writer.
 *
 * Every simulated node lives in one of four stores, chosen by its width and signedness, at `index`.
 * The value held is the node's mathematical integer value: negative for a signed node whose sign
 * bit is set, never a raw bit pattern. The writer turns it into the two's complement pattern of
 * `width` bits when it dumps.
 */

/** Store numbers, as in TraceVar.store. */
export const STORE_I = 0; // Int32Array: signed, width <= 32
export const STORE_U = 1; // Uint32Array: unsigned, width <= 32
export const STORE_F = 2; // Float64Array: width 33..52 (an exact integer in a double)
export const STORE_B = 3; // bigint[]: width > 52
export type StoreKind = 0 | 1 | 2 | 3;

/** The simulator's value arrays; the writer reads them, never writes them. */
export interface TraceSource {
  I: Int32Array;
  U: Uint32Array;
  F: Float64Array;
  B: bigint[];
}

/** One signal to trace. */
export interface TraceVar {
  /** Scope path from the top, e.g. ["top", "grid", "pe_0_0"]; [] puts the var at the root. */
  scope: string[];
  name: string;
  /** 1..65536 bits. */
  width: number;
  signed: boolean;
  store: StoreKind;
  index: number;
  /** State names by value (FSM state registers, enums): also dumped as a string var `<name>_name`. */
  decoder?: readonly string[];
  /** `$var` type; "wire" by default. */
  kind?: "wire" | "reg";
}

/** A clock domain's clock, dumped as a 1-bit var toggled by VcdWriter.clockEdge. */
export interface TraceClock {
  domain: string;
  /** Var name, e.g. "clk" or "noc_clk". */
  name: string;
  /** Scope of the var; by default the first scope of the first traced var ("top"). */
  scope?: string[];
  /** Level before the first clockEdge; 0 by default. */
  initial?: 0 | 1;
}
