/**
 * `tessera wavediff` and compareWaves: a one-bit difference planted at a random cycle of a random
 * var (any width, scope, store) in an FST otherwise equal to a VCD of the same trace is reported
 * at exactly that cycle and var, with both values, and exit 1; the unplanted pair is equal (exit
 * 0). Plus real runs (our VCD and FST of a testbench agree; Verilator's VCD of the emitted design
 * agrees with ours), traces of different lengths, paths under Verilator's TOP scope, and usage
 * errors (exit 2). FC_SEED=<n> replays the property; the seed is printed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { fc, test as fcTest } from "@fast-check/vitest";
import { FstWriter } from "../../../src/sim/fst/index.js";
import type { TraceClock, TraceSource, TraceVar } from "../../../src/sim/vcd/index.js";
import { VcdWriter } from "../../../src/sim/vcd/index.js";
import { compareWaves } from "../../../src/sim/wavefile/compare.js";
import { openWave } from "../../../src/sim/wavefile/index.js";
import { resolveParams } from "../../../src/cli/params.js";
import { registry } from "../../../src/tb/registry.js";
import { driveTrace, type TraceWriter, type VarSpec } from "../vcd/trace-fixture.js";
import { runCli } from "../../util/run-cli.js";
import { diffReaders } from "./histories.js";
import { macGrid } from "../../../src/hw/examples/mac-grid.js";
import { simulate } from "../../../src/sim/index.js";
import { emitDesign } from "../../../src/verilog/emit.js";
import { requireTool, runToolOk } from "../../../src/verilog/tools.js";
import { harness } from "../../../bench/verilog/trace.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`wavediff planted differences: FC_SEED=${SEED}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-wavediff-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const PERIOD = 10;

/**
 * A writer in front of another that flips bit `bit` of var `index` in the values it dumps at time
 * `at`, and only then: the trace it writes differs from the simulated one by that one bit at that
 * one cycle (the writer records the change and, at the next dump, the change back).
 */
class PlantingWriter implements TraceWriter {
  private source?: TraceSource;
  private vars: readonly TraceVar[] = [];
  constructor(private readonly inner: TraceWriter, private readonly plant: { index: number; bit: number; at: number }) {}
  declare(vars: readonly TraceVar[], clocks: readonly TraceClock[], source: TraceSource): void {
    this.vars = vars;
    this.source = source;
    this.inner.declare(vars, clocks, source);
  }
  dump(time: number): void {
    if (time !== this.plant.at) return this.inner.dump(time);
    const v = this.vars[this.plant.index];
    const s = this.source!;
    const flip = () => {
      const mask = 1n << BigInt(this.plant.bit);
      const as = (x: bigint) => (v.signed ? BigInt.asIntN(v.width, x) : BigInt.asUintN(v.width, x));
      if (v.store === 0) s.I[v.index] = Number(as(BigInt(s.I[v.index]) ^ mask));
      else if (v.store === 1) s.U[v.index] = Number(as(BigInt(s.U[v.index]) ^ mask));
      else if (v.store === 2) s.F[v.index] = Number(as(BigInt(s.F[v.index]) ^ mask));
      else s.B[v.index] = as(s.B[v.index] ^ mask);
    };
    flip();
    this.inner.dump(time);
    flip();
  }
  clockEdge(domain: string, level: 0 | 1, time: number): void {
    this.inner.clockEdge(domain, level, time);
  }
  close(endTime?: number): void {
    this.inner.close(endTime);
  }
}

const varArb = fc.record({
  width: fc.integer({ min: 1, max: 70 }),
  signed: fc.boolean(),
  rate: fc.constantFrom(0, 0.2, 1),
  scope: fc.constantFrom(["top"], ["top", "a"], ["top", "a", "b"]),
});

