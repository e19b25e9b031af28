/**
 * Testbench `wsc-moe`: one MoE layer of MoEntwine (papers.md section 1) on the RTL mesh: the ring
 * all-reduce that ends attention, the dispatch all-to-all and the combine all-to-all, each a trace
 * run to completion on makeMesh, and the expert balancers.
 *
 * Traffic comes from the golden (src/golden/wsc.ts moeLayerTraffic: the mapping, a seeded routing
 * of `tokens` per TP group, its dispatch matrix and rings); a message of B bytes is
 * ceil(B / flitBytes) flits in packets of at most packetFlits. Balancers: `none`; `greedy`, the
 * invasive baseline (after the layer, a pause in which every migration copies expertBytes along
 * its route); `ni`, NI-Balancer (the same plan, its steps injected at the lowest priority in the
 * windows of schedule.ts, the rest in a pause). The plan is niBalancerPlan on the layer's FTD
 * mapping with loads predicted from `history` earlier iterations of the same routing.
 *
 * Checked: every phase run by the mesh engine (delivery, data, order, per-output counts against
 * the NoC golden); the flits on every directed link equal the wafer-scale golden's
 * messageLinkFlits for the phase (plus, with migration, ceil(expertBytes / flitBytes) on each link
 * of each copy's golden steps); the phase messages reproduce the golden's bytes per link; the
 * dispatched bytes equal the routing's (token, expert) pairs x bytesPerToken; combine's flits,
 * links reversed, equal dispatch's routed the other dimension first (YX: the reverse of an XY
 * route), and its total equals dispatch's; under entwined, no dispatch or combine flit on a link
 * between FTDs; the plan never raises the maximum predicted device load; the MoE outputs with the
 * replicas (computed where each copy actually arrived) equal those without.
 *
 * Seeds: the parameter `seed` drives the routing and its history; the run's --seed drives only the
 * output check's weights and activations (and the engine, which trace traffic leaves unused).
 */
import {
  type Migration, type MoeLayerSpec, type MoeLayerTraffic, type WscMapping, type WscMessage, imbalance, interFtdLinks, maxLinkLoad,
  messageLinkFlits, moeLayerTraffic, moePhaseMessages, totalLinkLoad,
} from "../../golden/wsc.js";
import { makeMesh } from "../../hw/noc/mesh.js";
import { meshView } from "../noc/waves.js";
import { type NocParams, nocParams } from "../../hw/noc/params.js";
import { Checker, openSim } from "../harness.js";
import { round } from "../noc/stats.js";
import type { Params, TbResult, TbRunOptions, Testbench } from "../types.js";
import { checkOutputs, planBalance } from "./balance.js";
import { WSC_MOE_PARAMS, type WscMoeConfig, validateWscMoe, wscMoeConfig, wscMoeDefaults } from "./params.js";
import { type PhaseOutcome, runPhase } from "./phase.js";
import { MIGRATION_WINDOWS, type MigrationWindow, type ScheduledCopy, niSchedule, pauseCopies, windowLoad } from "./schedule.js";

export interface WscMoePhase {
  /** allreduce, dispatch, combine; with ni allreduceNext; migration (a pause) with greedy or ni leftovers. */
  readonly name: string;
  /** Cycles of the phase as run (with its migration traffic). */
  readonly cycles: number;
  /** Cycles of the phase's own traffic alone (equal to cycles when no migration rides along). */
  readonly baseCycles: number;
  /** The cycle the phase's own traffic finished as run (with the migration riding along). */
  readonly ownCycles: number;
  /** Flits the RTL counted on every directed link "src->dst", migration included. */
  readonly linkFlits: Record<string, number>;
  /** The same for the phase's own traffic alone. */
  readonly baseLinkFlits: Record<string, number>;
  readonly maxLink: number;
  readonly totalFlits: number;
  /** Migration flits summed over links. */
  readonly migrationFlits: number;
}

export interface WscMoeRun {
  readonly result: TbResult;
  readonly phases: WscMoePhase[];
  readonly mapping: WscMapping;
  /** Device loads of the layer's routing without and with the replicas, and the plan's migrations. */
  readonly balance: { readonly before: number[]; readonly after: number[]; readonly migrations: Migration[] };
}

