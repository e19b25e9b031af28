/**
 * The CLI's failure paths (exit 1), with planted bugs: a mac-grid whose PE (2, 0) ignores clear,
 * and a testbench that throws. main(argv, io) is given the registry plus these.
 */
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { registry } from "../../src/tb/registry.js";
import { macGridTb } from "../../src/tb/examples/mac-grid.js";
import type { Testbench } from "../../src/tb/types.js";
import { buggyMacGrid, withDesign } from "../tb/examples/mutants.js";
import { runCli } from "../util/run-cli.js";

const broken: Testbench = {
  ...withDesign(macGridTb, (p) => buggyMacGrid(Number(p.rows), Number(p.cols), { kind: "noClear", at: (i, j) => i === 2 && j === 0 })),
  name: "broken-grid",
};
const throwing: Testbench = {
  ...macGridTb,
  name: "throwing",
  run: async () => {
    throw new RangeError("simulated crash");
  },
};

const cli = (...argv: string[]) => runCli(argv, { testbenches: () => [...registry(), broken, throwing] });

describe("failing runs exit 1 and say how to replay", () => {
  it("run: FAIL, the first failures, and the replay command", async () => {
    const r = await cli("run", "broken-grid", "--seed", "5", "--engine", "interp");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^broken-grid: FAIL/);
    expect(r.out).toMatch(/ {2}FAIL pe_r2_c0_acc = C\[\d+\]\[0\] after tile \(1, 0\)/);
    expect(r.out).toContain("replay:  tessera run broken-grid --seed 5 --param rows=8 --param cols=8 --param m=16 --param n=16 --param k=32 --param data=mixed --engine interp --vcd waves/broken-grid-fail.vcd");
  });

  it("run --json: passed false with failures", async () => {
    const r = await cli("run", "broken-grid", "--json");
    expect(r.code).toBe(1);
    const res = JSON.parse(r.out);
    expect(res.passed).toBe(false);
    expect(res.failures.length).toBeGreaterThan(0);
    expect(res.failures.length).toBeLessThanOrEqual(11);
  });

  it("a testbench that throws is a failed run carrying the error", async () => {
    const r = await cli("run", "throwing", "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).failures).toEqual(["testbench threw RangeError: simulated crash"]);
  });

  it("run all: the table marks the failures, exit 1", async () => {
    const r = await cli("run", "all", "--no-vcd");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\nbroken-grid +FAIL /);
    expect(r.out).toMatch(/\nthrowing +FAIL /);
    expect(r.out).toMatch(/\ncounter +PASS /);
    const n = registry().length;
    expect(r.out).toContain(`${n}/${n + 2} passed`);
  });

  it("verify: the shrunk counterexample, its replay command, and how to verify again", async () => {
    const r = await cli("verify", "broken-grid", "--runs", "100", "--seed", "31");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/broken-grid: FAIL {2}after \d+ runs, shrunk \d+ times/);
    expect(r.out).toMatch(/counterexample: rows=3 cols=1 m=\d+ n=\d+ k=1 data=\w+ {2}data seed \d+/);
    expect(r.out).toMatch(/replay: {2}tessera run broken-grid --seed \d+ --param rows=3 --param cols=1 /);
    expect(r.out).toContain("verify again: tessera verify broken-grid --seed 31 --runs 100");
  });
});
