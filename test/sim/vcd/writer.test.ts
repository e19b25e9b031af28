/**
 * The VCD writer against vcd-stream (an independent parser): random traces are written, parsed
 * back, and every change is compared with what was simulated.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { varPath } from "../../../src/sim/vcd/index.js";
import { parseVcd, valueAt, type ParsedVcd } from "../../util/vcd-parse.js";
import { writeTrace, type SimulatedTrace, type TraceSpec, type VarSpec } from "./trace-fixture.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-vcd-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const tmpFile = () => path.join(dir, `t${fileNo++}.vcd`);

const SCOPES = [["top"], ["top", "a"], ["top", "a", "b"], ["top", "c"]];

const varSpec = fc.record({
  scope: fc.constantFrom(...SCOPES),
  width: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 33 }) },
    { weight: 2, arbitrary: fc.integer({ min: 34, max: 64 }) },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 200 }) },
  ),
  signed: fc.boolean(),
  rate: fc.constantFrom(0, 0.1, 0.5, 1),
  fsm: fc.boolean(),
  alias: fc.option(fc.nat(), { freq: 5 }),
});

const traceSpec: fc.Arbitrary<TraceSpec> = fc
  .record({
    vars: fc.array(varSpec, { minLength: 1, maxLength: 24 }),
    cycles: fc.integer({ min: 1, max: 40 }),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
  })
  .map(({ vars, cycles, seed }) => ({
    cycles,
    seed,
    period: 10,
    vars: vars.map((v, i): VarSpec => {
      const spec: VarSpec = { scope: v.scope, name: `s${i}`, width: v.width, signed: v.signed, rate: v.rate };
      if (v.fsm && !v.signed && v.width <= 3) spec.decoder = ["IDLE", "RUN", "WAIT", "DONE", "ERR"].slice(0, 2 ** v.width - 1);
      // an alias names an earlier var's node again (same width and signedness)
      const target = v.alias !== null && i > 0 ? v.alias % i : undefined;
      if (target !== undefined && vars[target].alias === null) {
        const t = vars[target];
        Object.assign(spec, { width: t.width, signed: t.signed, aliasOf: target });
        spec.decoder = undefined;
      }
      return spec;
    }),
  }));

/** Every traced var's changes equal the simulated values; changes only; clock toggles. */
function checkAgainstSimulation(vcd: ParsedVcd, sim: SimulatedTrace, window: [number, number] = [0, Infinity]): void {
  const inWindow = sim.times.map((t, c) => ({ t, c })).filter(({ t }) => t >= window[0] && t <= window[1]);
  sim.vars.forEach((v, i) => {
    const p = varPath(v);
    const vv = vcd.varAt(p);
    expect(vv.size, p).toBe(v.width);
    const changes = vcd.changesOf(p);
    // values read back at each dump time equal the simulated values
    for (const { t, c } of inWindow) expect(valueAt(changes, BigInt(t)), `${p} at cycle ${c}`).toBe(sim.patterns[i][c]);
    // changes only: the first is the full dump, each later one differs from the one before
    for (let k = 1; k < changes.length; k++) {
      expect(changes[k].value, `${p}: change ${k} repeats the value`).not.toBe(changes[k - 1].value);
      expect(changes[k].time > changes[k - 1].time, `${p}: two changes at one time`).toBe(true);
    }
    // nothing outside the window
    for (const ch of changes) expect(Number(ch.time) >= window[0] && Number(ch.time) <= window[1], `${p} at ${ch.time}`).toBe(true);
    if (v.decoder) {
      const names = vcd.changesOf(p + "_name");
      expect(vcd.varAt(p + "_name").type).toBe("string");
      for (const { t, c } of inWindow) {
        const n = Number(sim.patterns[i][c]);
        expect(valueAt(names, BigInt(t)), `${p}_name at cycle ${c}`).toBe(v.decoder[n] ?? `?${n}`);
      }
    }
  });
  // the clock: 1 at each rising edge, 0 at the half period; the first event in the window dumps its level
  const clk = vcd.changesOf("top.clk");
  const expected = sim.times
    .flatMap((t) => [{ time: BigInt(t), value: 1n }, { time: BigInt(t + 5), value: 0n }])
    .filter(({ time }) => Number(time) >= window[0] && Number(time) <= window[1]);
  expect(clk).toEqual(expected);
}

