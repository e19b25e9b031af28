/**
 * The `noc` testbench: a W x H mesh of virtual-channel routers (RTL) with traffic sources and sinks
 * in the testbench. Runs one load point and reports latency (including source queueing),
 * accepted throughput, link utilization and hop counts; checks delivery, data, order, golden
 * per-link flit counts and deadlock freedom (see driver.ts).
 */
import type { Module } from "../../hdl/index.js";
import { makeMesh } from "../../hw/noc/mesh.js";
import { meshView } from "./waves.js";
import { MAX_PACKET_FLITS, NOC_DEFAULTS, NOC_LIMITS, NocParams, nocParams } from "../../hw/noc/params.js";
import { openSim } from "../harness.js";
import type { ParamSpec, Params, TbResult, Testbench } from "../types.js";
import { NocRunOptions, runNoc } from "./driver.js";
import { NOC_PRESET_NAMES, applyNocPreset, presetConflict } from "./presets.js";
import { BOOKSIM_SAMPLING, SamplingError, SamplingOptions, checkSampling } from "./sampling.js";
import { TRAFFIC_KINDS, TrafficError, TrafficSpec, parseHotspots, readTrace } from "./traffic.js";

const int = (name: string, description: string, def: number, min: number, max: number, verify?: { min: number; max: number }): ParamSpec => ({
  name, description, type: "int", default: def, min, max, ...(verify ? { verify } : {}),
});
const lim = (k: keyof typeof NOC_LIMITS) => NOC_LIMITS[k];

