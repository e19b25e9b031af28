/**
 * The files of `tessera report wsc-moe`, from a gathered WscReport: report.md (the tables and the
 * heatmaps inline), report.json (everything, for scripts) and heat-<mapping>-<phase>.svg for each
 * mapping and phase. Heatmaps of one phase share one colour scale across the mappings, so block,
 * entwined and global can be compared by eye. Pure: name -> text, deterministic.
 */
import { BALANCE_POLICIES, type BalancePolicy } from "./balance-study.js";
import { HEAT_PHASES, type HeatPhase, type MappingRow, type WscReport } from "./report-data.js";
import { linkHeatmapSvg } from "./svg-heatmap.js";

export const heatmapFile = (mapping: string, phase: string) => `heat-${mapping}-${phase}.svg`;

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "inf");
const num = (v: number) => (Number.isInteger(v) ? String(v) : f2(v));
const int = (v: number) => String(Math.round(v));

function mdTable(rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function paramsLine(r: WscReport): string {
  return Object.entries(r.params).filter(([k]) => k !== "mapping" && k !== "balancer").map(([k, v]) => `${k}=${v}`).join(" ");
}

function heatmaps(r: WscReport): Record<string, string> {
  const p = r.params;
  const out: Record<string, string> = {};
  for (const phase of HEAT_PHASES) {
    const scaleMax = Math.max(...r.mappings.map((m) => m.maxLink[phase]));
    for (const m of r.mappings) {
      out[heatmapFile(m.mapping, phase)] = linkHeatmapSvg({
        W: Number(p.w), H: Number(p.h), loads: m.linkFlits[phase], groups: m.groups, unit: "flits", scaleMax,
        title: `${m.mapping}: ${phase} link load (RTL flits)`,
        subtitle: `${p.w}x${p.h} mesh, ${p.bw}x${p.bh} FTDs, ${p.experts} experts top-${p.topk}, ${p.tokens} tokens/group x ${p.bytesPerToken} B, ${p.flitBytes} B flits\n${m.cycles[phase]} cycles on the RTL mesh; colour scale shared by the ${phase} maps of all mappings`,
      });
    }
  }
  return out;
}

function mappingSection(rows: readonly MappingRow[]): string {
  const ml = (m: MappingRow) => HEAT_PHASES.map((ph) => int(m.maxLink[ph])).join(" / ");
  const table = mdTable([
    ["mapping", "RTL checks", "all-to-all cycles (dispatch + combine)", "all-reduce cycles", "max link flits (all-reduce / dispatch / combine)", "total flits", "all-to-all vs block", "all-reduce vs block", "a2a max link vs block", "total vs block"],
    ...rows.map((m) => [
      m.mapping, m.passed ? "pass" : "FAIL", `${m.a2aCycles} (${m.cycles.dispatch} + ${m.cycles.combine})`, String(m.allreduceCycles), ml(m), int(m.totalFlits),
      f2(m.vsBlock.a2aCycles), f2(m.vsBlock.allreduceCycles), f2(m.vsBlock.a2aMaxLink), f2(m.vsBlock.totalFlits),
    ]),
  ]);
  const used = mdTable([
    ["mapping", "links used: all-reduce", "dispatch", "combine", "of", "all-to-all flits on links between FTDs"],
    ...rows.map((m) => [m.mapping, ...HEAT_PHASES.map((ph) => String(m.linksUsed[ph])), String(m.links), m.mapping === "global" ? `${int(m.interFtdA2aFlits)} (block's FTDs; global has none)` : int(m.interFtdA2aFlits)]),
  ]);
  const fails = rows.filter((m) => !m.passed).map((m) => `- ${m.mapping}: ${m.failures.slice(0, 3).join("; ")}`);
  return [table, "", used, ...(fails.length ? ["", "Failed checks:", ...fails] : [])].join("\n");
}

function heatmapSection(rows: readonly MappingRow[]): string {
  const grid = mdTable([
    ["mapping", ...HEAT_PHASES],
    ...rows.map((m) => [m.mapping, ...HEAT_PHASES.map((ph: HeatPhase) => `![${m.mapping} ${ph}](${heatmapFile(m.mapping, ph)})`)]),
  ]);
  return [
    "Each arrow is one directed link (eastbound above westbound, southbound right of northbound), coloured by the flits the RTL counted on it in that phase; dashed outlines are cold links (0 flits). Squares are dies, filled by FTD (by TP group under global). The maps of one phase share a colour scale.",
    "",
    "What to look for: under entwined, dispatch and combine stay inside each 2-D FTD block, so the links between FTDs are cold; the entwined all-reduce rings run between FTDs, so those links are hot there while some links inside FTDs are cold: the complementarity NI-Balancer hides copies in. Under block, the FTDs spread over the wafer and their all-to-all crosses the middle.",
    "",
    grid,
  ].join("\n");
}

const POLICY_LABEL: Record<BalancePolicy, string> = {
  none: "none",
  invasive: "invasive greedy (EPLB-style: least-loaded target, pause)",
  "invasive-topo": "invasive, topology-aware plan (NI's plan in a pause)",
  ni: "NI-Balancer (nearest target, hidden in phases)",
};

function balancerSection(r: WscReport): string {
  const st = r.balancers.study;
  const s = st.spec;
  const table = mdTable([
    ["policy", "mean max/mean load", "MoE compute vs none", "exposed migration cycles", "iterations paused", "migrations (hidden)", "bytes copied", "evictions"],
    ...BALANCE_POLICIES.map((p) => {
      const x = st.summary[p];
      return [POLICY_LABEL[p], f2(x.meanImbalance), f2(x.computeRel), int(x.exposedCycles), String(x.pauses), p === "ni" ? `${x.migrations} (${x.hiddenMigrations})` : String(x.migrations), int(x.migrationBytes), String(x.evictions)];
    }),
  ]);
  const rtl = mdTable([
    ["balancer (RTL, one layer)", "mapping", "RTL checks", "max/mean load before -> after", "migrations", "migration flits", "exposed cycles", "hidden", "cycles of its phases (their own traffic alone)"],
    ...r.balancers.rtl.map((b) => [
      b.balancer, b.mapping, b.passed ? "pass" : "FAIL", `${f2(b.loadBefore)} -> ${f2(b.loadAfter)}`, String(b.migrations), int(b.migrationFlits),
      int(b.exposedCycles), b.hidden ? "yes" : "no", `${b.layerCycles} (${b.baseLayerCycles})`,
    ]),
  ]);
  return [
    `Study: ${s.iterations} iterations of a seeded trace (seed ${s.seed}): ${s.tokens * s.bw * s.bh} tokens an iteration pick top-${s.topk} of ${s.experts} experts from a Zipf(${s.skew}) popularity whose logarithm takes a N(0, ${s.drift}^2) random-walk step every iteration; loads predicted from the last ${s.history} iterations; trigger max/mean > 1 + ${s.alpha}; ${s.slots} shadow slot(s) per device; ${s.expertBytes}-byte experts on ${s.linkBytes}-byte/cycle links (latency ${s.linkLatency}); ${s.mapping} mapping; windows per layer (golden phase latency): all-reduce ${num(st.windows.allreduce)}, dispatch ${num(st.windows.dispatch)}, combine ${num(st.windows.combine)} cycles, ${s.layers} layer(s) an iteration; NI steps legal on links with at most ${s.threshold} x the phase's busiest link.`,
    "",
    table,
    "",
    "MoE compute is proportional to the busiest device's load (token-expert pairs); \"vs none\" sums it over the iterations. Exposed cycles: pauses of the invasive policies (all their copies) and, for NI-Balancer, the steps no phase window could take. Copies of the invasive policies serve from the iteration they are made in; NI's from the iteration after they land.",
    "",
    "The same parameters on the RTL mesh (one layer; `greedy` is the invasive pause of NI's plan, `ni` its steps at the lowest priority in the all-reduce, dispatch, combine and next all-reduce phases; exposed = cycles the phases got longer plus any pause):",
    "",
    rtl,
  ].join("\n");
}

export function wscReportMarkdown(r: WscReport): string {
  return [
    "# wsc-moe report",
    "",
    `Parameters: ${paramsLine(r)} (mapping for the balancers: ${r.params.mapping}); run seed ${r.seed}.`,
    `Reproduce: \`tessera report wsc-moe ${Object.entries(r.params).map(([k, v]) => `--param ${k}=${v}`).join(" ")} --seed ${r.seed}\``,
    "",
    "## Mappings side by side (RTL mesh, no balancing)",
    "",
    mappingSection(r.mappings),
    "",
    "## Link-load heatmaps",
    "",
    heatmapSection(r.mappings),
    "",
    "## Balancers",
    "",
    balancerSection(r),
    "",
  ].join("\n");
}

/** Every file of the report: name -> contents. */
export function wscReportFiles(r: WscReport): Record<string, string> {
  return { "report.md": wscReportMarkdown(r), "report.json": JSON.stringify(r, null, 1) + "\n", ...heatmaps(r) };
}
