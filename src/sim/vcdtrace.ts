/**
 * Connects a Simulator to a streamed wave writer (the VCD writer in src/sim/vcd, the FST writer in
 * src/sim/fst): declares every visible signal in its module scope, a clock var per domain, and
 * dumps at each rising and falling edge. With the interpreter, values are copied into stores laid
 * out like the compiled engine's.
 */
import { VcdWriter } from "./vcd/index.js";
import type { TraceClock, TraceSource, TraceVar } from "./vcd/index.js";
import { clockName } from "../hdl/elaborate.js";
import { STORE_B, STORE_NAMES, layout } from "./layout.js";
import type { Simulator, Tracer } from "./simulator.js";
import type { NetNode, Netlist } from "./netlist.js";

export interface VcdTraceOptions {
  /** Keep only signals whose hierarchical name matches one of these (glob with * or **, or RegExp). */
  signals?: (string | RegExp)[];
  /** Keep only signals under these hierarchical prefixes ("top.pe_0_0"). */
  scopes?: string[];
  /** Dump only cycles from..to (inclusive) of the default domain. */
  window?: [number, number];
}

/** What the tracer drives: VcdWriter and FstWriter both are one. */
export interface WaveWriter {
  declare(vars: readonly TraceVar[], clocks: readonly TraceClock[], source: TraceSource): void;
  dump(time: number): void;
  clockEdge(domain: string, level: 0 | 1, time: number): void;
  close(): void;
}

/** A cycle window of the default domain as a window in time units (to the end of the last cycle). */
export function timeWindow(sim: Simulator, window?: [number, number]): readonly [number, number] | undefined {
  const p0 = sim.periods[0] ?? 10;
  return window ? ([window[0] * p0, window[1] * p0 + Math.floor(p0 / 2)] as const) : undefined;
}

/** The nodes a waveform shows: not hidden, and not the compiler's own ("$..."). */
export function visibleNodes(net: Netlist): NetNode[] {
  return net.nodes.filter((n) => !n.hidden && !n.name.startsWith("$"));
}

/** Declares the simulation's signals to `w`, dumps the current values, and returns the tracer. */
export function openWaveTracer(sim: Simulator, w: WaveWriter): Tracer {
  const net = sim.net;
  const eng = sim.engine;
  const lay = eng.layout ?? layout(net);
  const visible = visibleNodes(net);
  let source: TraceSource;
  let refresh: () => void = () => {};
  if (eng.stores) {
    source = eng.stores;
  } else {
    // Interpreter: shadow stores refreshed before each dump.
    const sz = lay.sizes;
    const st = { I: new Int32Array(sz[0]), U: new Uint32Array(sz[1]), F: new Float64Array(sz[2]), B: new Array<bigint>(sz[3]).fill(0n) };
    source = st;
    refresh = () => {
      for (const n of visible) {
        if (n.kind === "alias") continue; // same slot as its root
        const s = lay.store[n.id], i = lay.index[n.id];
        if (s === STORE_B) st.B[i] = eng.get(n);
        else (st[STORE_NAMES[s]] as Float64Array)[i] = eng.getNumber(n);
      }
    };
  }
  const vars: TraceVar[] = visible.map((n: NetNode) => ({
    scope: [...n.scope],
    name: n.localName,
    width: n.shape.width,
    signed: n.shape.signed,
    store: lay.store[n.id] as 0 | 1 | 2 | 3,
    index: lay.index[n.id],
    decoder: n.decoder,
    kind: n.kind === "reg" || n.kind === "behav" ? "reg" : "wire",
  }));
  const top = net.design.top.name;
  try {
    w.declare(vars, sim.domains.map((d) => ({ domain: d, name: clockName(d), scope: [top] })), source);
    refresh();
    w.dump(sim.time);
  } catch (e) {
    w.close();
    throw e;
  }
  return {
    dump(time, _sim, clocks) {
      refresh();
      for (const c of clocks) w.clockEdge(sim.domains[c.domain], c.level, time);
      w.dump(time);
    },
    close() {
      w.close();
    },
  };
}

export function openVcdTracer(sim: Simulator, path: string, opts: VcdTraceOptions = {}): Tracer {
  const w = new VcdWriter(path, {
    timescale: sim.timescale,
    version: "Tessera",
    signals: opts.signals,
    scopes: opts.scopes,
    window: timeWindow(sim, opts.window),
  });
  return openWaveTracer(sim, w);
}
