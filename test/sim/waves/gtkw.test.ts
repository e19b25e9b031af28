/**
 * GTKWave save files: the writer's rules on small cases (globs, radixes, FSM names, group markers)
 * and `tessera run` writing the file next to its dumps. Every registered testbench's save file,
 * opened by GTKWave itself on its dump, is in test/sim/waves-testbenches.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { globToRegExp } from "../../../src/sim/vcd/filter.js";
import { resolveView, savePathFor } from "../../../src/sim/waves/gtkw.js";
import { runCli } from "../../util/run-cli.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-gtkw-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("resolveView", () => {
  const vars = [
    { path: "top.clk", width: 1, signed: false },
    { path: "top.state", width: 2, signed: false, decoder: ["IDLE", "RUN", "DONE"] },
    { path: "top.pe_r0_c0.acc", width: 32, signed: true },
    { path: "top.pe_r0_c1.acc", width: 32, signed: true },
    { path: "top.pe_r1_c1.acc", width: 32, signed: true },
    { path: "top.pe_r1_c1.sub.acc", width: 8, signed: false },
    { path: "top.count", width: 8, signed: false },
  ];

  test("globs stay within a segment, ** crosses them", () => {
    expect(globToRegExp("pe_*.acc").test("pe_r0_c0.acc")).toBe(true);
    expect(globToRegExp("pe_*.acc").test("pe_r1_c1.sub.acc")).toBe(false);
    expect(globToRegExp("**.acc").test("pe_r1_c1.sub.acc")).toBe(true);
    expect(globToRegExp("pe_r?_c0.acc").test("pe_r0_c0.acc")).toBe(true);
    expect(globToRegExp("a.b").test("axb")).toBe(false);
  });

  test("radixes follow the signal unless set; FSM state names follow their register; groups are marked", () => {
    const r = resolveView(
      { groups: [{ name: "g", signals: ["clk", "state", "pe_r?_c?.acc", { path: "count", radix: "dec" }, "nothing_*"] }] },
      "top",
      vars,
    );
    expect(r.traces.map((t) => `${t.flags.toString(16)} ${t.name}`)).toEqual([
      "800200 -g",
      "28 top.clk",
      "22 top.state[1:0]",
      "28 top.state_name",
      "420 top.pe_r0_c0.acc[31:0]",
      "420 top.pe_r0_c1.acc[31:0]",
      "420 top.pe_r1_c1.acc[31:0]",
      "24 top.count[7:0]",
      "1000200 -g",
    ]);
    expect(r.missing).toEqual(["g: nothing_*"]);
    expect(r.signals).toBe(7);
  });

  test("a signal named twice in a group shows once; a closed group carries the flag", () => {
    const r = resolveView({ groups: [{ name: "g", signals: ["count", "count", "*"], closed: true }] }, "top", vars);
    expect(r.traces.filter((t) => t.name === "top.count[7:0]")).toHaveLength(1);
    expect(r.traces[0].flags & (1 << 22)).not.toBe(0);
    expect(r.missing).toEqual([]);
  });

  test("the save file sits next to its dump", () => {
    expect(savePathFor("waves/run.vcd")).toBe("waves/run.gtkw");
    expect(savePathFor("waves/run.fst")).toBe("waves/run.gtkw");
    expect(savePathFor("dump")).toBe("dump.gtkw");
  });
});

describe("tessera run writes the save file next to its dumps", () => {
  test("--vcd and --fst with one name share one .gtkw, which names the testbench's signals", async () => {
    const vcd = path.join(dir, "cli", "sys.vcd");
    const r = await runCli(["run", "systolic", "--param", "rows=3", "--param", "cols=3", "--vcd", vcd, "--fst", vcd.replace(/vcd$/, "fst")]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`gtkw:    ${path.join(dir, "cli", "sys.gtkw")}`);
    const text = fs.readFileSync(path.join(dir, "cli", "sys.gtkw"), "utf8");
    expect(text).toContain("gemm_tb.engine.core0.array.pe_r2_c2.acc[31:0]");
    expect(text).toContain("gemm_tb.engine.phase_state_name");
  });
});