export const NOC_PARAMS: readonly ParamSpec[] = [
  int("w", "mesh columns", 4, lim("w")[0], lim("w")[1], { min: 1, max: 4 }),
  int("h", "mesh rows", 4, lim("h")[0], lim("h")[1], { min: 1, max: 4 }),
  int("vcs", "virtual channels per port", NOC_DEFAULTS.vcs, lim("vcs")[0], lim("vcs")[1], { min: 1, max: 4 }),
  int("bufDepth", "flit buffer slots per VC", NOC_DEFAULTS.bufDepth, lim("bufDepth")[0], lim("bufDepth")[1], { min: 1, max: 6 }),
  int("rc", "route computation stage: 1 cycle or 0 (combinational)", 1, 0, 1),
  int("va", "VC allocation stage: 1 cycle or 0", 1, 0, 1),
  int("sa", "switch allocation stage: 1 cycle or 0", 1, 0, 1),
  int("st", "switch traversal stage (output register): 1 cycle or 0", 1, 0, 1),
  int("linkLatency", "cycles a flit (and its credit) takes on a router-to-router link", 1, lim("linkLatency")[0], lim("linkLatency")[1], { min: 1, max: 3 }),
  { name: "routing", description: "dimension order", type: "enum", default: "xy", values: ["xy", "yx"] },
  {
    name: "vcPolicy",
    description: "output VC choice: flow (same index; in order per source/destination pair) or any (a free one, round robin)",
    type: "enum",
    default: "flow",
    values: ["flow", "any"],
  },
  {
    name: "vcRealloc",
    description: "when an output VC takes the next packet: tail-credit (after the tail's credit returns) or tail-sent (once the tail has left; BookSim's default)",
    type: "enum",
    default: "tail-credit",
    values: ["tail-credit", "tail-sent"],
  },
  int("injQueue", "packets the network interface's injection queue holds", NOC_DEFAULTS.injQueue, lim("injQueue")[0], lim("injQueue")[1], { min: 1, max: 4 }),
  { name: "traffic", description: "traffic pattern", type: "enum", default: "uniform", values: TRAFFIC_KINDS },
  { name: "rate", description: "offered load, flits per node per cycle (0..1)", type: "number", default: 0.1, min: 0, max: 1, verify: { min: 0, max: 1 } },
  int("packetSize", "flits per packet", 4, 1, MAX_PACKET_FLITS, { min: 1, max: 6 }),
  {
    name: "measurement",
    description: "window: warmup cycles, then measure cycles; converge: BookSim's (warmupPeriods sample periods, then periods until latency and throughput settle, unstable past latencyThreshold)",
    type: "enum",
    default: "window",
    values: ["window", "converge"],
  },
  int("warmup", "measurement=window: cycles before measuring", 500, 0, 1e9, { min: 0, max: 50 }),
  int("measure", "measurement=window: cycles of the measurement window (--cycles sets it)", 2000, 1, 1e9, { min: 1, max: 300 }),
  int("samplePeriod", "measurement=converge: cycles per sample period", BOOKSIM_SAMPLING.samplePeriod, 1, 1e9, { min: 20, max: 100 }),
  int("warmupPeriods", "measurement=converge: sample periods of warm-up (0: until the averages settle)", BOOKSIM_SAMPLING.warmupPeriods, 0, 1e6, { min: 0, max: 3 }),
  int("maxSamples", "measurement=converge: sample periods in all, warm-up included", BOOKSIM_SAMPLING.maxSamples, 1, 1e6, { min: 1, max: 8 }),
  {
    name: "latencyThreshold",
    description: "measurement=converge: average latency (cycles, flits in flight included) above which the run is unstable",
    type: "number",
    default: BOOKSIM_SAMPLING.latencyThreshold,
    min: 1,
    max: 1e9,
  },
  {
    name: "convergeThreshold",
    description: "measurement=converge: relative change of average latency and throughput between periods that counts as settled",
    type: "number",
    default: BOOKSIM_SAMPLING.convergeThreshold,
    min: 0,
    max: 1,
  },
  { name: "hotspots", description: "hotspot traffic: node:weight,node:weight,... (default: the centre node)", type: "string", default: "" },
  { name: "hotFraction", description: "hotspot traffic: share of packets sent to the hotspots (the rest uniform)", type: "number", default: 1, min: 0, max: 1 },
  int("phasePackets", "alltoall traffic: packets per destination per phase", 1, 1, 1e6, { min: 1, max: 3 }),
  { name: "trace", description: "trace traffic: file of cycle,src,dst,size lines (or a JSON array)", type: "string", default: "" },
  { name: "linkCounters", description: "flit counters on every router output (link utilization, golden link checks)", type: "bool", default: true },
  { name: "selfTraffic", description: "uniform traffic also sends to the source itself (1 in N packets), as BookSim's does", type: "bool", default: false },
  {
    name: "preset",
    description: "a named parameter set: booksim (BookSim2's defaults: 1-cycle RC/VA/SA/ST and links, any free VC, VCs reallocated when the tail is sent, self traffic, measurement=converge)",
    type: "enum",
    default: "none",
    values: [...NOC_PRESET_NAMES],
  },
];

export function nocParamsOf(given: Params): NocParams {
  const params = applyNocPreset(given);
  return nocParams({
    w: Number(params.w), h: Number(params.h), vcs: Number(params.vcs), bufDepth: Number(params.bufDepth),
    rc: Number(params.rc), va: Number(params.va), sa: Number(params.sa), st: Number(params.st),
    linkLatency: Number(params.linkLatency), routing: String(params.routing) as NocParams["routing"],
    vcPolicy: String(params.vcPolicy) as NocParams["vcPolicy"], injQueue: Number(params.injQueue),
    vcRealloc: params.vcRealloc === undefined ? undefined : (String(params.vcRealloc) as NocParams["vcRealloc"]),
    linkCounters: params.linkCounters === undefined ? true : params.linkCounters === true || params.linkCounters === "true",
  });
}

/** The driver options the testbench's parameters give (the sweep adds its own limits on top). */
export function runOptionsOf(params: Params, p: NocParams, seed: number): NocRunOptions {
  return {
    traffic: trafficOf(params, p.w * p.h),
    rate: Number(params.rate),
    packetSize: Number(params.packetSize),
    warmup: Number(params.warmup),
    measure: Number(params.measure),
    sampling: samplingOf(params),
    seed,
  };
}

