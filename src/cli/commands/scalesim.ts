/**
 * `tessera scalesim -c <config.cfg> -t <topology.csv> [-p <outdir>] [-i conv|gemm]
 *                   [--engine model|rtl] [--seed s] [--rtl-max-macs n] [--json]`:
 * SCALE-Sim v2's inputs in, its reports out (src/scalesim). Writes <outdir>/<run_name>/ with
 * COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv and DETAILED_ACCESS_REPORT.csv as SCALE-Sim writes them
 * (Total Cycles printed as the index of the last cycle, its convention), and tessera.json with the
 * counts (cycles as counts, stall-free cycles, the RTL's measurements). Prints a table of the
 * layers. Exit 0 when done (and, with --engine rtl, every layer bit-exact with its cycles equal to
 * the model's), 1 when an RTL layer failed, 2 on usage errors (bad files name file, line, field).
 */
import { join } from "node:path";
import { prepareOutputDir, writeFileAtomic } from "../../io/output-file.js";
import { UserError } from "../../io/user-error.js";
import { readScaleSimConfig } from "../../scalesim/config.js";
import { bandwidthReport, computeReport, detailedAccessReport } from "../../scalesim/reports.js";
import { type ScaleSimEngine, type ScaleSimLayerResult, runScaleSim } from "../../scalesim/run.js";
export { SCALESIM_ENGINES } from "../../scalesim/run.js";
import { type TopologyFormat, readTopology } from "../../scalesim/topology.js";
import { table } from "../format.js";
import type { Io } from "../io.js";
import { progress } from "../progress.js";
import { EXIT_FAIL, EXIT_PASS, EXIT_USAGE, UsageError } from "../usage.js";
import { DEFAULT_RTL_MAX_MACS, DEFAULT_SCALESIM_DIR } from "../defaults.js";

export interface ScaleSimArgs {
  config?: string;
  topology?: string;
  path?: string;
  inputType?: TopologyFormat;
  engine?: ScaleSimEngine;
  seed?: number;
  rtlMaxMacs?: number;
  json?: boolean;
}

export { DEFAULT_RTL_MAX_MACS, DEFAULT_SCALESIM_DIR };

