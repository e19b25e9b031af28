/**
 * The Simulator: the testbench API over an engine (see api.ts and process.ts for the semantics).
 */
import { Module } from "../hdl/module.js";
import { Signal } from "../hdl/expr.js";
import type { Design } from "../hdl/elaborate.js";
import { shapeToString } from "../hdl/shape.js";
import type { Value } from "./api.js";
import { ActivityMode, CompiledEngine } from "./compiled.js";
import type { SharedCodeMode } from "./template.js";
import type { Engine, EngineName } from "./engine.js";
import { formatValue } from "./format.js";
import { freshFunction } from "./fresh-function.js";
import { InterpEngine } from "./interp.js";
import { Netlist, NetNode, buildNetlist } from "./netlist.js";
import { ProcessContext, ProcessRecord, TickTrigger, Waiter } from "./process.js";
import { STORE_B, STORE_NAMES } from "./layout.js";
import { VcdTraceOptions, openVcdTracer } from "./vcdtrace.js";
import { FstTraceOptions, openFstTracer } from "./fst/tracer.js";
import { WaveRecorder } from "./waverec.js";
import type { WaveOptions } from "./waves/ascii.js";

export interface ClockSpec {
  /** Time between rising edges, in timescale units (default 10). */
  period: number;
  /** Time of the first rising edge minus one period (default 0: first edge at `period`). */
  phase?: number;
}

export interface SimOptions {
  engine?: EngineName;
  /**
   * Compiled engine: evaluate only the logic whose inputs changed (see compiled.ts) — "auto"
   * (default; also TESSERA_ACTIVITY) decides as the design runs, "on" always, "off" never.
   */
  activity?: ActivityMode;
  /**
   * Compiled engine: one copy of the code for identical submodules of the top, run in a loop over
   * them (see template.ts) — "auto" (default; also TESSERA_SHARED_CODE) for large designs and
   * instances of 16 nodes or more, "on" for every class of two or more instances, "off" never.
   */
  sharedCode?: SharedCodeMode;
  /**
   * Compiled engine: 2 splits the loops over shared instances between the main thread and a
   * worker (also TESSERA_THREADS; see threads.ts), for large designs of many identical
   * submodules on a machine with a core to spare. The default 1 runs on the main thread alone.
   */
  threads?: number;
  /** Periods per clock domain; unlisted domains get period 10. */
  clocks?: Record<string, ClockSpec>;
  /** VCD timescale (default "1ns"). */
  timescale?: string;
}

/** Receives the simulation's progress (VCD writers, wave recorders). */
export interface Tracer {
  /** Called after every batch of events at `time` (rising edges already applied). */
  dump(time: number, sim: Simulator, clocks: readonly { domain: number; level: 0 | 1 }[]): void;
  close(): void;
}

const DOMAIN_ZERO: readonly number[] = [0];

export class ExpectationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpectationError";
  }
}

export class Simulator {
  readonly net: Netlist;
  readonly engine: Engine;
  readonly design: Design;
  readonly domains: readonly string[];
  readonly periods: number[];
  readonly timescale: string;
  /** Current simulation time in timescale units. */
  time = 0;
  /** Rising edges so far, per domain. */
  readonly edgeCounts: number[];
  /** @internal inputs changed since comb last settled */
  dirty = false;

  private readonly nextRise: number[];
  private readonly pendingFall: (number | null)[];
  private readonly tracers: Tracer[] = [];
  private readonly procs: ProcessRecord[] = [];
  private unstarted: ProcessRecord[] = [];
  private onPark: (() => void) | null = null;
  private procError: unknown = undefined;
  private readonly setBy = new Map<number, number>();

  constructor(top: Module | Design, opts: SimOptions = {}) {
    this.net = buildNetlist(top);
    this.design = this.net.design;
    this.domains = this.net.domains;
    this.engine = (opts.engine ?? "compiled") === "interp" ? new InterpEngine(this.net) : new CompiledEngine(this.net, opts.activity, opts.sharedCode, opts.threads);
    this.timescale = opts.timescale ?? "1ns";
    for (const name of Object.keys(opts.clocks ?? {})) {
      if (!this.domains.includes(name)) throw new Error(`clocks: design '${this.design.top.name}' has no clock domain '${name}'; its domains are ${this.domains.join(", ") || "(none)"}`);
    }
    this.periods = this.domains.map((d) => {
      const spec = opts.clocks?.[d];
      const p = spec?.period ?? 10;
      if (!Number.isInteger(p) || p < 2) throw new Error(`clocks.${d}.period must be a whole number >= 2 (got ${p})`);
      return p;
    });
    this.nextRise = this.domains.map((d, i) => (opts.clocks?.[d]?.phase ?? 0) + this.periods[i]);
    this.pendingFall = this.nextRise.map((t, i) => t - Math.floor(this.periods[i] / 2));
    this.edgeCounts = this.domains.map(() => 0);
  }