/** The BookSim-style measurement options, when the parameters (or their preset) ask for them. */
export function samplingOf(given: Params): SamplingOptions | undefined {
  const params = applyNocPreset(given);
  if (params.measurement !== "converge") return undefined;
  const num = (k: keyof SamplingOptions) => (params[k] === undefined ? BOOKSIM_SAMPLING[k] : Number(params[k]));
  return checkSampling({
    samplePeriod: num("samplePeriod"),
    warmupPeriods: num("warmupPeriods"),
    maxSamples: num("maxSamples"),
    latencyThreshold: num("latencyThreshold"),
    convergeThreshold: num("convergeThreshold"),
  });
}

export function trafficOf(given: Params, nodes: number): TrafficSpec {
  const params = applyNocPreset(given);
  const kind = String(params.traffic) as TrafficSpec["kind"];
  const includeSelf = params.selfTraffic === true || params.selfTraffic === "true";
  if (kind === "uniform") return { kind, includeSelf };
  if (kind === "hotspot") {
    const text = String(params.hotspots ?? "");
    return { kind, hotspots: text ? parseHotspots(text, nodes) : undefined, hotFraction: Number(params.hotFraction ?? 1), includeSelf };
  }
  if (kind === "alltoall") return { kind, phasePackets: Number(params.phasePackets ?? 1) };
  if (kind === "trace") {
    const path = String(params.trace ?? "");
    if (!path) throw new TrafficError("noc: traffic=trace needs trace=<file> (lines of cycle,src,dst,size)");
    return { kind, trace: readTrace(path, nodes, MAX_PACKET_FLITS) };
  }
  return { kind };
}

export const nocTb: Testbench = {
  name: "noc",
  description: "W x H mesh of 5-port virtual-channel routers (RTL: credits, wormhole, XY/YX, separable allocators, 0/1-cycle stages) with network interfaces; traffic patterns, latency/throughput/link utilization; delivery, order and golden link-count checks",
  params: NOC_PARAMS,

  validate(params) {
    const n = Number(params.w) * Number(params.h);
    try {
      if (params.traffic === "hotspot" && params.hotspots) parseHotspots(String(params.hotspots), n);
      if (params.traffic === "trace" && !params.trace) return "traffic=trace needs trace=<file> (lines of cycle,src,dst,size)";
    } catch (e) {
      return (e as Error).message;
    }
    const defaults = Object.fromEntries(NOC_PARAMS.map((p) => [p.name, p.default]));
    const conflict = presetConflict(params, defaults);
    if (conflict) return conflict;
    if (applyNocPreset(params).measurement === "converge") {
      for (const k of ["warmup", "measure"]) {
        if (params[k] !== undefined && params[k] !== defaults[k]) return `measurement=converge finds its own window (warmupPeriods x samplePeriod of warm-up, then up to maxSamples periods): drop --param ${k}=${params[k]}, or use measurement=window`;
      }
    }
    const r = Number(params.rate);
    if (!(r >= 0 && r <= 1)) return `rate=${params.rate} must be 0..1 flits per node per cycle`;
    return undefined;
  },

  design(params): Module {
    return makeMesh(nocParamsOf(params));
  },

  waves(params) {
    return meshView(nocParamsOf(params));
  },

  async run(opts): Promise<TbResult> {
    if (opts.cycles !== undefined && samplingOf(opts.params)) {
      throw new SamplingError(`--cycles sets the fixed measurement window, but measurement=converge${opts.params.preset === "booksim" ? " (preset=booksim)" : ""} finds its own: drop --cycles, or bound the run with --param maxSamples=N (periods of samplePeriod cycles)`);
    }
    const params: Params = { ...opts.params, ...(opts.cycles !== undefined ? { measure: opts.cycles } : {}) };
    const p = nocParamsOf(params);
    const sim = openSim(() => makeMesh(p), opts);
    try {
      const res = runNoc(sim, p, { ...runOptionsOf(params, p, opts.seed), onProgress: opts.onProgress });
      return res.checker.result(this.name, res.cycles, opts.seed, params, res.metrics);
    } finally {
      sim.close();
    }
  },
};
