/**
 * One interface over waveform files (VCD and FST): the vars a file declares and, streamed, the
 * values that change at each time. `tessera wavediff` and tests compare two runs through it, so a
 * value means the same whatever the format: bit vectors as "01xz" strings of exactly their width,
 * strings with escapes undone, reals as the number's text.
 */

export interface WaveVarInfo {
  /** Full dotted path of scopes and name, WITHOUT any bit range: "counter.count", "top.grid.pe_0_0.acc". */
  path: string;
  /** Declared bits (1 for a scalar); for string vars, the declared size as written. */
  width: number;
  /** Declared type as written: "wire", "reg", "integer", "real", "string", ... */
  kind: string;
  /** Vars that share one identifier (VCD) or handle (FST alias) share this number; values are per id. */
  id: number;
}

export interface WaveTimescale {
  magnitude: 1 | 10 | 100;
  exponent: number /* s=0, ms=-3, us=-6, ns=-9, ps=-12, fs=-15 */;
}

export interface WaveChange {
  id: number;
  value: string;
}

export interface WaveStep {
  time: bigint;
  changes: WaveChange[];
}

export interface WaveReader {
  readonly path: string;
  readonly format: "vcd" | "fst";
  readonly timescale: WaveTimescale;
  readonly vars: readonly WaveVarInfo[];
  /** Number of distinct ids (ids are 0..idCount-1). */
  readonly idCount: number;
  /**
   * Every timestamp in time order with the values that change at it (initial values at the first
   * time), for the ids in `ids` (all when omitted). Values: for bit vectors a string of exactly
   * `width` chars from "01xz" MSB first (VCD's shortened vectors extended the VCD way: a leading
   * 0 or 1 pads with 0, x with x, z with z); for string vars the string (escapes undone); for real
   * vars the number's text. Within one time only the last value of an id is reported, and a value
   * equal to the id's current value may be reported or not (consumers compare values, not events).
   * Streams: memory stays bounded by one block (FST) or one read chunk (VCD), not the file.
   *
   * Details both readers share:
   *  - A time at which none of the wanted ids changes is not reported (so `changes` is never
   *    empty), and a time written twice in a row (an FST block starting at the previous block's
   *    last time, `#10` twice in a VCD) is one step.
   *  - Other states of 9-state logic are mapped onto "01xz": h -> 1, l -> 0, u w - ? -> x;
   *    uppercase X and Z are lowercased.
   *  - A real is `String(number)`, the shortest text that reads back as the same double (so a
   *    VCD's "r1.50" is "1.5"); NaN and infinities as JS writes them.
   *  - Strings are bytes read as latin1 (one char per byte), as both formats store them.
   *  - Ids whose vars have different widths take the width of the first var that names them.
   *  - Iterating twice reads the file twice; the reader must not be closed meanwhile.
   */
  steps(ids?: readonly number[]): AsyncIterable<WaveStep>;
  close(): Promise<void>;
}