  // --- names and values ------------------------------------------------------------------------

  /** The netlist node of a signal or hierarchical name ("top.sub.sig" or "sub.sig"). */
  node(sig: Signal | string): NetNode {
    if (sig instanceof Signal) {
      const n = this.net.bySignal.get(sig);
      if (!n) throw new Error(`signal '${sig.name}' is not part of design '${this.design.top.name}'`);
      return n;
    }
    const n = this.net.byName.get(sig) ?? this.net.byName.get(`${this.design.top.name}.${sig}`);
    if (n) return n;
    const last = sig.split(".").pop()!;
    const near = [...this.net.byName.keys()].filter((k) => k.endsWith("." + last) || k.includes(last)).slice(0, 10);
    throw new Error(`no signal named '${sig}' in design '${this.design.top.name}'${near.length ? `; did you mean ${near.join(", ")}?` : ""}`);
  }

  /** Threads the engine runs on (SimOptions.threads), and why it runs on one when more were asked for. */
  get threads(): { count: number; note?: string } {
    return { count: this.engine.threads ?? 1, note: this.engine.threadsNote };
  }

  /** Rising edges of the default domain so far. */
  get cycle(): number {
    return this.edgeCounts[0] ?? 0;
  }

  private settle(): void {
    if (this.dirty) {
      this.engine.settleInputs();
      this.dirty = false;
    }
  }

  private checkInput(n: NetNode, what: string): void {
    if (n.kind !== "input") {
      throw new Error(`${what}: '${n.name}' is ${n.kind === "reg" ? "a register" : n.kind === "comb" || n.kind === "alias" ? "driven by comb logic" : `a ${n.kind} node`}; only top-level inputs (${this.net.inputs.map((i) => i.localName).join(", ")}) can be driven`);
    }
  }

  private normalize(n: NetNode, v: Value, what: string): bigint {
    if (typeof v === "number" && !Number.isSafeInteger(v)) throw new Error(`${what}: ${v} is not a whole number in the safe range; pass a bigint`);
    const b = BigInt(v);
    const sh = n.shape;
    const lo = sh.signed ? -(1n << BigInt(sh.width - 1)) : 0n;
    const hi = (1n << BigInt(sh.width)) - 1n;
    if (b < lo || b > hi) throw new Error(`${what}: value ${b} does not fit '${n.name}' of shape ${shapeToString(sh)}`);
    return sh.signed ? BigInt.asIntN(sh.width, b) : b;
  }

  poke(sig: Signal | string, v: Value): void {
    const n = this.node(sig);
    this.checkInput(n, "poke");
    this.engine.set(n, this.normalize(n, v, `poke(${n.name})`));
    this.dirty = true;
  }

  peek(sig: Signal | string): bigint {
    const n = this.node(sig);
    this.settle();
    return this.engine.get(n);
  }

  peekNumber(sig: Signal | string): number {
    const n = this.node(sig);
    this.settle();
    return this.engine.getNumber(n);
  }

  /** Poke several inputs at once: a record of signals (e.g. from `m.ports(decl)`) and values. */
  pokeAll<K extends string>(signals: Readonly<Record<K, Signal>>, values: Partial<Record<K, Value>>): void {
    for (const k of Object.keys(values) as K[]) {
      if (!(k in signals)) throw new Error(`pokeAll: no signal '${k}' in the record; it has ${Object.keys(signals).join(", ")}`);
      this.poke(signals[k], values[k]!);
    }
  }

  /** Peek a record of signals (e.g. from `m.ports(decl)`) into a record of bigints. */
  peekAll<K extends string>(signals: Readonly<Record<K, Signal>>): Record<K, bigint> {
    const out = {} as Record<K, bigint>;
    for (const k of Object.keys(signals) as K[]) out[k] = this.peek(signals[k]);
    return out;
  }

