/**
 * Differential fuzzing: the random circuits of the simulator's property tests
 * (test/sim/random/circuit.ts: expression DAGs over widths 1..96, registers with if/switch/partial
 * assignments, memories with every port kind, up to three clock domains) are emitted and run under
 * Verilator and Icarus against Tessera's simulator (both engines), every output every cycle.
 *
 * The circuits of one run are instances in one top module, so the whole batch costs one Verilator
 * build. A mismatch prints the seed, the circuit's spec and a shrunk spec (shrinking runs under
 * Icarus, which compiles in milliseconds).
 *
 *   TESSERA_SEED=<seed> TESSERA_FUZZ_CIRCUITS=<n> npx vitest run test/verilog/fuzz.test.ts
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Module } from "../../src/hdl/index.js";
import { simulate } from "../../src/sim/index.js";
import type { EngineName } from "../../src/sim/index.js";
import { compareTraces, runCosim, specFromEmitted } from "../../src/verilog/cosim.js";
import type { CosimSpec, Trace, TraceMismatch } from "../../src/verilog/cosim.js";
import { emitDesign } from "../../src/verilog/emit.js";
import { recordTrace } from "../../src/verilog/replay.js";
import { requireTool } from "../../src/verilog/tools.js";
import { buildCircuit, circuitArb } from "../sim/random/circuit.js";
import type { CircuitSpec } from "../sim/random/circuit.js";
import { Rng } from "./rng.js";

const SEED = Number(process.env.TESSERA_SEED ?? 4242);
const N = Number(process.env.TESSERA_FUZZ_CIRCUITS ?? 200);
const CYCLES = 24;
/** One set of periods for the whole batch (the circuits share the top's clock domains). */
const PERIODS = [10, 7, 3];
const DOMAINS = ["sync", "d1", "d2"];

const normalize = (spec: CircuitSpec): CircuitSpec => ({ ...spec, periods: PERIODS.slice(0, spec.periods.length) });

/** Circuits as instances c0, c1, ... of one top; their ports become top ports `c<k>_<port>`. */
function batchTop(specs: readonly CircuitSpec[]): Module {
  const top = new Module("fuzz");
  specs.forEach((spec, k) => {
    const child = top.submodule(`c${k}`, buildCircuit(normalize(spec)).module);
    for (const i of child.inputs) top.comb.set(i, top.input(`c${k}_${i.name}`, i.shape));
    for (const o of child.outputs) top.comb.set(top.output(`c${k}_${o.name}`, o.shape), o);
  });
  return top;
}

function simClocks(make: () => Module) {
  const domains = emitDesign(make()).domains.map((d) => d.domain);
  return Object.fromEntries(domains.map((d) => [d, { period: PERIODS[DOMAINS.indexOf(d)] }]));
}

function stimulus(spec: CosimSpec, seed: number): bigint[][] {
  const r = new Rng(seed);
  const resets = new Set(spec.clocks.map((c) => c.reset));
  return Array.from({ length: CYCLES }, () => spec.inputs.map((p) => (resets.has(p.name) ? (r.bool(0.04) ? 1n : 0n) : r.value(p.width, p.signed))));
}

function ours(make: () => Module, spec: CosimSpec, rows: bigint[][], engine: EngineName): Trace {
  const sim = simulate(make(), { engine, clocks: simClocks(make) });
  return recordTrace({ poke: (n, v) => sim.poke(n, v), peek: (n) => sim.peek(n), step: () => sim.step() }, spec, rows);
}

/** Emit one circuit alone and compare Tessera (interp) with Icarus: the mismatch, or null. */
async function oneUnderIcarus(cs: CircuitSpec): Promise<TraceMismatch | null> {
  const make = () => buildCircuit(normalize(cs)).module;
  const e = emitDesign(make());
  const spec = specFromEmitted(e, { periods: Object.fromEntries(e.domains.map((d) => [d.domain, PERIODS[DOMAINS.indexOf(d.domain)]])) });
  const rows = stimulus(spec, SEED);
  const t = ours(make, spec, rows, "interp");
  return t ? compareTraces(t, await runCosim(spec, rows, { sim: "icarus" })) : null;
}

const json = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === "bigint" ? `${v}n` : v));

async function explain(specs: readonly CircuitSpec[], m: TraceMismatch, tool: string): Promise<string> {
  const k = Number(/^c(\d+)_/.exec(m.signal)?.[1] ?? -1);
  const lines = [`seed ${SEED}, ${tool}: ${m.message}`];
  if (k < 0) return lines.join("\n");
  lines.push(`circuit c${k}: ${json(specs[k])}`);
  if (requireTool("iverilog") && (await oneUnderIcarus(specs[k]))) {
    const r = await fc.check(fc.asyncProperty(circuitArb(), async (cs) => (await oneUnderIcarus(cs)) === null), {
      examples: [[specs[k]]], numRuns: 1, interruptAfterTimeLimit: 120_000,
    });
    if (r.counterexample) lines.push(`shrunk (Icarus): ${json(r.counterexample[0])}`);
  }
  return lines.join("\n");
}

describe(`random circuits under Verilator and Icarus, seed ${SEED} (${N} circuits, one build)`, () => {
  const specs = fc.sample(circuitArb(), { seed: SEED, numRuns: N });
  const make = () => batchTop(specs);
  const e = emitDesign(make());
  const spec = specFromEmitted(e, { periods: Object.fromEntries(e.domains.map((d) => [d.domain, PERIODS[DOMAINS.indexOf(d.domain)]])) });
  const rows = stimulus(spec, SEED);

  for (const tool of ["verilator", "icarus"] as const) {
    test.skipIf(!requireTool(tool === "verilator" ? "verilator" : "iverilog"))(`${tool} == tessera (compiled, interp)`, async () => {
      const theirs = await runCosim(spec, rows, { sim: tool });
      for (const engine of ["compiled", "interp"] as const) {
        const t = ours(make, spec, rows, engine);
        const m = compareTraces(t, theirs, { ours: `tessera ${engine}`, theirs: tool });
        expect(m ? await explain(specs, m, tool) : null).toBeNull();
      }
    });
  }
});
