/**
 * Random traces for the VCD writer tests: vars of random widths and signedness in a few scopes,
 * laid out in the simulator's four stores by the contract (I: signed <= 32 bits, U: unsigned
 * <= 32, F: 33..52, B: wider), values changing at random, written through a VcdWriter (or, with
 * driveTrace, any writer of its interface: the FST writer's tests use it).
 * Records what was simulated so tests can compare it with what a parser reads back.
 */
import type { TraceClock, TraceSource, TraceVar } from "../../../src/sim/vcd/index.js";
import { VcdWriter, type VcdWriterOptions } from "../../../src/sim/vcd/index.js";

export interface VarSpec {
  scope: string[];
  name: string;
  width: number;
  signed: boolean;
  /** Probability that the value changes at a cycle. */
  rate: number;
  decoder?: string[];
  /** Index of an earlier var whose node this one aliases (same store slot). */
  aliasOf?: number;
}

export interface TraceSpec {
  vars: VarSpec[];
  cycles: number;
  seed: number;
  period: number;
}

export interface SimulatedTrace {
  vars: TraceVar[];
  /** Per var (same order), the value pattern (two's complement, unsigned) after each edge. */
  patterns: bigint[][];
  /** Time of each cycle's rising edge (dump time). */
  times: number[];
}

/** xorshift32: a small deterministic PRNG so a seed replays a trace. */
export function prng(seed: number): () => number {
  let x = seed | 0 || 0x2545f491;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function randomBits(rand: () => number, width: number): bigint {
  let v = 0n;
  for (let got = 0; got < width; got += 32) v = (v << 32n) | BigInt(Math.floor(rand() * 4294967296));
  // skew towards small and extreme values now and then: they exercise leading-zero dropping and sign bits
  const r = rand();
  if (r < 0.15) v = v & 0xfn;
  else if (r < 0.25) v = -1n;
  return BigInt.asUintN(width, v);
}

export function storeOf(width: number, signed: boolean): 0 | 1 | 2 | 3 {
  return width <= 32 ? (signed ? 0 : 1) : width <= 52 ? 2 : 3;
}

/** Lays the vars out in stores; returns the source and the TraceVars. */
export function layout(specs: readonly VarSpec[]): { src: TraceSource; vars: TraceVar[] } {
  const counts = [0, 0, 0, 0];
  const vars: TraceVar[] = specs.map((s) => {
    const store = storeOf(s.width, s.signed);
    return { scope: s.scope, name: s.name, width: s.width, signed: s.signed, store, index: -1, decoder: s.decoder };
  });
  specs.forEach((s, i) => {
    const a = s.aliasOf;
    vars[i].index = a !== undefined ? vars[a].index : counts[vars[i].store]++;
  });
  const src: TraceSource = {
    I: new Int32Array(counts[0] + 1),
    U: new Uint32Array(counts[1] + 1),
    F: new Float64Array(counts[2] + 1),
    B: new Array<bigint>(counts[3] + 1).fill(0n),
  };
  return { src, vars };
}

function store(src: TraceSource, v: TraceVar, pattern: bigint): void {
  const value = v.signed ? BigInt.asIntN(v.width, pattern) : pattern; // the mathematical value
  if (v.store === 0) src.I[v.index] = Number(value);
  else if (v.store === 1) src.U[v.index] = Number(value);
  else if (v.store === 2) src.F[v.index] = Number(value);
  else src.B[v.index] = value;
}

export const CLOCK: TraceClock = { domain: "sync", name: "clk" };

/**
 * Simulates `spec` into `file`: per cycle c, values change at random, then
 * clockEdge(1, c*period), dump(c*period), clockEdge(0, c*period + period/2).
 * `beforeEdge` may throw to model a failing testbench.
 */
export function writeTrace(
  spec: TraceSpec,
  file: string,
  opts: VcdWriterOptions,
  hooks: { opened?: (w: VcdWriter) => void; beforeEdge?: (cycle: number) => void; close?: boolean } = {},
): SimulatedTrace & { writer: VcdWriter } {
  const w = new VcdWriter(file, { date: "test date", version: "test version", ...opts });
  hooks.opened?.(w);
  return { ...driveTrace(spec, w, hooks), writer: w };
}

/** What driveTrace writes to: a VcdWriter, or another writer with its interface (FstWriter). */
export interface TraceWriter {
  declare(vars: readonly TraceVar[], clocks: readonly TraceClock[], source: TraceSource): void;
  dump(time: number): void;
  clockEdge(domain: string, level: 0 | 1, time: number): void;
  close(endTime?: number): void;
}

/** writeTrace's simulation into a writer already made (same seed, same values). */
export function driveTrace(spec: TraceSpec, w: TraceWriter, hooks: { beforeEdge?: (cycle: number) => void; close?: boolean } = {}): SimulatedTrace {
  const rand = prng(spec.seed);
  const { src, vars } = layout(spec.vars);
  const patterns: bigint[][] = vars.map(() => []);
  const current: bigint[] = vars.map(() => 0n);
  const times: number[] = [];
  w.declare(vars, [CLOCK], src);
  for (let c = 0; c < spec.cycles; c++) {
    hooks.beforeEdge?.(c);
    spec.vars.forEach((s, i) => {
      if (s.aliasOf !== undefined) return;
      if (c === 0 ? rand() < 0.5 : rand() < s.rate) {
        current[i] = s.decoder && rand() < 0.8 ? BigInt(Math.floor(rand() * s.decoder.length)) : randomBits(rand, s.width);
        store(src, vars[i], current[i]);
      }
    });
    spec.vars.forEach((s, i) => patterns[i].push(current[s.aliasOf ?? i]));
    const t = c * spec.period;
    times.push(t);
    w.clockEdge("sync", 1, t);
    w.dump(t);
    w.clockEdge("sync", 0, t + spec.period / 2);
  }
  if (hooks.close !== false) w.close(spec.cycles * spec.period);
  return { vars, patterns, times };
}
