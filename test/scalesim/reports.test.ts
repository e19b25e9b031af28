/** SCALE-Sim's three CSV reports: exact headers, Python number formatting, the printed-cycle convention. */
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { scaleSimLayer } from "../../src/golden/scalesim.js";
import {
  BANDWIDTH_REPORT_HEADER,
  COMPUTE_REPORT_HEADER,
  DETAILED_ACCESS_REPORT_HEADER,
  bandwidthReport,
  computeReport,
  detailedAccessReport,
  pythonFloat,
} from "../../src/scalesim/reports.js";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`scalesim reports properties: FC_SEED=${SEED}`);

describe("headers, as simulator.generate_reports writes them", () => {
  it("COMPUTE_REPORT.csv", () => {
    expect(COMPUTE_REPORT_HEADER).toBe("LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,");
  });
  it("BANDWIDTH_REPORT.csv", () => {
    expect(BANDWIDTH_REPORT_HEADER).toBe("LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,");
  });
  it("DETAILED_ACCESS_REPORT.csv", () => {
    expect(DETAILED_ACCESS_REPORT_HEADER).toBe(
      "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, " +
        "SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, " +
        "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,",
    );
  });
});

describe("Python's str() of a float", () => {
  it.each([
    [100, "100.0"],
    [57.142857142857146, "57.142857142857146"],
    [1 / 3, "0.3333333333333333"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [0.000015, "1.5e-05"],
    [1e15, "1000000000000000.0"],
    [1e16, "1e+16"],
    [12345678901234567, "1.2345678901234568e+16"],
    [-66, "-66.0"],
    [0, "0.0"],
    [2.5e-7, "2.5e-07"],
    [1e22, "1e+22"],
  ])("%s -> %s", (x, s) => expect(pythonFloat(x)).toBe(s));

  test.prop([fc.double({ noNaN: true, noDefaultInfinity: true })], { numRuns: 300, seed: SEED })("reads back to the same number", (x) => {
    expect(Number(pythonFloat(x))).toBe(x);
  });
});

describe("the reports of two layers", () => {
  const a = { rows: 4, cols: 4, ifmapSramKB: 64, filterSramKB: 64, ofmapSramKB: 64 } as const;
  const layers = [scaleSimLayer({ ...a, dataflow: "os" }, { m: 8, n: 8, k: 8 }), scaleSimLayer({ ...a, dataflow: "ws" }, { m: 8, n: 8, k: 8 })];

  it("COMPUTE_REPORT prints the last cycle's index (count - 1) and Python floats", () => {
    // os 56 cycles -> 55; ws 72 -> 71 (see test/golden/scalesim.test.ts for the derivations).
    expect(computeReport(layers)).toBe(
      COMPUTE_REPORT_HEADER +
        "\n" +
        `0, 55, 0, ${pythonFloat(51200 / 880)}, 100.0, ${pythonFloat((128 / 224) * 100)},\n` +
        `1, 71, 0, ${pythonFloat(51200 / 1136)}, 100.0, ${pythonFloat((128 / 336) * 100)},\n`,
    );
    expect(computeReport(layers).split("\n")[1]).toBe("0, 55, 0, 58.18181818181818, 100.0, 57.14285714285714,");
  });

  it("BANDWIDTH_REPORT: SRAM counts over printed cycles, DRAM words over their windows", () => {
    const row = bandwidthReport(layers).split("\n")[1];
    // ifmap 128/55, filter 128/55, ofmap 96/55; DRAM 64 words in 66 cycles (x2), 64 in 16.
    expect(row).toBe(`0, ${[128 / 55, 128 / 55, 96 / 55, 64 / 66, 64 / 66, 4].map(pythonFloat).join(", ")},`);
  });

  it("DETAILED_ACCESS_REPORT: cycles print as numpy floats, counts as ints", () => {
    expect(detailedAccessReport(layers).split("\n")[1]).toBe(
      "0, 1.0, 53.0, 128, 1.0, 53.0, 128, 7.0, 55.0, 96, -66.0, -1.0, 64, -66.0, -1.0, 64, 55.0, 70.0, 64,",
    );
  });

  it("every report ends in a newline and has one row per layer", () => {
    for (const r of [computeReport(layers), bandwidthReport(layers), detailedAccessReport(layers)]) {
      expect(r.endsWith(",\n")).toBe(true);
      expect(r.split("\n")).toHaveLength(4);
    }
  });
});
