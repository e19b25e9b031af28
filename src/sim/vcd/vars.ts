/**
 * What every waveform writer (VCD, FST) checks of the vars it is given, and how it picks the ones
 * its filter keeps: one place, so the two formats trace the same signals and fail the same way.
 */
import { compileFilter, describeFilter, varPath, type TraceFilter } from "./filter.js";
import type { TraceSource, TraceVar } from "./types.js";

export const MAX_WIDTH = 65536;
/** Widest var each store can hold, and the store arrays' names in a TraceSource. */
const STORE_LIMITS = [32, 32, 53, MAX_WIDTH];
export const STORE_KEYS = ["I", "U", "F", "B"] as const;

/** A var the writer `writer` (e.g. "VcdWriter(out.vcd)") cannot trace: an error that says why. */
export function checkTraceVar(writer: string, v: TraceVar, src: TraceSource): void {
  const where = `${writer}: signal ${varPath(v)}`;
  if (!Number.isInteger(v.width) || v.width < 1 || v.width > MAX_WIDTH) {
    throw new Error(`${where} has width ${v.width}; widths are integers 1..${MAX_WIDTH}`);
  }
  if (!(v.store in STORE_LIMITS) || v.width > STORE_LIMITS[v.store]) {
    throw new Error(`${where} (width ${v.width}) cannot live in store ${v.store}; stores: 0/1 up to 32 bits, 2 up to 53, 3 any`);
  }
  const arr = src[STORE_KEYS[v.store]];
  if (!Number.isInteger(v.index) || v.index < 0 || v.index >= arr.length) {
    throw new Error(`${where} has index ${v.index} outside store ${STORE_KEYS[v.store]} (length ${arr.length})`);
  }
}

/** Checks every var and returns the ones `filter` keeps; a filter that keeps none of them is an error. */
export function tracedVars(writer: string, vars: readonly TraceVar[], src: TraceSource, filter: TraceFilter): TraceVar[] {
  for (const v of vars) checkTraceVar(writer, v, src);
  const keep = compileFilter(filter);
  const kept = keep ? vars.filter(keep) : [...vars];
  if (keep && kept.length === 0 && vars.length > 0) {
    const some = vars.slice(0, 8).map(varPath).join(", ");
    throw new Error(
      `${writer}: the filters ${describeFilter(filter)} keep none of the ${vars.length} signals ` +
        `(they include ${some}${vars.length > 8 ? ", ..." : ""}); fix the patterns or drop them to trace everything`,
    );
  }
  return kept;
}
