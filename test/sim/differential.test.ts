/**
 * Differential property test: on random circuits (expression DAGs over widths 1..96, signed and
 * unsigned, registers with if/switch/partial assignments, memories with every port kind, up to
 * three clock domains), the compiled engine (activity-driven evaluation on and off), the
 * interpreter and the independent bigint model agree on every output every cycle. fast-check prints the seed and the shrunk circuit spec.
 */
import { describe, expect } from "vitest";
import { test, fc } from "@fast-check/vitest";
import { simulate } from "../../src/sim/index.js";
import { buildCircuit, circuitArb, edgeSchedule, stimulus, CircuitSpec } from "./random/circuit.js";

const RUNS = Number(process.env.TESSERA_DIFF_RUNS ?? 1200);

function check(spec: CircuitSpec): void {
  const built = buildCircuit(spec);
  const clocks = Object.fromEntries(built.domains.map((d, i) => [d, { period: spec.periods[i] }]));
  // The compiled engine with activity-driven evaluation on and off (multi-domain circuits run full).
  const compiled = simulate(built.module, { engine: "compiled", clocks, activity: "on" });
  const full = simulate(built.module, { engine: "compiled", clocks, activity: "off" });
  const interp = simulate(built.module, { engine: "interp", clocks });
  const stim = stimulus(spec, spec.cycles);
  const schedule = edgeSchedule(spec.periods, spec.cycles);
  let g = 0;
  for (let c = 0; c <= spec.cycles; c++) {
    const ins = stim[c];
    built.inputs.forEach((sig, i) => {
      compiled.poke(sig, ins[i]);
      full.poke(sig, ins[i]);
      interp.poke(sig, ins[i]);
    });
    const want = built.model.outputs(ins);
    built.outputs.forEach((o, i) => {
      const where = `cycle ${c}, output ${o.name}`;
      expect(compiled.peek(o), `compiled (activity on), ${where}`).toBe(want[i]);
      expect(full.peek(o), `compiled (activity off), ${where}`).toBe(want[i]);
      expect(interp.peek(o), `interp, ${where}`).toBe(want[i]);
    });
    if (c === spec.cycles) break;
    // Advance one edge of the default domain, with any other domains' edges on the way.
    for (;;) {
      const doms = schedule[g++];
      built.model.edge(doms, ins);
      if (doms.includes(0)) break;
    }
    compiled.step();
    full.step();
    interp.step();
  }
}

describe("random circuits: compiled engine == interpreter == independent model", () => {
  test.prop([circuitArb()], { numRuns: RUNS })("every output, every cycle", (spec) => {
    check(spec);
  });

  test.prop([circuitArb({ maxNodes: 60, maxWidth: 40 })], { numRuns: 100 })("larger DAGs of narrower values", (spec) => {
    check(spec);
  });
});
