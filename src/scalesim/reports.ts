/**
 * SCALE-Sim v2's three CSV reports (scalesim/simulator.py, generate_reports), byte for byte: the
 * header and each row end in ",\n", fields are joined by ", ", the first field is the 0-based
 * layer index, and numbers print as Python's str() prints them. SCALE-Sim's cycle fields are numpy
 * float64 (its cycle arrays start from np.zeros) and print as "55.0"; counts are Python ints; the
 * utilisations and bandwidths are floats ("100.0", "33.33333333333333"). Total Cycles is the index
 * of the last cycle, our count minus one. Writing the files is the caller's job.
 */
import type { ScaleSimLayerStats } from "../golden/scalesim.js";

export interface ReportWindow {
  readonly startCycle: number;
  readonly stopCycle: number;
}

/** One layer's results, as src/golden/scalesim.ts's scaleSimLayer returns them. */
export interface ScaleSimReportLayer {
  /** Cycles including stalls, a count; the report prints totalCycles - 1. */
  readonly totalCycles: number;
  readonly stallCycles: number;
  /** Stall-free cycles (a count); not printed by SCALE-Sim, kept for our JSON. */
  readonly computeCycles: number;
  readonly overallUtil: number;
  readonly mappingEfficiency: number;
  readonly computeUtil: number;
  readonly sram: {
    readonly ifmapReads: number;
    readonly filterReads: number;
    readonly ofmapWrites: number;
    readonly ifmap: ReportWindow;
    readonly filter: ReportWindow;
    readonly ofmap: ReportWindow;
  };
  readonly dram: {
    readonly ifmap: ReportWindow & { readonly words: number };
    readonly filter: ReportWindow & { readonly words: number };
    readonly ofmap: ReportWindow & { readonly words: number };
  };
  /** Words per cycle (golden/scalesim.ts says over which window each is taken). */
  readonly bandwidth: ScaleSimLayerStats["bandwidth"];
}

export const COMPUTE_REPORT_HEADER = "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,";
export const BANDWIDTH_REPORT_HEADER =
  "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,";
export const DETAILED_ACCESS_REPORT_HEADER =
  "LayerID, " +
  "SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, " +
  "SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, " +
  "SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, " +
  "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, " +
  "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, " +
  "DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,";

/**
 * Python's repr()/str() of a float: the shortest digits that read back (as JS gives them), written
 * positionally with at least one decimal ("100.0") for exponents -4..15, else as "1.5e-05"/"1e+16".
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mant, e] = Math.abs(x).toExponential().split("e");
  const digits = mant.replace(".", "");
  const exp = Number(e);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac === "" ? "0" : frac}`;
}

/** A Python int. */
const pyInt = (x: number) => String(Math.round(x));

function report(header: string, layers: readonly ScaleSimReportLayer[], row: (l: ScaleSimReportLayer) => string[]): string {
  return [header, ...layers.map((l, i) => [String(i), ...row(l)].join(", ") + ",")].join("\n") + "\n";
}

export function computeReport(layers: readonly ScaleSimReportLayer[]): string {
  return report(COMPUTE_REPORT_HEADER, layers, (l) => [
    pyInt(l.totalCycles - 1),
    pyInt(l.stallCycles),
    pythonFloat(l.overallUtil),
    pythonFloat(l.mappingEfficiency),
    pythonFloat(l.computeUtil),
  ]);
}

export function bandwidthReport(layers: readonly ScaleSimReportLayer[]): string {
  return report(BANDWIDTH_REPORT_HEADER, layers, (l) => {
    const b = l.bandwidth;
    return [b.ifmapSram, b.filterSram, b.ofmapSram, b.ifmapDram, b.filterDram, b.ofmapDram].map(pythonFloat);
  });
}

export function detailedAccessReport(layers: readonly ScaleSimReportLayer[]): string {
  const window = (w: ReportWindow, count: number) => [pythonFloat(w.startCycle), pythonFloat(w.stopCycle), pyInt(count)];
  return report(DETAILED_ACCESS_REPORT_HEADER, layers, (l) => [
    ...window(l.sram.ifmap, l.sram.ifmapReads),
    ...window(l.sram.filter, l.sram.filterReads),
    ...window(l.sram.ofmap, l.sram.ofmapWrites),
    ...window(l.dram.ifmap, l.dram.ifmap.words),
    ...window(l.dram.filter, l.dram.filter.words),
    ...window(l.dram.ofmap, l.dram.ofmap.words),
  ]);
}