export async function scaleSimCommand(args: ScaleSimArgs, io: Io): Promise<number> {
  try {
    if (!args.config) throw new UsageError("scalesim needs -c <config.cfg> (SCALE-Sim v2's config file)");
    if (!args.topology) throw new UsageError("scalesim needs -t <topology.csv> (SCALE-Sim v2's topology file: conv rows, or GEMM rows 'Layer,M,N,K,')");
    const engine = args.engine ?? "model";
    const cfg = readScaleSimConfig(args.config);
    const topo = readTopology(args.topology, args.inputType ? { format: args.inputType } : {});
    if (topo.layers.length === 0) throw new UserError("the topology has no layers (only a header line)", { file: args.topology });
    const maxMacs = args.rtlMaxMacs ?? DEFAULT_RTL_MAX_MACS;
    if (engine === "rtl") {
      const big = topo.layers.find((l) => l.gemm.m * l.gemm.n * l.gemm.k > maxMacs);
      if (big) {
        throw new UserError(`layer '${big.name}' (${big.gemm.m} x ${big.gemm.n} x ${big.gemm.k} = ${big.gemm.m * big.gemm.n * big.gemm.k} MACs) is above --rtl-max-macs ${maxMacs} for RTL simulation; use --engine model (its cycles equal the RTL's) or raise --rtl-max-macs`, { file: args.topology, line: big.line });
      }
    }
    const dir = prepareOutputDir(join(args.path ?? DEFAULT_SCALESIM_DIR, cfg.runName), "-p");
    const bar = progress(io, { json: args.json, label: `scalesim ${cfg.runName}` });
    let results: ScaleSimLayerResult[];
    try {
      results = await runScaleSim(cfg, topo, { engine, seed: args.seed, onLayer: (d, t) => bar.update(d, t) });
    } finally {
      bar.stop();
    }
    const stats = results.map((r) => r.stats);
    const files = {
      compute: join(dir, "COMPUTE_REPORT.csv"),
      bandwidth: join(dir, "BANDWIDTH_REPORT.csv"),
      detailed: join(dir, "DETAILED_ACCESS_REPORT.csv"),
      json: join(dir, "tessera.json"),
    };
    writeFileAtomic(files.compute, computeReport(stats), "-p");
    writeFileAtomic(files.bandwidth, bandwidthReport(stats), "-p");
    writeFileAtomic(files.detailed, detailedAccessReport(stats), "-p");
    const mismatched = results.filter((r) => r.rtl && (!r.rtl.passed || r.rtl.computeCycles !== r.stats.computeCycles));
    const summary = {
      runName: cfg.runName, config: args.config, topology: args.topology, engine,
      array: { rows: cfg.arrayHeight, cols: cfg.arrayWidth, dataflow: cfg.dataflow },
      interfaceBandwidth: cfg.interfaceBandwidth,
      totals: {
        layers: results.length,
        computeCycles: sum(stats.map((s) => s.computeCycles)),
        totalCycles: sum(stats.map((s) => s.totalCycles)),
        stallCycles: sum(stats.map((s) => s.stallCycles)),
        macs: sum(stats.map((s) => s.macs)),
      },
      layers: results.map(layerJson),
      passed: mismatched.length === 0,
      files,
    };
    writeFileAtomic(files.json, JSON.stringify(summary, null, 2) + "\n", "-p");
    if (args.json) io.out(JSON.stringify(summary) + "\n");
    else {
      io.out(formatTable(results, cfg.interfaceBandwidth));
      io.err(`wrote ${files.compute}, ${files.bandwidth}, ${files.detailed}, ${files.json}\n`);
    }
    for (const r of mismatched.slice(0, 5)) {
      io.err(`layer ${r.index} '${r.layer.name}': ${r.rtl!.passed ? `RTL compute cycles ${r.rtl!.computeCycles} != model ${r.stats.computeCycles}` : `RTL run failed: ${r.rtl!.failure}`} (seed ${r.rtl!.seed})\n`);
    }
    return mismatched.length === 0 ? EXIT_PASS : EXIT_FAIL;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`tessera scalesim: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function layerJson(r: ScaleSimLayerResult) {
  const s = r.stats;
  return {
    index: r.index, name: r.layer.name, line: r.layer.line, kind: r.layer.kind, gemm: r.layer.gemm,
    folds: { row: s.rowFolds, col: s.colFolds },
    computeCycles: s.computeCycles, totalCycles: s.totalCycles, stallCycles: s.stallCycles,
    overallUtil: s.overallUtil, mappingEfficiency: s.mappingEfficiency, computeUtil: s.computeUtil,
    sram: s.sram, dram: s.dram, bandwidth: s.bandwidth,
    ...(r.rtl ? { rtl: r.rtl } : {}),
  };
}

function formatTable(results: readonly ScaleSimLayerResult[], mode: string): string {
  const rows = [["#", "layer", "M x N x K", "compute", "total", "stalls", "overall %", "mapping %", "compute %", ...(results.some((r) => r.rtl) ? ["RTL"] : [])]];
  for (const r of results) {
    const s = r.stats;
    rows.push([
      String(r.index), r.layer.name, `${s.gemm.m} x ${s.gemm.n} x ${s.gemm.k}`, String(s.computeCycles), String(s.totalCycles), String(s.stallCycles),
      s.overallUtil.toFixed(2), s.mappingEfficiency.toFixed(2), s.computeUtil.toFixed(2),
      ...(r.rtl ? [r.rtl.passed && r.rtl.computeCycles === s.computeCycles ? `ok (busy ${r.rtl.busyCycles} = ${s.computeCycles} + wait ${r.rtl.waitCycles} + tail ${r.rtl.tailCycles}; ${r.rtl.cycles} in all)` : "MISMATCH"] : []),
    ]);
  }
  const tot = (f: (s: ScaleSimLayerResult["stats"]) => number) => sum(results.map((r) => f(r.stats)));
  return table(rows) + `${results.length} layers: ${tot((s) => s.computeCycles)} stall-free cycles, ${tot((s) => s.totalCycles)} with stalls (${mode} bandwidth); cycles are counts (COMPUTE_REPORT.csv prints each layer's count - 1, as SCALE-Sim does)\n`;
}
