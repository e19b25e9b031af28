/**
 * What `tessera report wsc-moe` reports, gathered into one JSON-able object:
 *  (i)   block vs entwined vs global on the same parameters, each a wsc-moe run on the RTL mesh
 *        with balancer none: all-to-all cycles (dispatch + combine), all-reduce cycles, busiest
 *        link per phase, total flits, ratios against block, and every link's flits per phase
 *        (what the heatmaps draw);
 *  (ii)  the RTL runs of the given mapping with balancer greedy (invasive pause) and ni
 *        (NI-Balancer's steps at low priority in the phases): device max/mean before and after,
 *        migrations, and migration cycles hidden or exposed;
 *  (iii) the balancer study (balance-study.ts) over a seeded skewed trace on the same wafer.
 * The runner is injected so tests can stand in a cheap one; the CLI passes runWscMoe.
 */
import { imbalance, interFtdLinks, meshLinks, totalLinkLoad } from "../../golden/wsc.js";
import type { WscMoePhase, WscMoeRun } from "../../tb/wsc/moe.js";
import type { Params } from "../../tb/types.js";
import { WSC_MAPPINGS } from "../../tb/wsc/params.js";
import { PHASES, type PhaseName } from "./migration-schedule.js";
import { type BalanceStudy, STUDY_DEFAULTS, balanceStudy } from "./balance-study.js";
import { TRACE_DEFAULTS } from "./load-trace.js";

export type WscMoeRunner = (params: Params, seed: number) => Promise<WscMoeRun>;

/** The mappings side by side: the testbench's (block, entwined, global). */
export const REPORT_MAPPINGS = WSC_MAPPINGS;
export type ReportMapping = (typeof REPORT_MAPPINGS)[number];
/** The phases heatmaps are drawn for: one MoE layer's all-reduce, dispatch and combine. */
export const HEAT_PHASES = PHASES;
export type HeatPhase = PhaseName;

/** The study's own knobs (not testbench parameters), with their defaults. */
export interface StudyKnobs {
  readonly iterations: number;
  /** Zipf exponent of the trace's expert popularity. */
  readonly traceSkew: number;
  /** Random-walk step of the log-popularity per iteration. */
  readonly drift: number;
  /** MoE layers per iteration (migration windows). */
  readonly layers: number;
  /** stepLegal threshold for NI-Balancer's steps. */
  readonly threshold: number;
}

export const STUDY_KNOBS: StudyKnobs = {
  iterations: STUDY_DEFAULTS.iterations, traceSkew: TRACE_DEFAULTS.skew, drift: TRACE_DEFAULTS.drift,
  layers: STUDY_DEFAULTS.layers, threshold: STUDY_DEFAULTS.threshold,
};

export interface MappingRow {
  readonly mapping: ReportMapping;
  readonly passed: boolean;
  readonly failures: string[];
  readonly allreduceCycles: number;
  /** dispatch + combine cycles. */
  readonly a2aCycles: number;
  readonly cycles: Record<HeatPhase, number>;
  readonly maxLink: Record<HeatPhase, number>;
  readonly flits: Record<HeatPhase, number>;
  readonly totalFlits: number;
  /** This row over block's (1 for block). */
  readonly vsBlock: { readonly a2aCycles: number; readonly allreduceCycles: number; readonly a2aMaxLink: number; readonly totalFlits: number };
  /** Flits of dispatch + combine on links between FTDs (the FTDs of this mapping; global: block's). */
  readonly interFtdA2aFlits: number;
  /** Directed links carrying any flit of each phase, of `links`. */
  readonly linksUsed: Record<HeatPhase, number>;
  readonly links: number;
  readonly linkFlits: Record<HeatPhase, Record<string, number>>;
  /** Sets the heatmaps colour devices by: FTDs (block, entwined) or TP groups (global). */
  readonly groups: { readonly label: string; readonly sets: number[][] };
}

export interface RtlBalancerRow {
  readonly balancer: "greedy" | "ni";
  readonly mapping: string;
  readonly passed: boolean;
  readonly failures: string[];
  readonly migrations: number;
  /** Max/mean device load of the layer's routing without and with the copies. */
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly migrationFlits: number;
  /** Cycles the migration added to the critical path: phases that got longer plus any pause. */
  readonly exposedCycles: number;
  readonly hidden: boolean;
  /** Cycles of the run's phases with the migration (and any pause), and of the same phases' own traffic alone. */
  readonly layerCycles: number;
  readonly baseLayerCycles: number;
  readonly phases: { name: string; cycles: number; baseCycles: number; migrationFlits: number }[];
}

export interface WscReport {
  readonly report: "wsc-moe";
  readonly params: Params;
  readonly seed: number;
  readonly knobs: StudyKnobs;
  readonly mappings: MappingRow[];
  readonly balancers: { readonly rtl: RtlBalancerRow[]; readonly study: BalanceStudy };
}

const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 1 : Infinity) : a / b);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function phaseOf(run: WscMoeRun, name: string): WscMoePhase {
  const p = run.phases.find((ph) => ph.name === name);
  if (!p) throw new Error(`wsc-moe run has no '${name}' phase (phases: ${run.phases.map((ph) => ph.name).join(", ")})`);
  return p;
}