  /** Check a value; on mismatch throw an ExpectationError with name, cycle, both values. */
  expect(sig: Signal | string, expected: Value, message?: string): void {
    const n = this.node(sig);
    const got = this.peek(sig);
    const want = BigInt(expected);
    if (got !== want) {
      throw new ExpectationError(
        `${message ? message + ": " : ""}${n.name} at cycle ${this.cycle} (time ${this.time}): observed ${formatValue(got, n.shape)}, expected ${formatValue(want, n.shape)}`,
      );
    }
  }

  /**
   * Fast numeric access for hot testbench loops (signals up to 52 bits): `set` writes an input
   * directly (range-checked), `get` reads the stored value (comb settles first if needed).
   */
  accessor(sig: Signal | string): { get(): number; set(v: number): void } {
    const n = this.node(sig);
    if (n.shape.width > 52) throw new Error(`accessor(${n.name}): ${n.shape.width} bits is wider than 52; use peek/poke with bigints`);
    const eng = this.engine;
    const lo = n.shape.signed ? -(2 ** (n.shape.width - 1)) : 0;
    const hi = n.shape.signed ? 2 ** (n.shape.width - 1) - 1 : 2 ** n.shape.width - 1;
    const stores = eng.stores, lay = eng.layout;
    const isInput = n.kind === "input";
    if (stores && lay && lay.store[n.id] !== STORE_B) {
      const idx = lay.index[n.id];
      const get = () => {
        if (this.dirty) this.settle();
        return arr[idx];
      };
      const bad = (v: number) => new Error(`accessor.set(${n.name}): ${v} does not fit ${shapeToString(n.shape)}`);
      const arr = stores[STORE_NAMES[lay.store[n.id]]] as Int32Array | Uint32Array | Float64Array;
      if (!isInput) return { get, set: () => this.checkInput(n, "accessor.set") };
      // One setter per store type, so each store instruction sees one kind of typed array.
      const sim = this;
      if (arr instanceof Int32Array) {
        return { get, set(v: number) { if (!(v >= lo && v <= hi) || (v | 0) !== v) throw bad(v); arr[idx] = v; sim.dirty = true; } };
      }
      if (arr instanceof Uint32Array) {
        return { get, set(v: number) { if (!(v >= lo && v <= hi) || v >>> 0 !== v) throw bad(v); arr[idx] = v; sim.dirty = true; } };
      }
      const f64 = arr as Float64Array;
      return { get, set(v: number) { if (!(v >= lo && v <= hi) || Math.floor(v) !== v) throw bad(v); f64[idx] = v; sim.dirty = true; } };
    }
    return {
      get: () => this.peekNumber(n.name),
      set: (v: number) => this.poke(n.name, v),
    };
  }

  /**
   * A bank of inputs for hot testbench loops: write numbers into `values` (one per signal, in
   * order), then `commit()` range-checks and applies them all in one generated function — no call
   * per input. Inputs up to 52 bits.
   */
  inputBank(signals: readonly (Signal | string)[]): { values: Float64Array; commit(): void } {
    const nodes = signals.map((sg) => this.node(sg));
    for (const n of nodes) {
      this.checkInput(n, "inputBank");
      if (n.shape.width > 52) throw new Error(`inputBank: '${n.name}' is ${n.shape.width} bits; banks take inputs up to 52 bits (poke wider ones)`);
    }
    const values = new Float64Array(nodes.length);
    const fail = (i: number, v: number) => {
      throw new Error(`inputBank.commit: values[${i}] = ${v} does not fit '${nodes[i].name}' of shape ${shapeToString(nodes[i].shape)}`);
    };
    const eng = this.engine;
    let apply: () => void;
    if (eng.stores && eng.layout) {
      const lay = eng.layout;
      const lines = nodes.map((n, i) => {
        const lo = n.shape.signed ? -(2 ** (n.shape.width - 1)) : 0;
        const hi = n.shape.signed ? 2 ** (n.shape.width - 1) - 1 : 2 ** n.shape.width - 1;
        return `v = V[${i}]; if (${fitsTest(n.shape.width, n.shape.signed, lo, hi)}) fail(${i}, v); ${STORE_NAMES[lay.store[n.id]]}[${lay.index[n.id]}] = v;`;
      });
      apply = (freshFunction(["V", "I", "U", "F", "fail"], `return function commit() { let v; ${lines.join(" ")} };`) as (...a: unknown[]) => () => void)(values, eng.stores.I, eng.stores.U, eng.stores.F, fail);
    } else {
      apply = () =>
        nodes.forEach((n, i) => {
          const v = values[i];
          const lo = n.shape.signed ? -(2 ** (n.shape.width - 1)) : 0;
          const hi = n.shape.signed ? 2 ** (n.shape.width - 1) - 1 : 2 ** n.shape.width - 1;
          if (!(v >= lo && v <= hi) || Math.floor(v) !== v) fail(i, v);
          this.poke(n.name, v);
        });
    }
    const sim = this;
    return {
      values,
      commit() {
        apply();
        sim.dirty = true;
      },
    };
  }