/** The golden functions the expectations come from (tests swap in corrupted ones). */
export interface WscGolden {
  readonly moeLayerTraffic: typeof moeLayerTraffic;
  readonly messageLinkFlits: typeof messageLinkFlits;
}

export interface WscMoeRunOptions extends Partial<Pick<TbRunOptions, "vcd" | "engine" | "attach" | "onProgress">> {
  readonly golden?: Partial<WscGolden>;
}

/** The mesh the layer runs on: two injection classes when NI-Balancer's steps ride at low priority. */
export function wscMeshParams(c: Pick<WscMoeConfig, "w" | "h" | "linkLatency" | "balancer">): NocParams {
  const p: Partial<NocParams> & { priorityClasses?: 1 | 2 } = { w: c.w, h: c.h, linkLatency: c.linkLatency };
  if (c.balancer === "ni") p.priorityClasses = 2;
  return nocParams(p);
}

const sumOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Flits the golden expects for copies: ceil(expertBytes / flitBytes) on every link of each. */
function copyLinkFlits(copies: readonly ScheduledCopy[], flitBytes: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const cp of copies) for (const l of cp.links) out[l] = (out[l] ?? 0) + Math.ceil(cp.message.bytes / flitBytes);
  return out;
}

function addLinks(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out = { ...a };
  for (const [l, n] of Object.entries(b)) out[l] = (out[l] ?? 0) + n;
  return out;
}

/** Checks on the golden traffic itself, before any RTL: what the stimulus is built from. */
function checkTraffic(c: WscMoeConfig, t: MoeLayerTraffic, msgs: ReturnType<typeof moePhaseMessages>, check: Checker): void {
  for (const ph of ["allreduce", "dispatch", "combine"] as const) {
    const bytes = messageLinkFlits(c.w, msgs[ph], 1);
    for (const l of new Set([...Object.keys(bytes), ...Object.keys(t.phases[ph])])) {
      check.equal(`${ph}: message bytes on ${l} vs the golden's phase bytes`, bytes[l] ?? 0, t.phases[ph][l] ?? 0);
    }
  }
  const pairs = sumOf(t.route.map((g) => sumOf(g.map((exps) => exps.length))));
  const dispatched = sumOf(t.dispatch.map(sumOf));
  check.equal(`dispatched bytes vs (token, expert) pairs ${pairs} x bytesPerToken ${c.bytesPerToken}`, dispatched, pairs * c.bytesPerToken);
  const local = sumOf(t.dispatch.map((row, i) => row[i]));
  check.equal("dispatch messages' bytes + bytes staying on their device", sumOf(msgs.dispatch.map((m) => m.bytes)) + local, dispatched);
  check.equal("combine bytes vs dispatch bytes", sumOf(t.combine.map(sumOf)), dispatched);
}

