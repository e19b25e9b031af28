/**
 * `sim.traceFst(path, opts)`: the FST writer driven like the VCD writer (src/sim/vcdtrace.ts), with
 * the same options, so the two files of one run hold the same signals, names, times and values.
 */
import type { Simulator, Tracer } from "../simulator.js";
import { openWaveTracer, timeWindow, type VcdTraceOptions } from "../vcdtrace.js";
import { FstWriter } from "./writer.js";

export interface FstTraceOptions extends VcdTraceOptions {
  /** End a value-change block when its changes take this many bytes in memory (8 MiB by default). */
  blockBytes?: number;
  /** ... or when it holds this many timestamps (131072 by default: 65536 cycles of one clock). */
  blockTimes?: number;
  /** zlib level of each signal's changes: 1 fastest .. 9 smallest (see FstWriterOptions.level). */
  level?: number;
  /** Compress blocks on a worker thread (true by default; see FstWriterOptions.thread). */
  thread?: boolean;
}

export function openFstTracer(sim: Simulator, path: string, opts: FstTraceOptions = {}): Tracer {
  const w = new FstWriter(path, {
    timescale: sim.timescale,
    version: "Tessera",
    signals: opts.signals,
    scopes: opts.scopes,
    window: timeWindow(sim, opts.window),
    blockBytes: opts.blockBytes,
    blockTimes: opts.blockTimes,
    level: opts.level,
    thread: opts.thread,
  });
  return openWaveTracer(sim, w);
}