  /**
   * The mirror of `inputBank`: a bank of signals (outputs or any other, up to 52 bits) read in
   * one generated function. `read()` settles the design if inputs changed, copies every signal's
   * value into `values` (one per signal, in order) and returns it — no call per signal.
   */
  outputBank(signals: readonly (Signal | string)[]): { values: Float64Array; read(): Float64Array } {
    const nodes = signals.map((sg) => this.node(sg));
    for (const n of nodes) {
      if (n.shape.width > 52) throw new Error(`outputBank: '${n.name}' is ${n.shape.width} bits; banks take signals up to 52 bits (peek wider ones)`);
    }
    const values = new Float64Array(nodes.length);
    const eng = this.engine, lay = eng.layout, st = eng.stores;
    let copy: () => void;
    if (st && lay && nodes.every((n) => lay.store[n.id] !== STORE_B)) {
      const lines = nodes.map((n, i) => `V[${i}] = ${STORE_NAMES[lay.store[n.id]]}[${lay.index[n.id]}];`);
      copy = (freshFunction(["V", "I", "U", "F"], `return function read() { ${lines.join(" ")} };`) as (...a: unknown[]) => () => void)(values, st.I, st.U, st.F);
    } else {
      copy = () => nodes.forEach((n, i) => (values[i] = eng.getNumber(n)));
    }
    const sim = this;
    return {
      values,
      read() {
        if (sim.dirty) sim.settle();
        copy();
        return values;
      },
    };
  }

  // --- time ------------------------------------------------------------------------------------

  private domainIndex(domain?: string): number {
    if (this.domains.length === 0) throw new Error(`design '${this.design.top.name}' has no clock domain (nothing is clocked); there is nothing to step`);
    if (domain === undefined) return 0;
    const i = this.domains.indexOf(domain);
    if (i < 0) throw new Error(`no clock domain '${domain}' in design '${this.design.top.name}'; domains: ${this.domains.join(", ")}`);
    return i;
  }

  /** Process events up to and including the next rising edge(s); returns the domains that rose. */
  private advance(): number[] {
    let tRise = Infinity;
    for (const t of this.nextRise) tRise = Math.min(tRise, t);
    // Falling edges before it: where inputs poked since the last edge appear in waveforms.
    for (;;) {
      let tFall = Infinity;
      for (const t of this.pendingFall) if (t !== null && t < tFall) tFall = t;
      if (tFall > tRise) break;
      const falls: { domain: number; level: 0 | 1 }[] = [];
      this.pendingFall.forEach((t, d) => {
        if (t === tFall) {
          falls.push({ domain: d, level: 0 });
          this.pendingFall[d] = null;
        }
      });
      this.settle();
      this.time = tFall;
      for (const tr of this.tracers) tr.dump(tFall, this, falls);
    }
    const doms: number[] = [];
    this.nextRise.forEach((t, d) => {
      if (t === tRise) doms.push(d);
    });
    this.settle();
    this.engine.edge(doms);
    this.time = tRise;
    for (const d of doms) {
      this.nextRise[d] += this.periods[d];
      this.pendingFall[d] = tRise + Math.floor(this.periods[d] / 2);
      this.edgeCounts[d]++;
    }
    this.setBy.clear();
    if (this.tracers.length) {
      const rises = doms.map((d) => ({ domain: d, level: 1 as const }));
      for (const tr of this.tracers) tr.dump(tRise, this, rises);
    }
    return doms;
  }

  private checkNoProcesses(what: string): void {
    if (this.procs.length !== 0 && this.procs.some((p) => !p.done && !p.background)) throw new Error(`${what}() while async processes are pending: use 'await sim.run()' to advance time with processes`);
  }