/** Run the layer (and the balancer) on the RTL mesh; what the testbench and `tessera report wsc-moe` use. */
export async function runWscMoe(params: Params, seed: number, o: WscMoeRunOptions = {}): Promise<WscMoeRun> {
  const bad = validateWscMoe(params);
  if (bad) throw new Error(`wsc-moe: ${bad}`);
  const full: Params = { ...wscMoeDefaults(), ...params };
  const c = wscMoeConfig(full);
  const g: WscGolden = { moeLayerTraffic, messageLinkFlits, ...o.golden };
  const W = c.w, H = c.h;
  const spec: MoeLayerSpec = {
    W, H, bw: c.bw, bh: c.bh, mapping: c.mapping, experts: c.experts, topk: c.topk, tokens: c.tokens,
    bytesPerToken: c.bytesPerToken, seed: c.seed, skew: c.skew,
  };
  const check = new Checker();

  // Stimulus and expectations.
  const t = moeLayerTraffic(spec);
  const msgs = moePhaseMessages(t);
  checkTraffic(c, t, msgs, check);
  const gm = moePhaseMessages(g.moeLayerTraffic(spec));
  const expected = {
    allreduce: g.messageLinkFlits(W, gm.allreduce, c.flitBytes),
    dispatch: g.messageLinkFlits(W, gm.dispatch, c.flitBytes),
    combine: g.messageLinkFlits(W, gm.combine, c.flitBytes),
  };
  const bal = planBalance(c, spec, t);
  const migrations = bal.plan?.migrations ?? [];
  if (bal.plan) {
    const [b, a] = [Math.max(...bal.plan.before), Math.max(...bal.plan.after)];
    check.ok(`balancing raised the maximum predicted device load from ${b} to ${a}`, a <= b);
  }
  const arLoad = windowLoad(W, H, msgs.allreduce, c.flitBytes);
  const sched = c.balancer !== "ni" ? undefined : niSchedule(migrations, c.expertBytes, c.flitBytes, {
    allreduce: arLoad, dispatch: windowLoad(W, H, msgs.dispatch, c.flitBytes), combine: windowLoad(W, H, msgs.combine, c.flitBytes), allreduceNext: arLoad,
  });
  const pause = c.balancer === "greedy" ? pauseCopies(migrations, c.expertBytes) : sched?.leftover ?? [];

  // The RTL runs, one simulator for all (co-simulation records them as one run).
  const p = wscMeshParams(c);
  const sim = openSim(() => makeMesh(p), { params: full, seed, ...o });
  const phases: WscMoePhase[] = [];
  const base: Record<string, PhaseOutcome> = {};
  try {
    const run = (name: string, label: string, own: readonly WscMessage[], ownExpected: Record<string, number>, copies: readonly ScheduledCopy[]) =>
      runPhase(sim, p, { name, messages: own, migration: copies.map((cp) => cp.message) }, {
        flitBytes: c.flitBytes, packetFlits: c.packetFlits, seed, check, label,
        expected: addLinks(ownExpected, copyLinkFlits(copies, c.flitBytes)),
      });
    const timeline: { name: string; traffic: "allreduce" | "dispatch" | "combine" }[] = [
      { name: "allreduce", traffic: "allreduce" }, { name: "dispatch", traffic: "dispatch" }, { name: "combine", traffic: "combine" },
    ];
    if (sched) timeline.push({ name: "allreduceNext", traffic: "allreduce" });
    for (const [k, ph] of timeline.entries()) {
      // The next layer's all-reduce is the same traffic as this one's: its base run is the same run.
      const alone = base[ph.traffic] ?? (base[ph.traffic] = run(ph.name, ph.name, msgs[ph.traffic], expected[ph.traffic], []));
      const copies = sched?.windows[ph.name as MigrationWindow] ?? [];
      const withMig = copies.length ? run(ph.name, `${ph.name} with migration`, msgs[ph.traffic], expected[ph.traffic], copies) : alone;
      phases.push(phaseOf(ph.name, withMig, alone, copies, c.flitBytes));
      o.onProgress?.(k + 1, timeline.length + 1);
    }
    if (pause.length) {
      const out = run("migration", "migration pause", [], {}, pause);
      phases.push(phaseOf("migration", out, { ...out, cycles: 0, linkFlits: {} }, pause, c.flitBytes));
    }
    o.onProgress?.(timeline.length + 1, timeline.length + 1);
  } finally {
    sim.close();
  }

  // Properties of the all-to-all on the RTL counters.
  const links = Object.keys(base.dispatch.linkFlits);
  const cold = interFtdLinks(W, H, t.mapping);
  const interFtdA2aFlits = sumOf(cold.map((l) => base.dispatch.linkFlits[l] + base.combine.linkFlits[l]));
  if (c.mapping === "entwined") check.equal("entwined: dispatch + combine flits on links between FTDs", interFtdA2aFlits, 0);
  const dispatchYx = g.messageLinkFlits(W, gm.dispatch, c.flitBytes, "yx");
  for (const l of links) {
    const [a, b] = l.split("->");
    check.equal(`combine flits on ${l} vs dispatch's (YX-routed) on ${b}->${a}`, base.combine.linkFlits[l], dispatchYx[`${b}->${a}`] ?? 0);
  }
  check.equal("combine flits vs dispatch flits (sum over links)", totalLinkLoad(base.combine.linkFlits), totalLinkLoad(base.dispatch.linkFlits));

  // Balancing: every planned copy arrived (all its steps ran), and the outputs are unchanged.
  const done = migrations.map(() => 0);
  for (const cp of [...(sched ? MIGRATION_WINDOWS.flatMap((w) => sched.windows[w.phase]) : []), ...pause]) done[cp.migration] += cp.steps;
  const copies = Array.from({ length: W * H }, () => new Set<number>());
  t.placement.forEach((d, e) => copies[d].add(e));
  migrations.forEach((m, i) => {
    if (check.equal(`steps of migration ${i} (expert ${m.expert}, ${m.from} -> ${m.to}) copied`, done[i], m.steps.length)) copies[m.to].add(m.expert);
  });
  checkOutputs(t, bal.replicas, copies, seed, check);

  // Metrics.
  const metrics: TbResult["metrics"] = { mapping: c.mapping, balancer: c.balancer };
  for (const name of ["allreduce", "dispatch", "combine"] as const) {
    metrics[`${name}Cycles`] = base[name].cycles;
    metrics[`${name}MaxLink`] = maxLinkLoad(base[name].linkFlits);
    metrics[`${name}Flits`] = totalLinkLoad(base[name].linkFlits);
  }
  metrics.interFtdA2aFlits = interFtdA2aFlits;
  metrics.dispatchedBytes = sumOf(t.dispatch.map(sumOf));
  metrics.loadMaxMeanBefore = round(imbalance(bal.before));
  metrics.loadMaxMeanAfter = round(imbalance(bal.after));
  if (bal.plan) {
    metrics.predictedMaxMeanBefore = round(imbalance(bal.plan.before));
    metrics.predictedMaxMeanAfter = round(imbalance(bal.plan.after));
  }
  metrics.migrations = migrations.length;
  metrics.migrationFlits = sumOf(phases.map((ph) => ph.migrationFlits));
  const grew = phases.filter((ph) => ph.name !== "migration").map((ph) => Math.max(0, ph.cycles - ph.baseCycles));
  const pauseCycles = phases.find((ph) => ph.name === "migration")?.cycles ?? 0;
  metrics.migrationExposedCycles = sumOf(grew) + pauseCycles;
  // The part of that which slowed the layer's own traffic (the rest: copies outlasting their window).
  metrics.migrationOwnDelayCycles = sumOf(phases.map((ph) => (ph.name === "migration" ? 0 : Math.max(0, ph.ownCycles - ph.baseCycles))));
  metrics.migrationHidden = metrics.migrationExposedCycles === 0;
  if (sched) {
    for (const ph of phases) if (ph.name !== "migration") metrics[`${ph.name}MigCycles`] = ph.cycles;
    metrics.leftoverCopies = sched.leftover.length;
  }
  metrics.layerCycles = sumOf(phases.map((ph) => ph.cycles));
  const result = check.result(WSC_MOE_NAME, sim.cycle, seed, full, metrics);
  return { result, phases, mapping: t.mapping, balance: { before: bal.before, after: bal.after, migrations } };
}