const SEED = 0x7e55e4a;

describe("VcdWriter, random traces parsed back by vcd-stream", () => {
  test(`every change equals the simulation (fast-check seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(traceSpec, async (spec) => {
        const file = tmpFile();
        const sim = writeTrace(spec, file, {});
        const vcd = await parseVcd(file);
        // header
        expect(vcd.date).toBe("test date");
        expect(vcd.version).toBe("test version");
        expect(vcd.timescale).toBe("1ns");
        // #0 first, with every value in $dumpvars
        expect(vcd.body.trimStart().startsWith("#0\n$dumpvars\n")).toBe(true);
        expect(vcd.timestamps[0]).toBe(0n);
        // timestamps increase; a final #end marks the length of the last cycle
        for (let k = 1; k < vcd.timestamps.length; k++) expect(vcd.timestamps[k] > vcd.timestamps[k - 1]).toBe(true);
        expect(vcd.timestamps.at(-1)).toBe(BigInt(spec.cycles * spec.period));
        checkAgainstSimulation(vcd, sim);
        fs.rmSync(file);
      }),
      { seed: SEED, numRuns: 120 },
    );
  });

  test(`a cycle window is self-contained and nothing outside it is written (fast-check seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(traceSpec, fc.nat(400), fc.nat(400), async (spec, a, b) => {
        const window: [number, number] = [Math.min(a, b), Math.max(a, b)];
        const file = tmpFile();
        const sim = writeTrace(spec, file, { window });
        const vcd = await parseVcd(file);
        const firstEvent = sim.times.flatMap((t) => [t, t + 5]).find((t) => t >= window[0] && t <= window[1]);
        if (firstEvent === undefined) {
          expect(vcd.timestamps).toEqual([]);
          expect([...vcd.changes.values()].flat()).toEqual([]);
        } else {
          expect(vcd.body.trimStart().startsWith(`#${firstEvent}\n$dumpvars\n`)).toBe(true);
          // the full dump at the window's start holds every var
          for (const v of vcd.vars) expect(vcd.changes.get(v.id)?.[0]?.time, v.path).toBe(BigInt(firstEvent));
          checkAgainstSimulation(vcd, sim, window);
        }
        fs.rmSync(file);
      }),
      { seed: SEED + 1, numRuns: 80 },
    );
  });

  test("a small buffer flushes many times and loses nothing", async () => {
    const vars: VarSpec[] = Array.from({ length: 300 }, (_, i) => ({
      scope: SCOPES[i % 4],
      name: `v${i}`,
      width: [1, 7, 32, 40, 90][i % 5],
      signed: i % 3 === 0,
      rate: 0.7,
    }));
    const file = tmpFile();
    const sim = writeTrace({ vars, cycles: 50, seed: 99, period: 10 }, file, { bufferBytes: 4096 });
    expect(sim.writer.bytesWritten).toBe(fs.statSync(file).size);
    expect(fs.statSync(file).size).toBeGreaterThan(50 * 4096);
    checkAgainstSimulation(await parseVcd(file), sim);
  });

  test("very wide values (up to 65536 bits) round-trip", async () => {
    const vars: VarSpec[] = [
      { scope: ["top"], name: "w4k", width: 4096, signed: true, rate: 1 },
      { scope: ["top"], name: "w64k", width: 65536, signed: false, rate: 0.5 },
      { scope: ["top"], name: "w53", width: 53, signed: true, rate: 1 },
    ];
    const file = tmpFile();
    const sim = writeTrace({ vars, cycles: 6, seed: 7, period: 10 }, file, {});
    checkAgainstSimulation(await parseVcd(file), sim);
  });

  test("vars naming one node share an identifier code and are dumped once", async () => {
    const vars: VarSpec[] = [
      { scope: ["top"], name: "q", width: 8, signed: false, rate: 1 },
      { scope: ["top", "sub"], name: "in_q", width: 8, signed: false, rate: 1, aliasOf: 0 },
    ];
    const file = tmpFile();
    const sim = writeTrace({ vars, cycles: 5, seed: 3, period: 10 }, file, {});
    const vcd = await parseVcd(file);
    expect(vcd.varAt("top.q").id).toBe(vcd.varAt("top.sub.in_q").id);
    checkAgainstSimulation(vcd, sim);
  });
});
