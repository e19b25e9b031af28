/**
 * The PEs against the golden wrap-around MAC: random operand types (int8/int16, signed/unsigned),
 * accumulator widths and operand sequences, on both engines.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { simulate } from "../../../src/sim/index.js";
import { OPERAND_TYPES, OperandType, accShapeFor, operandShape } from "../../../src/hw/pe/mac.js";
import { makeOsPe } from "../../../src/hw/pe/pe-os.js";
import { makeStationaryPe } from "../../../src/hw/pe/pe-stationary.js";
import { wrapInt } from "../../../src/golden/gemm.js";
import { EXTREMES, TYPE_RANGE } from "../../../src/tb/pe/operands.js";

const typeArb = fc.constantFrom(...OPERAND_TYPES);
const valueArb = (t: OperandType) => fc.oneof(fc.integer({ min: TYPE_RANGE[t][0], max: TYPE_RANGE[t][1] }), fc.constantFrom(...EXTREMES[t]));

const caseArb = fc.record({ aType: typeArb, bType: typeArb, accWidth: fc.integer({ min: 2, max: 48 }) }).chain((c) =>
  fc.record({
    aType: fc.constant(c.aType), bType: fc.constant(c.bType), accWidth: fc.constant(c.accWidth),
    steps: fc.array(fc.record({ a: valueArb(c.aType), b: valueArb(c.bType), capture: fc.integer({ min: 0, max: 5 }).map((x) => x === 0) }), { minLength: 1, maxLength: 40 }),
  }),
);

describe("output-stationary PE", () => {
  test.prop([caseArb], { numRuns: 60 })("acc wraps like the golden; capture moves the sum to the drain and restarts", ({ aType, bType, accWidth, steps }) => {
    const aSh = operandShape(aType), bSh = operandShape(bType), acc = accShapeFor(aSh, bSh, accWidth);
    for (const engine of ["compiled", "interp"] as const) {
      const { module } = makeOsPe({ a: aSh, b: bSh, acc });
      const sim = simulate(module, { engine });
      let want = 0, drain = 0;
      for (const [i, st] of steps.entries()) {
        sim.poke("a", st.a);
        sim.poke("b", st.b);
        sim.poke("capture", st.capture ? 1 : 0);
        sim.poke("drain_in", 0);
        sim.step();
        const sum = wrapInt(want + st.a * st.b, acc);
        if (st.capture) [drain, want] = [sum, 0];
        else [drain, want] = [0, sum];
        expect(Number(sim.peek("acc")), `${engine} acc after step ${i}`).toBe(want);
        expect(Number(sim.peek("drain_out")), `${engine} drain after step ${i}`).toBe(drain);
        expect(Number(sim.peek("a_out"))).toBe(st.a);
        expect(Number(sim.peek("b_out"))).toBe(st.b);
      }
    }
  });

  it("int8 extremes: 127 * -128 summed 3 times into an 8-bit signed accumulator wraps each step", () => {
    const aSh = operandShape("int8"), acc = accShapeFor(aSh, aSh, 8);
    const { module } = makeOsPe({ a: aSh, b: aSh, acc });
    const sim = simulate(module);
    sim.poke("a", 127);
    sim.poke("b", -128);
    sim.step(3);
    // 3 * -16256 = -48768; modulo 256 that is 128 -> -128 as s8.
    expect(sim.peek("acc")).toBe(-128n);
  });
});

describe("stationary PE", () => {
  test.prop([caseArb], { numRuns: 60 })("psum_out = wrap(psum_in + x * w), w held until load_w", ({ aType, bType, accWidth, steps }) => {
    const xSh = operandShape(aType), wSh = operandShape(bType), acc = accShapeFor(xSh, wSh, accWidth);
    const { module } = makeStationaryPe({ x: xSh, w: wSh, acc });
    const sim = simulate(module);
    let w = 0;
    for (const [i, st] of steps.entries()) {
      const psum = wrapInt(st.a * 3 + 7, acc);
      sim.poke("x", st.a);
      sim.poke("psum_in", psum);
      sim.poke("w_in", st.b);
      sim.poke("load_w", st.capture ? 1 : 0);
      sim.step();
      expect(Number(sim.peek("psum_out")), `psum after step ${i}`).toBe(wrapInt(psum + st.a * w, acc));
      if (st.capture) w = st.b;
      expect(Number(sim.peek("w"))).toBe(w);
      expect(Number(sim.peek("x_out"))).toBe(st.a);
    }
  });
});

describe("MAC parameters", () => {
  it("accumulator is unsigned only when both operands are", () => {
    expect(accShapeFor(operandShape("uint8"), operandShape("uint16"), 24)).toEqual({ width: 24, signed: false });
    expect(accShapeFor(operandShape("uint8"), operandShape("int8"), 24)).toEqual({ width: 24, signed: true });
  });
  it("rejects accumulator widths outside 2..48, naming the parameter", () => {
    expect(() => accShapeFor(operandShape("int8"), operandShape("int8"), 64)).toThrow(/accWidth 64/);
    expect(() => operandShape("int4" as OperandType)).toThrow(/int4/);
  });
});