  /** Advance `n` rising edges of the default domain (or of `domain`). */
  step(n = 1, domain?: string): void {
    this.checkNoProcesses("step");
    const d = this.domainIndex(domain);
    if (this.domains.length === 1 && this.tracers.length === 0) {
      // Hot path: one clock, nothing to trace.
      const eng = this.engine, p = this.periods[0];
      const one = DOMAIN_ZERO;
      for (let i = 0; i < n; i++) {
        if (this.dirty) {
          eng.settleInputs();
          this.dirty = false;
        }
        eng.edge(one);
        this.edgeCounts[0]++;
      }
      this.time = this.nextRise[0] + (n - 1) * p;
      this.nextRise[0] += n * p;
      this.pendingFall[0] = this.time + Math.floor(p / 2);
      if (this.setBy.size) this.setBy.clear();
      return;
    }
    for (let i = 0; i < n; i++) {
      for (;;) {
        const doms = this.advance();
        if (doms.includes(d)) break;
      }
    }
  }

  /** Step until `cond()` holds (checked before each step); returns the steps taken. */
  stepUntil(cond: () => boolean, maxCycles: number, domain?: string): number {
    for (let i = 0; i <= maxCycles; i++) {
      if (cond()) return i;
      if (i === maxCycles) break;
      this.step(1, domain);
    }
    throw new ExpectationError(`stepUntil: condition still false after ${maxCycles} cycles (cycle ${this.cycle}, time ${this.time})`);
  }

  /** Hold every domain's reset high for `n` edges of the default domain, then release it. */
  reset(n = 1): void {
    for (const r of this.net.resets) this.engine.set(r, 1n);
    this.dirty = true;
    this.step(n);
    for (const r of this.net.resets) this.engine.set(r, 0n);
    this.dirty = true;
  }

  // --- memories --------------------------------------------------------------------------------

  private memoryId(name: string): number {
    const m = this.net.memories.find((x) => x.name === name || x.name === `${this.design.top.name}.${name}`);
    if (!m) throw new Error(`no memory named '${name}'; memories: ${this.net.memories.map((x) => x.name).join(", ") || "(none)"}`);
    return m.id;
  }

  /** Read a memory word directly (backdoor, no clock). */
  readMemory(name: string, addr: number): bigint {
    return this.engine.readMemory(this.memoryId(name), addr);
  }

  /** Write a memory word directly (backdoor); comb readers see it after the next settle. */
  writeMemory(name: string, addr: number, v: Value): void {
    const id = this.memoryId(name);
    const m = this.net.memories[id];
    if (!Number.isInteger(addr) || addr < 0 || addr >= m.depth) throw new Error(`writeMemory(${name}): address ${addr} outside 0..${m.depth - 1}`);
    const b = BigInt(v);
    this.engine.writeMemory(id, addr, m.shape.signed ? BigInt.asIntN(m.shape.width, b) : BigInt.asUintN(m.shape.width, b));
    this.engine.settleAll();
  }

  // --- tracing ---------------------------------------------------------------------------------

  /** Stream a VCD of this simulation to `path` (see src/sim/vcd). */
  traceVcd(path: string, opts: VcdTraceOptions = {}): void {
    this.addTracer(openVcdTracer(this, path, opts));
  }

  /**
   * Stream an FST (GTKWave's compressed format, also read by Surfer) of this simulation to `path`,
   * with the VCD's options, signals, names and values (see src/sim/fst).
   */
  traceFst(path: string, opts: FstTraceOptions = {}): void {
    this.addTracer(openFstTracer(this, path, opts));
  }

  private recorder: WaveRecorder | undefined;

  /** Start recording these signals once per cycle for `waves()`. */
  recordWaves(signals: (Signal | string)[]): void {
    this.recorder = new WaveRecorder(this, signals);
    this.addTracer(this.recorder);
  }

  /** ASCII waveform of the recorded signals (Hardcaml waveterm style), for snapshots and terminals. */
  waves(opts: WaveOptions = {}): string {
    if (!this.recorder) throw new Error("waves(): call sim.recordWaves([signals]) before stepping");
    return this.recorder.render(opts);
  }

  addTracer(t: Tracer): void {
    this.tracers.push(t);
  }

  /** Flush and close every tracer (VCD and FST files are complete after this) and stop the engine's worker thread, if any (stepping on after it is still correct). Idempotent. */
  close(): void {
    for (const t of this.tracers.splice(0)) t.close();
    this.engine.close?.();
  }

  // --- processes -------------------------------------------------------------------------------

