/**
 * `tessera scalesim` on the shipped topologies (topologies/): the Llama-2-7B and GPT-2 decoder
 * layers, prefill and decode, on a 32x32 array with 64 kB SRAMs (topologies/scalesim-32x32-os.cfg),
 * every dataflow, with the cycle model (CALC bandwidth, and the prefills also under USER bandwidth
 * at 10 words/cycle); and the GPT-2 decode layer with --engine rtl (every GEMM on
 * the RTL array, bit-exact, cycles checked). Prints a markdown table (wall time, layers, stall-free
 * and total cycles, overall utilization) and writes bench/results/scalesim.json.
 *
 *   node --import tsx bench/pe/scalesim.ts
 */
import { readScaleSimConfig, type ScaleSimConfig } from "../../src/scalesim/config.js";
import { runScaleSim, type ScaleSimEngine } from "../../src/scalesim/run.js";
import { readTopology } from "../../src/scalesim/topology.js";
import { machine, markdownTable, writeResults } from "../report.js";

const TOPOLOGIES = ["llama2-7b-decoder-prefill-2048", "llama2-7b-decoder-decode", "gpt2-decoder-prefill-1024", "gpt2-decoder-decode"];
const base = readScaleSimConfig("topologies/scalesim-32x32-os.cfg");

interface Row {
  topology: string;
  dataflow: string;
  bandwidth: string;
  engine: ScaleSimEngine;
  layers: number;
  wallSeconds: number;
  computeCycles: number;
  totalCycles: number;
  macs: number;
  overallUtil: number;
  rtlMatches?: boolean;
}

const rows: Row[] = [];
async function measure(topology: string, cfg: ScaleSimConfig, engine: ScaleSimEngine): Promise<void> {
  const topo = readTopology(`topologies/${topology}.csv`);
  const t0 = performance.now();
  const res = await runScaleSim(cfg, topo, { engine });
  const wallSeconds = (performance.now() - t0) / 1000;
  const sum = (f: (r: (typeof res)[number]) => number) => res.reduce((a, r) => a + f(r), 0);
  const totalCycles = sum((r) => r.stats.totalCycles), macs = sum((r) => r.stats.macs);
  rows.push({
    topology, dataflow: cfg.dataflow, bandwidth: cfg.interfaceBandwidth === "USER" ? `USER ${cfg.bandwidths[0]}` : "CALC", engine, layers: res.length, wallSeconds: Math.round(wallSeconds * 100) / 100,
    computeCycles: sum((r) => r.stats.computeCycles), totalCycles, macs,
    overallUtil: Math.round((macs / (totalCycles * cfg.arrayHeight * cfg.arrayWidth)) * 1e4) / 100,
    ...(engine === "rtl" ? { rtlMatches: res.every((r) => r.rtl!.passed && r.rtl!.computeCycles === r.stats.computeCycles) } : {}),
  });
  process.stderr.write(`${JSON.stringify(rows.at(-1))}\n`);
}

for (const topology of TOPOLOGIES) {
  for (const dataflow of ["os", "ws", "is"] as const) await measure(topology, { ...base, dataflow }, "model");
}
// USER bandwidth mode: stalls at the config's 10 words/cycle through SCALE-Sim's buffers.
for (const topology of ["llama2-7b-decoder-prefill-2048", "gpt2-decoder-prefill-1024"]) {
  for (const dataflow of ["os", "ws", "is"] as const) await measure(topology, { ...base, dataflow, interfaceBandwidth: "USER", bandwidths: [10] }, "model");
}
await measure("gpt2-decoder-decode", base, "rtl");

writeResults("scalesim", { machine: machine(), config: "topologies/scalesim-32x32-os.cfg (32x32, 64 kB SRAMs, CALC bandwidth)", results: rows });
const f = (n: number) => n.toLocaleString("en-US");
process.stdout.write(
  markdownTable([
    ["topology", "dataflow", "bandwidth", "engine", "layers", "wall s", "stall-free cycles", "total cycles", "overall util %", "RTL == model"],
    ...rows.map((r) => [r.topology, r.dataflow, r.bandwidth, r.engine, String(r.layers), r.wallSeconds.toFixed(2), f(r.computeCycles), f(r.totalCycles), r.overallUtil.toFixed(2), r.rtlMatches === undefined ? "-" : r.rtlMatches ? "yes" : "NO"]),
  ]) + "\n",
);
if (rows.some((r) => r.rtlMatches === false)) process.exitCode = 1;
