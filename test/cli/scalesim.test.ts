/**
 * `tessera scalesim` end to end: SCALE-Sim v2's config and topology in, its three reports and our
 * JSON out; --engine rtl runs each layer on the RTL array and checks its cycles against the model;
 * bad files and oversized RTL layers are usage errors that name the file and line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { scaleSimLayerUser } from "../../src/golden/scalesim-user.js";
import { COMPUTE_REPORT_HEADER } from "../../src/scalesim/reports.js";
import { runCli } from "../util/run-cli.js";

const TOPO = resolve("topologies");

function smallConfig(dir: string, dataflow: string, rows = 8, cols = 6): string {
  const text = readFileSync(join(TOPO, "scalesim-32x32-os.cfg"), "utf8")
    .replace(/ArrayHeight:\s*32/, `ArrayHeight: ${rows}`)
    .replace(/ArrayWidth:\s*32/, `ArrayWidth: ${cols}`)
    .replace(/Dataflow\s*:\s*os/, `Dataflow : ${dataflow}`)
    .replace(/run_name = \S+/, `run_name = small_${dataflow}`);
  const file = join(dir, `small-${dataflow}.cfg`);
  writeFileSync(file, text);
  return file;
}

describe("tessera scalesim", () => {
  it("runs a shipped decoder topology with the cycle model and writes SCALE-Sim's reports", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-"));
    const r = await runCli(["scalesim", "-c", join(TOPO, "scalesim-32x32-os.cfg"), "-t", join(TOPO, "gpt2-decoder-decode.csv"), "-p", dir, "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.layers).toHaveLength(28);
    const out = join(dir, "scalesim_32x32_os");
    const compute = readFileSync(join(out, "COMPUTE_REPORT.csv"), "utf8").split("\n");
    expect(compute[0]).toBe(COMPUTE_REPORT_HEADER);
    expect(compute).toHaveLength(28 + 2); // header, 28 rows, the final newline
    // Total Cycles prints the count - 1 (SCALE-Sim's convention); the JSON keeps the count.
    expect(compute[1].split(", ")[1]).toBe(String(s.layers[0].totalCycles - 1));
    expect(JSON.parse(readFileSync(join(out, "tessera.json"), "utf8")).totals).toEqual(s.totals);
    for (const f of ["BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv"]) expect(readFileSync(join(out, f), "utf8")).toMatch(/^LayerID, /);
  });

  it("--engine rtl: every layer bit-exact on the RTL array, busy cycles = closed form + waits + tail, all dataflows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-rtl-"));
    const topo = join(dir, "t.csv");
    writeFileSync(topo, "Layer,M,N,K,\nodd,13,17,9,\ntall,40,5,3,\nsquare,16,16,16,\n");
    for (const df of ["os", "ws", "is"]) {
      const r = await runCli(["scalesim", "-c", smallConfig(dir, df), "-t", topo, "-p", dir, "--engine", "rtl", "--json"]);
      expect(r.code, r.err).toBe(0);
      const s = JSON.parse(r.out);
      expect(s.passed).toBe(true);
      for (const l of s.layers) {
        expect(l.rtl.passed).toBe(true);
        expect(l.rtl.computeCycles).toBe(l.computeCycles);
        expect(l.rtl.busyCycles).toBe(l.computeCycles + l.rtl.waitCycles + l.rtl.tailCycles);
      }
    }
  }, 120_000);

  it("InterfaceBandwidth USER: stalls from the config's Bandwidth, as the USER-mode model gives them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-user-"));
    const cfg = join(dir, "user.cfg");
    writeFileSync(cfg, readFileSync(smallConfig(dir, "ws"), "utf8").replace(/InterfaceBandwidth:\s*CALC/, "InterfaceBandwidth: USER").replace(/IfmapSramSzkB:\s*\d+/, "IfmapSramSzkB: 1").replace(/FilterSramSzkB:\s*\d+/, "FilterSramSzkB: 1").replace(/Bandwidth : 10/, "Bandwidth : 2"));
    const topo = join(dir, "t.csv");
    writeFileSync(topo, "Layer,M,N,K,\nbig,96,40,70,\n");
    const r = await runCli(["scalesim", "-c", cfg, "-t", topo, "-p", dir, "--engine", "rtl", "--json"]);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.interfaceBandwidth).toBe("USER");
    // The RTL engine's own run, its DRAM channels at the config's 2 bytes (int8 words) per cycle.
    const rtl = s.layers[0].rtl;
    expect(rtl.passed).toBe(true);
    expect(rtl.dramBw).toBe(2);
    expect(rtl.stallCycles).toBe(rtl.cycles - s.layers[0].computeCycles);
    expect(rtl.waitCycles).toBeGreaterThan(0); // 2 bytes per cycle cannot feed an 8x6 array
    const want = scaleSimLayerUser({ rows: 8, cols: 6, dataflow: "ws", ifmapSramKB: 1, filterSramKB: 1, ofmapSramKB: 64 }, { m: 96, n: 40, k: 70 }, 2);
    expect(s.layers[0].stallCycles).toBe(want.stallCycles);
    expect(s.layers[0].totalCycles).toBe(want.totalCycles);
    expect(want.stallCycles).toBeGreaterThan(0); // 1 kB buffers at 2 words/cycle cannot keep up
  });

  it("bad input: a usage error naming the file, line and field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-bad-"));
    const cfg = join(dir, "bad.cfg");
    writeFileSync(cfg, readFileSync(join(TOPO, "scalesim-32x32-os.cfg"), "utf8").replace(/Dataflow\s*:\s*os/, "Dataflow : xs"));
    const r = await runCli(["scalesim", "-c", cfg, "-t", join(TOPO, "gpt2-decoder-decode.csv"), "-p", dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`bad\\.cfg:\\d+: .*dataflow`, "i"));
    const topo = join(dir, "bad.csv");
    writeFileSync(topo, "Layer,M,N,K,\nok,4,4,4,\nbroken,4,x,4,\n");
    const t = await runCli(["scalesim", "-c", join(TOPO, "scalesim-32x32-os.cfg"), "-t", topo, "-p", dir]);
    expect(t.code).toBe(2);
    expect(t.err).toMatch(/bad\.csv:3: /);
  });

  it("--engine rtl refuses a layer too large to simulate, pointing at --engine model", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scalesim-big-"));
    const r = await runCli(["scalesim", "-c", join(TOPO, "scalesim-32x32-os.cfg"), "-t", join(TOPO, "llama2-7b-decoder-prefill-2048.csv"), "-p", dir, "--engine", "rtl"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/llama2-7b-decoder-prefill-2048\.csv:2: .*Q_proj.*--engine model/);
  });
});