  process(fn: (ctx: ProcessContext) => Promise<void>, opts: { background?: boolean } = {}): void {
    const rec: ProcessRecord = { id: this.procs.length, background: !!opts.background, fn, done: false, waiter: null };
    this.procs.push(rec);
    this.unstarted.push(rec);
  }

  private context(rec: ProcessRecord): ProcessContext {
    const sim = this;
    return {
      get: (sig) => sim.peek(sig),
      getNumber: (sig) => sim.peekNumber(sig),
      set: (sig, v) => {
        const n = sim.node(sig);
        sim.checkInput(n, "ctx.set");
        const prev = sim.setBy.get(n.id);
        if (prev !== undefined && prev !== rec.id) {
          throw new Error(`ctx.set(${n.name}) at cycle ${sim.cycle}: process #${prev} already set it since the last edge (overlapping drivers); let one process own each input`);
        }
        sim.setBy.set(n.id, rec.id);
        sim.engine.set(n, sim.normalize(n, v, `ctx.set(${n.name})`));
        sim.dirty = true;
      },
      tick: (domain) => {
        const d = sim.domainIndex(domain);
        return new TickTrigger((w: Waiter) => {
          rec.waiter = w;
          sim.parked();
        }, d);
      },
      get cycle() {
        return sim.cycle;
      },
    };
  }

  private parked(): void {
    const f = this.onPark;
    this.onPark = null;
    f?.();
  }

  private resume(rec: ProcessRecord, action: () => void): Promise<void> {
    return new Promise<void>((resolve) => {
      this.onPark = resolve;
      action();
    });
  }

  private async start(rec: ProcessRecord): Promise<void> {
    await this.resume(rec, () => {
      rec.fn(this.context(rec)).then(
        () => {
          rec.done = true;
          this.parked();
        },
        (err) => {
          rec.done = true;
          if (this.procError === undefined) this.procError = err;
          this.parked();
        },
      );
    });
  }

  /** Run the processes until every non-background one has returned. */
  async run(opts: { maxCycles?: number } = {}): Promise<void> {
    const maxCycles = opts.maxCycles ?? Infinity;
    const start = this.cycle;
    for (const rec of this.unstarted.splice(0)) {
      await this.start(rec);
      this.throwIfFailed();
    }
    while (this.procs.some((p) => !p.done && !p.background)) {
      if (this.cycle - start >= maxCycles) throw new ExpectationError(`run: processes still running after ${maxCycles} cycles (cycle ${this.cycle})`);
      // Values sampled just before the edge, for waiters that resume at it.
      let tRise = Infinity;
      for (let d = 0; d < this.domains.length; d++) tRise = Math.min(tRise, this.nextRise[d]);
      const rising = this.domains.map((_, d) => this.nextRise[d] === tRise);
      const samples = new Map<ProcessRecord, bigint[]>();
      for (const p of this.procs) {
        const w = p.waiter;
        if (!p.done && w && rising[w.domain] && w.remaining === 1) samples.set(p, w.sample.map((s) => this.peek(s)));
      }
      this.advance();
      for (const p of this.procs) {
        const w = p.waiter;
        if (p.done || !w || !rising[w.domain]) continue;
        if (--w.remaining > 0) continue;
        p.waiter = null;
        await this.resume(p, () => w.resolve(samples.get(p) ?? []));
        this.throwIfFailed();
      }
    }
  }

  private throwIfFailed(): void {
    if (this.procError !== undefined) {
      const e = this.procError;
      this.procError = undefined;
      throw e;
    }
  }
}

/** Build a simulator for a top module (elaborates it first). */
export function simulate(top: Module | Design, opts: SimOptions = {}): Simulator {
  return new Simulator(top, opts);
}

/**
 * A JavaScript test that `v` is NOT a whole number of the shape (the input bank's commit runs it
 * for every input of every cycle). Up to 31 bits one integer operation decides: a shift pair
 * (signed) or a mask (unsigned) gives back v only when v is a whole number in range, and NaN or
 * a fraction never comes back. Wider shapes compare against the bounds.
 */
function fitsTest(width: number, signed: boolean, lo: number, hi: number): string {
  if (width <= 31) return signed ? `((v << ${32 - width}) >> ${32 - width}) !== v` : `(v & ${2 ** width - 1}) !== v`;
  return `!(v >= ${lo} && v <= ${hi}) || Math.floor(v) !== v`;
}