function mappingRow(mapping: ReportMapping, run: WscMoeRun, W: number, H: number): Omit<MappingRow, "vsBlock"> {
  const per = <T>(f: (p: WscMoePhase) => T) => Object.fromEntries(HEAT_PHASES.map((ph) => [ph, f(phaseOf(run, ph))])) as Record<HeatPhase, T>;
  const linkFlits = per((p) => ({ ...p.baseLinkFlits }));
  const cycles = per((p) => p.baseCycles);
  const cold = interFtdLinks(W, H, run.mapping);
  return {
    mapping, passed: run.result.passed, failures: run.result.failures,
    allreduceCycles: cycles.allreduce, a2aCycles: cycles.dispatch + cycles.combine, cycles,
    maxLink: per((p) => Math.max(0, ...Object.values(p.baseLinkFlits))),
    flits: per((p) => totalLinkLoad(p.baseLinkFlits)),
    totalFlits: sum(HEAT_PHASES.map((ph) => totalLinkLoad(linkFlits[ph]))),
    interFtdA2aFlits: sum(cold.map((l) => (linkFlits.dispatch[l] ?? 0) + (linkFlits.combine[l] ?? 0))),
    linksUsed: per((p) => Object.values(p.baseLinkFlits).filter((v) => v > 0).length),
    links: meshLinks(W, H).length,
    linkFlits,
    groups: mapping === "global" ? { label: "TP group", sets: run.mapping.tpGroups } : { label: "FTD", sets: run.mapping.ftds },
  };
}

function balancerRow(balancer: "greedy" | "ni", run: WscMoeRun): RtlBalancerRow {
  const m = run.result.metrics;
  const exposed = typeof m.migrationExposedCycles === "number" ? m.migrationExposedCycles
    : sum(run.phases.map((ph) => (ph.name === "migration" ? ph.cycles : Math.max(0, ph.cycles - ph.baseCycles))));
  return {
    balancer, mapping: String(run.result.params.mapping), passed: run.result.passed, failures: run.result.failures,
    migrations: run.balance.migrations.length,
    loadBefore: imbalance(run.balance.before), loadAfter: imbalance(run.balance.after),
    migrationFlits: sum(run.phases.map((ph) => ph.migrationFlits)),
    exposedCycles: exposed, hidden: exposed === 0,
    layerCycles: sum(run.phases.map((ph) => ph.cycles)),
    baseLayerCycles: sum(run.phases.map((ph) => ph.baseCycles)),
    phases: run.phases.map((ph) => ({ name: ph.name, cycles: ph.cycles, baseCycles: ph.baseCycles, migrationFlits: ph.migrationFlits })),
  };
}

/** The study on the report's wafer: the testbench's parameters, the knobs for what they do not say. */
export function studyFor(params: Params, knobs: StudyKnobs): BalanceStudy {
  const n = (k: string) => Number(params[k]);
  return balanceStudy({
    W: n("w"), H: n("h"), bw: n("bw"), bh: n("bh"),
    // global has no FTDs; its TP groups are block's, and so are the steps' local/global split.
    mapping: params.mapping === "entwined" ? "entwined" : "block",
    experts: n("experts"), topk: n("topk"), tokens: n("tokens"), bytesPerToken: n("bytesPerToken"),
    linkBytes: n("flitBytes"), linkLatency: n("linkLatency"), expertBytes: n("expertBytes"),
    slots: n("slots"), alpha: n("alpha"), history: n("history"), routingSkew: n("skew"), seed: n("seed"),
    iterations: knobs.iterations, skew: knobs.traceSkew, drift: knobs.drift, layers: knobs.layers, threshold: knobs.threshold,
  });
}

/** Run everything the report shows: 3 mappings + 2 balancers on the RTL, then the study. */
export async function gatherWscReport(params: Params, seed: number, run: WscMoeRunner, knobs: StudyKnobs = STUDY_KNOBS, onStep?: (done: number, total: number, what: string) => void): Promise<WscReport> {
  const W = Number(params.w), H = Number(params.h);
  const total = REPORT_MAPPINGS.length + 3;
  const runs = {} as Record<ReportMapping, WscMoeRun>;
  let done = 0;
  for (const mapping of REPORT_MAPPINGS) {
    onStep?.(done, total, `${mapping} mapping`);
    runs[mapping] = await run({ ...params, mapping, balancer: "none" }, seed);
    done++;
  }
  const rows = REPORT_MAPPINGS.map((m) => mappingRow(m, runs[m], W, H));
  const block = rows[0];
  const mappings: MappingRow[] = rows.map((r) => ({
    ...r,
    vsBlock: {
      a2aCycles: ratio(r.a2aCycles, block.a2aCycles), allreduceCycles: ratio(r.allreduceCycles, block.allreduceCycles),
      a2aMaxLink: ratio(Math.max(r.maxLink.dispatch, r.maxLink.combine), Math.max(block.maxLink.dispatch, block.maxLink.combine)),
      totalFlits: ratio(r.totalFlits, block.totalFlits),
    },
  }));
  const rtl: RtlBalancerRow[] = [];
  for (const balancer of ["greedy", "ni"] as const) {
    onStep?.(done, total, `${balancer} balancer`);
    rtl.push(balancerRow(balancer, await run({ ...params, balancer }, seed)));
    done++;
  }
  onStep?.(done, total, "balancer study");
  const study = studyFor(params, knobs);
  onStep?.(total, total, "done");
  return { report: "wsc-moe", params, seed, knobs, mappings, balancers: { rtl, study } };
}
