/**
 * Filters (hierarchy prefixes, name globs, RegExps), FSM string vars, and a cross-check of our
 * output against GTKWave's own VCD reader (vcd2fst, then fst2vcd back) where GTKWave is installed.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { compileFilter, globToRegExp, type TraceVar } from "../../../src/sim/vcd/index.js";
import { parseVcd } from "../../util/vcd-parse.js";
import { writeTrace, type VarSpec } from "./trace-fixture.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-vcdf-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const tmpFile = (ext = "vcd") => path.join(dir, `f${fileNo++}.${ext}`);

const DESIGN: VarSpec[] = [
  { scope: ["top"], name: "start", width: 1, signed: false, rate: 0.3 },
  { scope: ["top"], name: "acc", width: 32, signed: true, rate: 1 },
  { scope: ["top", "grid"], name: "acc", width: 24, signed: false, rate: 0.5 },
  { scope: ["top", "grid", "pe_0_0"], name: "acc", width: 40, signed: true, rate: 0.5 },
  { scope: ["top", "grid", "pe_0_0"], name: "a_in", width: 8, signed: true, rate: 0.5 },
  { scope: ["top", "grid", "pe_0_1"], name: "acc", width: 70, signed: false, rate: 0.5 },
  { scope: ["top", "ctrl"], name: "fsm_state", width: 2, signed: false, rate: 0.5, decoder: ["IDLE", "LOAD", "RUN"] },
  { scope: ["top", "gridlock"], name: "x", width: 3, signed: false, rate: 0.5 },
];
const spec = { vars: DESIGN, cycles: 30, seed: 4242, period: 10 };

async function tracedPaths(opts: Parameters<typeof writeTrace>[2]): Promise<string[]> {
  const file = tmpFile();
  writeTrace(spec, file, opts);
  return (await parseVcd(file)).vars.map((v) => v.path);
}

describe("filters", () => {
  test("globs: * within a level, ** across levels, ? one character", () => {
    expect(globToRegExp("top.*.acc").test("top.grid.acc")).toBe(true);
    expect(globToRegExp("top.*.acc").test("top.grid.pe_0_0.acc")).toBe(false);
    expect(globToRegExp("top.**.acc").test("top.grid.pe_0_0.acc")).toBe(true);
    expect(globToRegExp("pe_?_0").test("pe_3_0")).toBe(true);
    expect(globToRegExp("a+b(c)").test("a+b(c)")).toBe(true); // regex characters are literal
  });

  test("a hierarchy prefix keeps that scope and below, not siblings that share a prefix", async () => {
    expect(await tracedPaths({ scopes: ["top.grid"] })).toEqual([
      "top.clk",
      "top.grid.acc",
      "top.grid.pe_0_0.acc",
      "top.grid.pe_0_0.a_in",
      "top.grid.pe_0_1.acc",
    ]);
  });

  test("a glob without a dot matches bare names; with dots, whole paths; RegExps test paths", async () => {
    expect(await tracedPaths({ signals: ["acc"] })).toEqual(["top.clk", "top.acc", "top.grid.acc", "top.grid.pe_0_0.acc", "top.grid.pe_0_1.acc"]);
    expect(await tracedPaths({ signals: ["top.grid.*.acc"] })).toEqual(["top.clk", "top.grid.pe_0_0.acc", "top.grid.pe_0_1.acc"]);
    expect(await tracedPaths({ signals: [/pe_0_0/, "start"] })).toEqual(["top.clk", "top.start", "top.grid.pe_0_0.acc", "top.grid.pe_0_0.a_in"]);
    expect(await tracedPaths({ signals: [/acc$/g], scopes: ["top.grid.pe_0_1"] })).toEqual(["top.clk", "top.grid.pe_0_1.acc"]);
  });

  test("filters that keep nothing are an error naming the filters and some signals", () => {
    expect(() => writeTrace(spec, tmpFile(), { signals: ["nope*"] })).toThrow(
      /filters signals \["nope\*"\] keep none of the 8 signals \(they include top\.start, top\.acc/,
    );
  });

  test("compileFilter keeps everything when empty", () => {
    expect(compileFilter({})).toBeUndefined();
    const v: TraceVar = { scope: ["top"], name: "x", width: 1, signed: false, store: 1, index: 0 };
    expect(compileFilter({ scopes: ["top.x"] })!(v)).toBe(true); // a full var path works as a prefix too
  });
});

describe("FSM state names as string vars", () => {
  test("a var with a decoder gets <name>_name, a $var string with s<STATE> values", async () => {
    const file = tmpFile();
    const sim = writeTrace(spec, file, {});
    const vcd = await parseVcd(file);
    const st = vcd.varAt("top.ctrl.fsm_state_name");
    expect(st).toMatchObject({ type: "string", size: 1 });
    const text = fs.readFileSync(file, "latin1");
    expect(text).toContain(`$var string 1 ${st.id} fsm_state_name $end`);
    const i = sim.vars.findIndex((v) => v.name === "fsm_state");
    const names = vcd.changesOf("top.ctrl.fsm_state_name");
    const numbers = vcd.changesOf("top.ctrl.fsm_state");
    // one string change per numeric change, at the same time, naming the state
    expect(names.map((c) => c.time)).toEqual(numbers.map((c) => c.time));
    names.forEach((c, k) => {
      const n = Number(numbers[k].value);
      expect(c.value).toBe(["IDLE", "LOAD", "RUN"][n] ?? `?${n}`);
    });
    // the fixture draws value 3 (no name) now and then: it is written as ?3
    expect(sim.patterns[i]).toContain(3n);
    expect(names.map((c) => c.value)).toContain("?3");
  });

  test("fsmStrings: false leaves the string vars out (for readers such as vcd-stream)", async () => {
    const file = tmpFile();
    writeTrace(spec, file, { fsmStrings: false });
    const text = fs.readFileSync(file, "latin1");
    expect(text).not.toContain("$var string");
    expect(text).not.toMatch(/^s/m);
    expect((await parseVcd(file)).vars.map((v) => v.path)).not.toContain("top.ctrl.fsm_state_name");
  });
});

const haveGtkwave = spawnSync("vcd2fst", ["--help"]).error === undefined && spawnSync("fst2vcd", ["--help"]).error === undefined;

describe.skipIf(!haveGtkwave)("GTKWave reads what we write (vcd2fst, then fst2vcd back)", () => {
  test("every var and every change survive GTKWave's VCD reader, string vars included", async () => {
    const file = tmpFile();
    writeTrace({ ...spec, cycles: 60 }, file, {});
    const fst = tmpFile("fst");
    const conv = spawnSync("vcd2fst", [file, fst], { encoding: "utf8" });
    expect(conv.status, conv.stderr).toBe(0);
    const back = spawnSync("fst2vcd", [fst], { encoding: "latin1", maxBuffer: 1 << 26 });
    expect(back.status, back.stderr).toBe(0);
    const ours = await parseVcd(file);
    const theirs = await parseVcd(Buffer.from(back.stdout, "latin1"));
    expect(theirs.vars.map((v) => v.path).sort()).toEqual(ours.vars.map((v) => v.path).sort());
    // fst2vcd writes strings with C escapes ("?3" comes back as "\\?3"); GTKWave shows them unescaped
    const unescape = (c: { time: bigint; value: bigint | string }) =>
      typeof c.value === "string" ? { ...c, value: c.value.replace(/\\(.)/g, "$1") } : c;
    for (const v of ours.vars) {
      expect(theirs.changesOf(v.path).map(unescape), v.path).toEqual(ours.changesOf(v.path));
    }
    expect(theirs.changesOf("top.ctrl.fsm_state_name").length).toBeGreaterThan(5);
  });
});
