/** The shipped config and topologies through the golden model into the three reports. */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scaleSimLayer } from "../../src/golden/scalesim.js";
import { readScaleSimConfig } from "../../src/scalesim/config.js";
import { bandwidthReport, computeReport, detailedAccessReport } from "../../src/scalesim/reports.js";
import { readTopology } from "../../src/scalesim/topology.js";

const here = (p: string) => fileURLToPath(new URL(`../../topologies/${p}`, import.meta.url));

describe("shipped files, 32x32 os with 64 kB SRAMs", () => {
  const cfg = readScaleSimConfig(here("scalesim-32x32-os.cfg"));
  const arch = { rows: cfg.arrayHeight, cols: cfg.arrayWidth, dataflow: cfg.dataflow, ifmapSramKB: cfg.ifmapSramKB, filterSramKB: cfg.filterSramKB, ofmapSramKB: cfg.ofmapSramKB };

  it.each(["llama2-7b-decoder-prefill-2048.csv", "llama2-7b-decoder-decode.csv", "gpt2-decoder-prefill-1024.csv", "gpt2-decoder-decode.csv", "conv-example.csv"])(
    "%s runs stall-free in CALC mode and reports one row per layer",
    (file) => {
      const topo = readTopology(here(file));
      const layers = topo.layers.map((l) => scaleSimLayer(arch, l.gemm, { ifmapUniqueWords: l.ifmapUniqueWords }));
      for (const r of layers) {
        expect(r.stallCycles).toBe(0);
        expect(r.totalCycles).toBe(r.computeCycles);
        // DRAM reads at least the distinct words; GEMM layers are modelled exactly.
        expect(r.dram.filter.words).toBeGreaterThanOrEqual(r.gemm.k * r.gemm.n);
        if (topo.format === "gemm") expect(r.dram.ifmap.exact).toBe(true);
      }
      for (const report of [computeReport(layers), bandwidthReport(layers), detailedAccessReport(layers)]) {
        expect(report.trimEnd().split("\n")).toHaveLength(layers.length + 1);
      }
    },
  );

  it("Llama-2-7B's Q projection in prefill: 64 x 128 folds of 32 + 32 + 4096 - 2 cycles", () => {
    const topo = readTopology(here("llama2-7b-decoder-prefill-2048.csv"));
    const r = scaleSimLayer(arch, topo.layers[0].gemm);
    expect(r.computeCycles).toBe(64 * 128 * 4158);
    expect(computeReport([r]).split("\n")[1].split(", ").slice(0, 3)).toEqual(["0", String(64 * 128 * 4158 - 1), "0"]);
  });
});