function phaseOf(name: string, run: PhaseOutcome, alone: Pick<PhaseOutcome, "cycles" | "linkFlits">, copies: readonly ScheduledCopy[], flitBytes: number): WscMoePhase {
  return {
    name, cycles: run.cycles, baseCycles: alone.cycles, ownCycles: run.phaseDone, linkFlits: run.linkFlits, baseLinkFlits: alone.linkFlits,
    maxLink: maxLinkLoad(run.linkFlits), totalFlits: totalLinkLoad(run.linkFlits), migrationFlits: totalLinkLoad(copyLinkFlits(copies, flitBytes)),
  };
}

const WSC_MOE_NAME = "wsc-moe";

export const wscMoeTb: Testbench = {
  name: WSC_MOE_NAME,
  description: "one MoE layer on a wafer-scale mesh (RTL): ring all-reduce, dispatch and combine all-to-all under block / entwined (ER) / global mappings, link flits vs the golden; expert balancing none / greedy (invasive pause) / NI-Balancer (migration steps hidden at low priority)",
  params: WSC_MOE_PARAMS,

  validate(params) {
    return validateWscMoe(params);
  },

  design(params) {
    return makeMesh(wscMeshParams(wscMoeConfig(params)));
  },

  waves(params) {
    return meshView(wscMeshParams(wscMoeConfig(params)));
  },

  async run(opts): Promise<TbResult> {
    return (await runWscMoe(opts.params, opts.seed, opts)).result;
  },
};
