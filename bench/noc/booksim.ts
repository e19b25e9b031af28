/**
 * The NoC against the configurations researchers quote (issue 14): 4x4 and 8x8 meshes, 1 and 4
 * VCs of 4 flits, uniform and transpose traffic, 1- and 4-flit packets; for each, zero-load
 * latency (the sweep's lowest load) and saturation (average latency at twice zero-load, and the
 * peak accepted throughput) under `preset=booksim` next to today's default router settings, both
 * measured as BookSim measures (measurement=converge with BookSim's sample periods and latency
 * threshold: a point past saturation is declared unstable). Writes bench/results/noc-booksim.json and prints a markdown table (for src/hw/noc/README.md).
 *
 *   node --import tsx bench/noc/booksim.ts            # everything (8x8 points take a while)
 *   BOOKSIM_MESHES=4 node --import tsx bench/noc/booksim.ts
 */
import { availableParallelism } from "node:os";
import { runSweep } from "../../src/sweep/index.js";
import { BOOKSIM_SAMPLING } from "../../src/tb/noc/sampling.js";
import { machine, markdownTable, writeResults } from "../report.js";

const meshes = (process.env.BOOKSIM_MESHES ?? "4,8").split(",").map(Number);
const RATES = [0.02, 0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9];

interface Row {
  mesh: string;
  vcs: number;
  traffic: string;
  packetSize: number;
  router: "booksim" | "default";
  zeroLoad: number;
  saturation: number | null;
  peakThroughput: number | null;
}

const rows: Row[] = [];
for (const n of meshes) {
  for (const vcs of [1, 4]) {
    for (const traffic of ["uniform", "transpose"]) {
      for (const packetSize of [1, 4]) {
        for (const router of ["booksim", "default"] as const) {
          const params = { w: n, h: n, vcs, bufDepth: 4, traffic, packetSize, ...(router === "booksim" ? { preset: "booksim" } : { measurement: "converge" }) };
          const r = await runSweep({ params, rates: RATES, seeds: 1, seed: 1, workers: availableParallelism(), refine: 1, drainLimit: 3000 });
          const low = r.points.filter((p) => p.rate === Math.min(...r.rates)).map((p) => Number(p.metrics.avgLatency));
          rows.push({
            mesh: `${n}x${n}`, vcs, traffic, packetSize, router,
            zeroLoad: Math.round(low[0] * 10) / 10,
            saturation: r.saturation.rate,
            peakThroughput: r.saturation.peakThroughput?.throughput ?? null,
          });
          process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
        }
      }
    }
  }
}
writeResults("noc-booksim", { machine: machine(), rates: RATES, bufDepth: 4, measure: { measurement: "converge", ...BOOKSIM_SAMPLING, seeds: 1, drainLimit: 3000 }, results: rows });
const fmt = (v: number | null) => (v === null ? "-" : v.toFixed(3));
process.stdout.write(
  markdownTable([
    ["mesh", "VCs x 4", "traffic", "flits", "zero-load (booksim)", "saturation booksim (2x zero-load / peak accepted)", "zero-load (default)", "saturation default (2x zero-load / peak accepted)"],
    ...rows.filter((r) => r.router === "booksim").map((b) => {
      const d = rows.find((r) => r.router === "default" && r.mesh === b.mesh && r.vcs === b.vcs && r.traffic === b.traffic && r.packetSize === b.packetSize)!;
      return [b.mesh, String(b.vcs), b.traffic, String(b.packetSize), b.zeroLoad.toFixed(1), `${fmt(b.saturation)} / ${fmt(b.peakThroughput)}`, d.zeroLoad.toFixed(1), `${fmt(d.saturation)} / ${fmt(d.peakThroughput)}`];
    }),
  ]) + "\n",
);
