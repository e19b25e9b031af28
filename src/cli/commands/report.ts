/**
 * `tessera report wsc-moe [-o <dir>] [--param k=v]... [--seed s] [--study k=v]... [--json]`: runs
 * the wafer-scale MoE layer on the RTL mesh under block, entwined and global mappings and with the
 * greedy and NI balancers, and the balancer study over a seeded skewed trace (src/system/wsc),
 * then writes <dir>/report.md, report.json and heat-<mapping>-<phase>.svg (default dir
 * wsc-report). Each file is written under a temporary name and renamed, so a reader never sees
 * half a file. Prints the paths it wrote. Exit 0 when every RTL run passed its checks, 1 when one
 * failed (the report is still written), 2 on usage errors (unknown report, bad --param or
 * --study, an -o folder that cannot be written).
 */
import { prepareOutputDir, writeFileAtomic } from "../../io/output-file.js";
import { join } from "node:path";
import { findTestbench } from "../../tb/registry.js";
import { runWscMoe } from "../../tb/wsc/moe.js";
import { STUDY_KNOBS, type StudyKnobs, type WscMoeRunner, gatherWscReport } from "../../system/wsc/report-data.js";
import { wscReportFiles } from "../../system/wsc/report-files.js";
import { type Io, knownTestbenches } from "../io.js";
import { resolveParams, splitParamArgs } from "../params.js";
import { progress } from "../progress.js";
import { EXIT_FAIL, EXIT_PASS, UsageError } from "../usage.js";

export const REPORTS = ["wsc-moe"] as const;
export const DEFAULT_REPORT_DIR: Record<(typeof REPORTS)[number], string> = { "wsc-moe": "wsc-report" };

export interface ReportArgs {
  output?: string;
  param: string[];
  seed: number;
  /** "k=v" study knobs (iterations, traceSkew, drift, layers, threshold). */
  study: string[];
  json?: boolean;
}

/** What the report runs (tests stand in a cheap runner). */
export interface ReportDeps {
  readonly run: WscMoeRunner;
}

const KNOB_RANGES: Record<keyof StudyKnobs, { readonly lo: number; readonly hi: number; readonly whole: boolean; readonly what: string }> = {
  iterations: { lo: 1, hi: 100_000, whole: true, what: "iterations of the trace" },
  traceSkew: { lo: 0, hi: 10, whole: false, what: "Zipf exponent of the trace's popularity" },
  drift: { lo: 0, hi: 10, whole: false, what: "random-walk step of the log-popularity" },
  layers: { lo: 1, hi: 1000, whole: true, what: "MoE layers per iteration" },
  threshold: { lo: 0, hi: 1, whole: false, what: "stepLegal threshold of NI's steps" },
};

/** The study knobs from "--study k=v" arguments over the defaults. */
export function parseStudyKnobs(args: readonly string[]): StudyKnobs {
  const knobs: Record<string, number> = { ...STUDY_KNOBS };
  const known = Object.keys(KNOB_RANGES).map((k) => `${k} (${KNOB_RANGES[k as keyof StudyKnobs].what}, default ${STUDY_KNOBS[k as keyof StudyKnobs]})`).join(", ");
  for (const [k, text] of splitParamArgs(args)) {
    const r = KNOB_RANGES[k as keyof StudyKnobs];
    if (!r) throw new UsageError(`--study '${k}' is not a knob of the balancer study; its knobs: ${known}`);
    const v = Number(text.trim());
    if (text.trim() === "" || !Number.isFinite(v) || (r.whole && !Number.isInteger(v)) || v < r.lo || v > r.hi) {
      throw new UsageError(`--study ${k}=${text}: must be a ${r.whole ? "whole number" : "number"} ${r.lo}..${r.hi} (${r.what}; default ${STUDY_KNOBS[k as keyof StudyKnobs]})`);
    }
    knobs[k] = v;
  }
  return knobs as unknown as StudyKnobs;
}

export async function reportCommand(name: string, args: ReportArgs, io: Io, deps: ReportDeps = { run: (p, s) => runWscMoe(p, s) }): Promise<number> {
  if (!(REPORTS as readonly string[]).includes(name)) throw new UsageError(`unknown report '${name}'; reports: ${REPORTS.join(", ")}`);
  const report = name as (typeof REPORTS)[number];
  const tb = findTestbench(report, await knownTestbenches(io));
  const params = resolveParams(tb, args.param);
  const knobs = parseStudyKnobs(args.study);
  const dir = args.output ?? DEFAULT_REPORT_DIR[report];
  prepareOutputDir(dir, "-o");
  const bar = progress(io, { json: args.json, label: `report ${report}` });
  let data;
  try {
    data = await gatherWscReport(params, args.seed, deps.run, knobs, (done, total, what) => bar.update(done, total, what));
  } finally {
    bar.stop();
  }
  const written: string[] = [];
  for (const [file, text] of Object.entries(wscReportFiles(data))) {
    const path = join(dir, file);
    writeFileAtomic(path, text, "-o");
    written.push(path);
  }
  const passed = data.mappings.every((m) => m.passed) && data.balancers.rtl.every((b) => b.passed);
  if (args.json) io.out(JSON.stringify({ report, dir, files: written, passed }) + "\n");
  else {
    io.out(`${report} report: ${passed ? "all RTL runs passed their checks" : "SOME RTL RUNS FAILED their checks (see report.md)"}\n`);
    for (const p of written) io.out(`wrote ${p}\n`);
  }
  return passed ? EXIT_PASS : EXIT_FAIL;
}
