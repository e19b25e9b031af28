/**
 * The `tessera` CLI end to end, in-process through main(argv, io): exit codes (0 pass, 1 fail,
 * 2 usage), JSON shapes, and the messages for unknown names and bad parameters.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { registry } from "../../src/tb/registry.js";
import { requireTool } from "../../src/verilog/tools.js";
import { sweepPlan, parseShard } from "../../src/cli/commands/sweep.js";
import { findTestbench } from "../../src/tb/registry.js";
import { runCli } from "../util/run-cli.js";

const tmp = mkdtempSync(join(tmpdir(), "tessera-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCli(argv);

describe("tessera list", () => {
  it("--json gives {name, description, params} for every testbench", async () => {
    const r = await cli("list", "--json");
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out);
    expect(list.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(["counter", "mac-grid"]));
    for (const t of list) {
      expect(Object.keys(t).sort()).toEqual(["description", "name", "params"]);
      for (const p of t.params) expect(p).toMatchObject({ name: expect.any(String), type: expect.stringMatching(/^(int|number|enum|bool|string)$/), description: expect.any(String) });
    }
    const mg = list.find((t: { name: string }) => t.name === "mac-grid");
    expect(mg.params.map((p: { name: string }) => p.name)).toEqual(["rows", "cols", "m", "n", "k", "data"]);
  });

  it("prints each parameter with its range and default", async () => {
    const r = await cli("list");
    expect(r.code).toBe(0);
    expect(r.out).toContain("--param rows=<int 1..64>  default 8");
    expect(r.out).toContain("--param data=<one of uniform|extremes|mixed>");
  });
});

describe("tessera run", () => {
  it("--json result has the contract's fields; exit 0 on pass", async () => {
    const r = await cli("run", "mac-grid", "--param", "rows=3", "--param", "cols=2", "--param", "k=5", "--seed", "11", "--json");
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res).toMatchObject({ name: "mac-grid", passed: true, seed: 11, params: { rows: 3, cols: 2, m: 16, n: 16, k: 5, data: "mixed" }, failures: [] });
    expect(res.cycles).toBeGreaterThan(0);
    expect(res.checks).toBeGreaterThan(0);
    expect(res.metrics.utilization).toBeGreaterThan(0);
    expect(res.metrics.utilization).toBeLessThanOrEqual(1);
  });

  it("runs the same with --engine interp", async () => {
    const a = JSON.parse((await cli("run", "counter", "--json", "--cycles", "300")).out);
    const b = JSON.parse((await cli("run", "counter", "--json", "--cycles", "300", "--engine", "interp")).out);
    delete a.timing;
    delete b.timing;
    expect(b).toEqual(a);
  });

  it("runs the same with --threads 2, and says when a design runs on one thread anyway", async () => {
    const args = ["run", "noc", "--json", "--no-vcd", "--cycles", "2000", "--param", "w=4", "--param", "h=4"];
    const a = JSON.parse((await cli(...args)).out);
    const r = await cli(...args, "--threads", "2");
    const b = JSON.parse(r.out);
    delete a.timing;
    delete b.timing;
    expect(b).toEqual(a);
    expect(r.err).toBe("");
    const c = await cli("run", "counter", "--threads", "2");
    expect(c.code).toBe(0);
    expect(c.err).toMatch(/--threads 2: running on one thread: the design has no shared code to split/);
  });

  it("text output names the result, params and metrics", async () => {
    const r = await cli("run", "counter", "--param", "width=4", "--param", "wrap=9");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^counter: PASS {2}cycles 1001 {2}checks 2001 {2}seed 1/);
    expect(r.out).toContain("params:  width=4 wrap=9 enable_pct=90 load_pct=5");
  });

  it("writes a VCD with --vcd", async () => {
    const file = join(tmp, "sub", "counter.vcd");
    const r = await cli("run", "counter", "--cycles", "20", "--vcd", file);
    expect(r.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("$enddefinitions");
    expect(text).toMatch(/\$var \S+ 8 \S+ count/);
  });

  it("writes an FST with --fst (alongside --vcd), named in the output", async () => {
    const file = join(tmp, "sub", "counter.fst");
    const r = await cli("run", "counter", "--cycles", "20", "--fst", file, "--vcd", join(tmp, "sub", "counter2.vcd"));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`  fst:     ${file}\n`);
    const bytes = readFileSync(file);
    expect([bytes[0], bytes.readBigUInt64BE(1)]).toEqual([0, 329n]); // the FST header block
    expect(bytes.readBigUInt64BE(9 + 8)).toBeGreaterThan(0n); // end time, set at close
  });

  it.each([
    [["run", "nope"], /unknown testbench 'nope'; registered testbenches: counter, mac-grid/],
    [["run", "counter", "--param", "foo=1"], /testbench 'counter' has no parameter 'foo'; its parameters: width \(int 1\.\.64, default 8\), wrap/],
    [["run", "mac-grid", "--param", "rows=0"], /parameter 'rows' of mac-grid: 0 is out of range; allowed: int 1\.\.64 \(default 8\)/],
    [["run", "mac-grid", "--param", "rows=two"], /parameter 'rows' of mac-grid: 'two' is not an integer; allowed: int 1\.\.64/],
    [["run", "mac-grid", "--param", "data=gauss"], /parameter 'data' of mac-grid: 'gauss' is not an accepted value; allowed: one of uniform\|extremes\|mixed/],
    [["run", "mac-grid", "--param", "rows=2", "--param", "rows=3"], /--param rows is given twice/],
    [["run", "mac-grid", "--param", "rows"], /--param 'rows': expected name=value/],
    [["run", "counter", "--param", "width=4", "--param", "wrap=16"], /wrap=16 does not fit in width=4 \(wrap must be -1 or 0\.\.15\)/],
    [["run", "counter", "--engine", "verilog"], /Allowed choices are compiled, interp/],
    [["run", "counter", "--threads", "4"], /--threads must be a whole number 1\.\.2/],
    [["run", "counter", "--cycles", "0"], /the cycle count must be a whole number >= 1/],
    [["run", "counter", "--seed", "-1"], /the seed must be a whole number 0\.\.4294967295/],
    [["run", "all", "--param", "rows=2"], /'run all' runs every testbench at its default parameters/],
    [["run", "all", "--vcd", "x.vcd"], /use --vcd-dir DIR/],
    [["run", "all", "--fst", "x.fst"], /use --fst-dir DIR/],
    [["run", "counter", "--fst", "same.w", "--vcd", "same.w"], /--fst and --vcd name the same file/],
    [["bogus"], /unknown command 'bogus'/],
    [["run"], /missing required argument 'testbench'/],
  ])("usage error (exit 2): %j", async (argv, message) => {
    const r = await cli(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe("");
  });

  it("run all runs every testbench, writes a VCD (and with --fst-dir an FST) per testbench and prints a summary table", async () => {
    const dir = join(tmp, "waves");
    const r = await cli("run", "all", "--vcd-dir", dir, "--fst-dir", join(dir, "fst"));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^testbench +result +cycles +checks +time +metrics\n/);
    expect(r.out).toMatch(/\nmac-grid +PASS +\d+ +\d+ +[\d.]+ m?s +gemms=1 tiles=4 macs=8192 utilization=0\.\d+\n/);
    const n = registry().length;
    expect(r.out).toContain(`${n}/${n} passed in`);
    expect(existsSync(join(dir, "counter.vcd")) && existsSync(join(dir, "mac-grid.vcd"))).toBe(true);
    expect(existsSync(join(dir, "fst", "counter.fst")) && existsSync(join(dir, "fst", "mac-grid.fst"))).toBe(true);
    expect(r.out).toContain(`; waveforms in ${dir}/ and ${join(dir, "fst")}/\n`);
  });

  // The compiled engine: every testbench at its defaults on the reference interpreter would take
  // minutes (the SPEQ decoder alone runs ~86k cycles); --engine reaches the run below.
  it("run all --json --no-vcd gives an array of results", async () => {
    const r = await cli("run", "all", "--json", "--no-vcd");
    expect(r.code).toBe(0);
    const all = JSON.parse(r.out);
    expect(all.map((x: { name: string }) => x.name)).toEqual(registry().map((t) => t.name));
    for (const x of all) {
      expect(x).toMatchObject({ passed: true, seed: 1, failures: [] });
      expect(x).not.toHaveProperty("vcd");
    }
  });

  it("--engine interp runs a testbench on the reference interpreter", async () => {
    const r = await cli("run", "mac-grid", "--json", "--no-vcd", "--engine", "interp");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ name: "mac-grid", passed: true });
  });
});

describe("tessera verify", () => {
  it("passes with a fixed seed and reports it", async () => {
    const r = await cli("verify", "all", "--runs", "8", "--seed", "123");
    expect(r.code).toBe(0);
    expect(r.out).toContain("verify: 8 runs per testbench, seed 123");
    expect(r.out).toMatch(/counter: PASS {2}8 runs/);
    expect(r.out).toMatch(/mac-grid: PASS {2}8 runs/);
  });

  it("--json gives one outcome per testbench", async () => {
    const r = await cli("verify", "counter", "--runs", "5", "--seed", "9", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ name: "counter", passed: true, runs: 5, seed: 9, timing: { wallMs: expect.any(Number) } }]);
  });

  it("unknown testbench is a usage error", async () => {
    const r = await cli("verify", "nope");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/registered testbenches: counter, mac-grid/);
  });
});

describe("tessera emit / cosim / sweep", () => {
  it("emit writes Verilog for a design at the given parameters", async () => {
    const file = join(tmp, "grid.v");
    const r = await cli("emit", "mac-grid", "--param", "rows=2", "--param", "cols=3", "-o", file, "--top", "grid2x3");
    expect(r.code).toBe(0);
    const v = readFileSync(file, "utf8");
    expect(v).toMatch(/module grid2x3\b/);
    expect(v).toContain("pe_r1_c2_acc");
  });

  it("emit validates parameters like run", async () => {
    const r = await cli("emit", "counter", "--param", "width=65");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/parameter 'width' of counter: 65 is out of range/);
  });

  it("cosim replays a testbench into Icarus and Verilator and compares every output", async () => {
    expect((await cli("cosim", "counter", "--sim", "ghdl")).err).toMatch(/Allowed choices are verilator, icarus/);
    if (!requireTool("iverilog", "verilator")) return;
    const r = await cli("cosim", "mac-grid", "--sim", "icarus", "--param", "rows=2", "--param", "cols=3", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ name: "mac-grid", sim: "icarus", agree: true, mismatch: null, testbenchPassed: true });
    const v = await cli("cosim", "counter", "--sim", "verilator", "--param", "width=5");
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/counter: tessera and verilator agree on 2 outputs over \d+ cycles/);
  });

  it("sweep plans the cross product of swept values and validates --shard", async () => {
    const plan = sweepPlan(findTestbench("mac-grid"), ["rows=1..3", "data=uniform,extremes"]);
    expect(plan).toHaveLength(6);
    expect(plan[5]).toMatchObject({ rows: 3, data: "extremes", cols: 8 });
    expect(() => sweepPlan(findTestbench("counter"), ["width=4", "wrap=3,16"])).toThrow(/wrap=16 does not fit in width=4/);
    expect(parseShard("1/4")).toEqual({ index: 1, count: 4 });
    expect((await cli("sweep", "counter", "--shard", "4/4")).code).toBe(2);
    const r = await cli("sweep", "mac-grid", "--param", "rows=1..4", "--seeds", "2", "--workers", "2", "--json");
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.points).toHaveLength(8);
    expect(res.points.map((p: { params: { rows: number }; seed: number }) => `${p.params.rows}/${p.seed}`)).toEqual(["1/1", "1/2", "2/1", "2/2", "3/1", "3/2", "4/1", "4/2"]);
    // Shards partition the points.
    const s0 = JSON.parse((await cli("sweep", "mac-grid", "--param", "rows=1..4", "--seeds", "2", "--shard", "0/3", "--json")).out);
    const s1 = JSON.parse((await cli("sweep", "mac-grid", "--param", "rows=1..4", "--seeds", "2", "--shard", "1/3", "--json")).out);
    const s2 = JSON.parse((await cli("sweep", "mac-grid", "--param", "rows=1..4", "--seeds", "2", "--shard", "2/3", "--json")).out);
    expect(s0.points.length + s1.points.length + s2.points.length).toBe(8);
  });

  it("--help exits 0 and lists the commands", async () => {
    const r = await cli("--help");
    expect(r.code).toBe(0);
    for (const c of ["list", "run", "verify", "emit", "cosim", "sweep", "report", "scalesim", "system", "serve-sim", "octopus", "mobile", "new"]) expect(r.out).toContain(c);
  });
});