let n = 0;
describe("a planted one-bit difference", () => {
  fcTest.prop(
    [fc.array(varArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.nat(), fc.nat(), fc.nat()],
    { numRuns: 40, seed: SEED },
  )("is found at its cycle and var, with both values; without it the files are equal", async (records, cycles, seed, pickVar, pickCycle, pickBit) => {
    const vars: VarSpec[] = records.map((r, i) => ({ ...r, scope: [...r.scope], name: `v${i}` }));
    const index = pickVar % vars.length, cycle = pickCycle % cycles, bit = pickBit % vars[index].width;
    const base = path.join(dir, `p${n++}`);
    const spec = { vars, cycles, seed, period: PERIOD };
    const sim = driveTrace(spec, new VcdWriter(base + ".vcd", { date: "d" }));
    driveTrace(spec, new FstWriter(base + ".fst", { date: "d", thread: false }));
    driveTrace(spec, new PlantingWriter(new FstWriter(base + ".planted.fst", { date: "d", thread: false }), { index, bit, at: cycle * PERIOD }));

    const same = await runCli(["wavediff", base + ".vcd", base + ".fst", "--json"]);
    expect(same.code, same.err).toBe(0);
    expect(JSON.parse(same.out)).toMatchObject({ equal: true, cycles: { a: cycles, b: cycles }, first: null });

    const r = await runCli(["wavediff", base + ".vcd", base + ".planted.fst", "--json"]);
    expect(r.code, r.err).toBe(1);
    const out = JSON.parse(r.out);
    const signal = `${vars[index].scope.join(".")}.${vars[index].name}`;
    const want = sim.patterns[index][cycle];
    const bits = (x: bigint) => x.toString(2).padStart(vars[index].width, "0");
    expect(out.first).toEqual({
      cycle,
      timeA: cycle * PERIOD,
      timeB: cycle * PERIOD,
      total: 1,
      differences: [{ signal, a: bits(want), b: bits(want ^ (1n << BigInt(bit))) }],
    });
    // the text names the cycle, the signal and the bit
    const text = await runCli(["wavediff", base + ".vcd", base + ".planted.fst"]);
    expect(text.code).toBe(1);
    expect(text.out).toContain(`first at cycle ${cycle} `);
    expect(text.out).toMatch(new RegExp(`\\n  ${signal.replace(/\./g, "\\.")} .*${vars[index].width > 1 ? `\\(bit ${bit}\\)` : ""}\\n`));
    // restricted to other signals, the files are equal
    const others = vars.filter((_, i) => i !== index).map((v) => `${v.scope.join(".")}.${v.name}`);
    if (others.length) expect((await runCli(["wavediff", base + ".vcd", base + ".planted.fst", "--signals", others.join(",")])).code).toBe(0);
    // the tests' own comparison of two readers (diffReaders) sees the planted bit too
    const pairDiff = async (x: string, y: string) => {
      const [p, q] = [await openWave(x), await openWave(y)];
      try {
        return await diffReaders(p, q);
      } finally {
        await Promise.all([p.close(), q.close()]);
      }
    };
    expect(await pairDiff(base + ".vcd", base + ".fst")).toEqual([]);
    expect(await pairDiff(base + ".vcd", base + ".planted.fst")).toEqual([expect.stringMatching(new RegExp(`^first different change: ${cycle * PERIOD}: `))]);
    for (const f of [".vcd", ".fst", ".planted.fst"]) fs.rmSync(base + f);
  });
});

describe("wavediff on real runs and odd cases", () => {
  test("our VCD and FST of a testbench are equal; a run with another seed differs, at cycle 0 or later", async () => {
    const tb = registry().find((t) => t.name === "systolic")!;
    const params = resolveParams(tb, []);
    const base = path.join(dir, "sys");
    expect((await tb.run({ params, seed: 1, vcd: base + ".vcd", fst: base + ".fst" })).passed).toBe(true);
    expect((await tb.run({ params, seed: 2, fst: base + "-2.fst" })).passed).toBe(true);
    const same = await runCli(["wavediff", base + ".vcd", base + ".fst"]);
    expect(same.code, same.out + same.err).toBe(0);
    expect(same.out).toMatch(/^equal: \d+ cycles, \d+ signals at the rising edges of gemm_tb\.clk\n$/);
    const other = await runCli(["wavediff", base + ".fst", base + "-2.fst", "--json"]);
    expect(other.code).toBe(1);
    const first = JSON.parse(other.out).first;
    expect(first.total).toBeGreaterThan(0);
    // the same answer through the API, and the listed differences are the first ones by name
    const a = await openWave(base + ".fst"), b = await openWave(base + "-2.fst");
    const r = await compareWaves(a, b, { maxListed: 3 });
    await Promise.all([a.close(), b.close()]);
    expect(r.first?.cycle).toBe(first.cycle);
    expect(r.first?.differences).toEqual(first.differences.slice(0, 3));
  }, 60_000);

  test.skipIf(!requireTool("verilator"))("a run against Verilator's FST of the emitted design: equal on every signal both have", async () => {
    // The bench's C++ harness drives the inputs from xorshift32 (seed 12345) in port order, then a
    // clock edge; the same stimulus here, so both runs see the same values at every edge.
    const make = () => macGrid({ rows: 2, cols: 3 });
    const e = emitDesign(make());
    const vdir = path.join(dir, "verilator");
    fs.mkdirSync(vdir);
    fs.writeFileSync(path.join(vdir, `${e.top}.v`), e.text);
    fs.writeFileSync(path.join(vdir, "main.cpp"), harness(e.top, e.ports.filter((p) => p.dir === "input"), e.domains[0].clock, e.domains[0].reset, true));
    await runToolOk("verilator", ["--cc", "--exe", "--build", "-O1", "--trace-fst", "-Wno-fatal", "--top-module", e.top, "-o", "Vw", `${e.top}.v`, "main.cpp"], { cwd: vdir, timeoutMs: 600_000 });
    const cycles = 200;
    await runToolOk(path.join(vdir, "obj_dir", "Vw"), [String(cycles), path.join(vdir, "theirs.fst")], { cwd: vdir });

    const sim = simulate(make());
    sim.traceVcd(path.join(vdir, "ours.vcd"));
    const ins = sim.net.inputs.filter((n) => !sim.net.resets.includes(n));
    let x = 12345;
    for (let c = 0; c < cycles; c++) {
      for (const node of ins) {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        const w = node.shape.width;
        const bits = BigInt(w >= 32 ? x : x & ((1 << w) - 1));
        sim.poke(node.name, node.shape.signed ? BigInt.asIntN(w, bits) : bits);
      }
      sim.step();
    }
    sim.close();
    const r = await runCli(["wavediff", path.join(vdir, "ours.vcd"), path.join(vdir, "theirs.fst"), "--json"]);
    expect(r.code, r.out + r.err).toBe(0);
    const out = JSON.parse(r.out);
    expect(out).toMatchObject({ equal: true, cycles: { a: cycles, b: cycles }, scopeSetAside: { file: "b", scope: "TOP" } });
    // every PE's accumulator is among the signals compared
    expect(out.signals).toBeGreaterThan(2 * 3);
    // and the comparison is not vacuous: against a run with other inputs, the accumulators differ
    const other = simulate(make());
    other.traceFst(path.join(vdir, "other.fst"));
    for (let c = 0; c < cycles; c++) {
      for (const node of ins) other.poke(node.name, BigInt(c % 2));
      other.step();
    }
    other.close();
    const d = await runCli(["wavediff", path.join(vdir, "other.fst"), path.join(vdir, "theirs.fst"), "--signals", "**.acc", "--json"]);
    expect(d.code).toBe(1);
    expect(JSON.parse(d.out).first.differences[0].signal).toMatch(/acc$/);
  }, 300_000);

  test("traces of different lengths: equal as far as both go, then a difference (exit 1); --cycles compares a prefix", async () => {
    const vars: VarSpec[] = [{ scope: ["top"], name: "x", width: 8, signed: false, rate: 0.5 }];
    const base = path.join(dir, "len");
    driveTrace({ vars, cycles: 30, seed: 5, period: PERIOD }, new VcdWriter(base + ".30.vcd", { date: "d" }));
    driveTrace({ vars, cycles: 20, seed: 5, period: PERIOD }, new VcdWriter(base + ".20.vcd", { date: "d" }));
    const r = await runCli(["wavediff", base + ".30.vcd", base + ".20.vcd"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("equal for 20 cycles");
    expect(r.out).toContain("30 cycles in");
    expect((await runCli(["wavediff", base + ".30.vcd", base + ".20.vcd", "--cycles", "20"])).code).toBe(0);
  });

  test("an FST cut short (a killed run) compares up to its cut, then differs (exit 1) and says why", async () => {
    const vars: VarSpec[] = [{ scope: ["top"], name: "x", width: 16, signed: false, rate: 0.5 }];
    const base = path.join(dir, "cut");
    driveTrace({ vars, cycles: 400, seed: 3, period: PERIOD }, new VcdWriter(base + ".vcd", { date: "d" }));
    driveTrace({ vars, cycles: 400, seed: 3, period: PERIOD }, new FstWriter(base + ".fst", { date: "d", thread: false, blockTimes: 40 }));
    const whole = fs.readFileSync(base + ".fst");
    fs.writeFileSync(base + ".cut.fst", whole.subarray(0, Math.floor(whole.length * 0.6)));
    const r = await runCli(["wavediff", base + ".vcd", base + ".cut.fst", "--json"]);
    expect(r.code, r.err).toBe(1);
    const out = JSON.parse(r.out);
    expect(out.first).toBeNull();
    expect(out.cycles.a).toBe(400);
    expect(out.cycles.b).toBeGreaterThan(50);
    expect(out.cycles.b).toBeLessThan(400);
    expect(out.cutShort).toEqual([{ file: "b", message: expect.stringMatching(/cut short/) }]);
    const text = await runCli(["wavediff", base + ".vcd", base + ".cut.fst"]);
    expect(text.out).toMatch(/note: .*cut\.fst: cut short.*compared up to there/);
    expect(text.out).toMatch(new RegExp(`equal for ${out.cycles.b} cycles`));
    // the part before the cut is all there: equal over those cycles
    expect((await runCli(["wavediff", base + ".vcd", base + ".cut.fst", "--cycles", String(out.cycles.b)])).code).toBe(0);
  });

  test("a design under Verilator's TOP scope meets ours with TOP set aside", async () => {
    const vars: VarSpec[] = [
      { scope: ["top"], name: "x", width: 8, signed: false, rate: 0.5 },
      { scope: ["top", "u"], name: "y", width: 40, signed: true, rate: 0.5 },
    ];
    const wrapped = vars.map((v) => ({ ...v, scope: ["TOP", ...v.scope] }));
    const base = path.join(dir, "top");
    driveTrace({ vars, cycles: 12, seed: 9, period: PERIOD }, new VcdWriter(base + ".ours.vcd", { date: "d" }));
    driveTrace({ vars: wrapped, cycles: 12, seed: 9, period: PERIOD }, new FstWriter(base + ".theirs.fst", { date: "d", thread: false }));
    const r = await runCli(["wavediff", base + ".ours.vcd", base + ".theirs.fst", "--json"]);
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ equal: true, scopeSetAside: { file: "b", scope: "TOP" }, signals: 2, clock: { a: "top.clk", b: "TOP.clk" } });
  });

  test("usage errors name the file, signal or clock, and exit 2", async () => {
    const vars: VarSpec[] = [{ scope: ["top"], name: "count", width: 8, signed: false, rate: 0.5 }];
    const f = path.join(dir, "u.vcd");
    driveTrace({ vars, cycles: 5, seed: 1, period: PERIOD }, new VcdWriter(f, { date: "d" }));
    const missing = await runCli(["wavediff", f, path.join(dir, "nope.fst")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.fst.*no such file/);
    const notWave = path.join(dir, "notes.txt");
    fs.writeFileSync(notWave, "hello\n");
    expect((await runCli(["wavediff", f, notWave])).err).toMatch(/notes\.txt.*not a VCD/);
    const sig = await runCli(["wavediff", f, f, "--signals", "cuont"]);
    expect(sig.code).toBe(2);
    expect(sig.err).toMatch(/no var matches 'cuont'.*top\.count/);
    const clk = await runCli(["wavediff", f, f, "--clock", "clock"]);
    expect(clk.code).toBe(2);
    expect(clk.err).toMatch(/no 1-bit clock 'clock'.*--clock/);
    expect((await runCli(["wavediff", f])).code).toBe(2);
  });
});
