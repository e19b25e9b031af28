/**
 * One phase of the wafer-scale MoE layer on the RTL mesh: its messages (and any migration steps
 * riding along at low priority) as one trace created at cycle 0, run to completion by the mesh
 * testbench engine (runNoc, which checks every packet and the per-output flit counts against the
 * NoC golden), then the flits on every directed link compared with the counts the wafer-scale
 * golden expects for the phase.
 */
import type { WscMessage } from "../../golden/wsc.js";
import type { NocParams } from "../../hw/noc/params.js";
import type { Simulator } from "../../sim/index.js";
import type { Checker } from "../harness.js";
import { runNoc } from "../noc/driver.js";
import { linkFlitsRecord, messagesToTrace } from "./trace.js";

export interface PhaseTraffic {
  readonly name: string;
  /** The phase's own messages (injection class 0). */
  readonly messages: readonly WscMessage[];
  /** Migration copies riding along (injection class 1, the lowest priority, when the mesh has two classes). */
  readonly migration: readonly WscMessage[];
}

export interface PhaseOutcome {
  readonly name: string;
  /** Cycles until every packet (the phase's and the migration's) was delivered. */
  readonly cycles: number;
  /** The cycle the last of the phase's own packets was delivered (0 when it has none). */
  readonly phaseDone: number;
  /** Flits the RTL counted on every directed router-to-router link "src->dst". */
  readonly linkFlits: Record<string, number>;
  readonly packets: number;
}

export interface PhaseRunOptions {
  readonly flitBytes: number;
  readonly packetFlits: number;
  /** Seed of the engine (trace traffic draws nothing from it). */
  readonly seed: number;
  /** Flits per link the golden expects for the phase and its migration steps together. */
  readonly expected: Readonly<Record<string, number>>;
  readonly check: Checker;
  /** Name of the run in failure messages (default: the phase's name). */
  readonly label?: string;
}

/** Run one phase on `sim` (a mesh built from `p`; the engine resets it first) and check its link flits. */
export function runPhase(sim: Simulator, p: NocParams, t: PhaseTraffic, o: PhaseRunOptions): PhaseOutcome {
  const label = o.label ?? t.name;
  const own = messagesToTrace(t.messages, o.flitBytes, o.packetFlits, 0);
  const trace = [...own, ...messagesToTrace(t.migration, o.flitBytes, o.packetFlits, p.priorityClasses === 2 ? 1 : 0)];
  const res = runNoc(sim, p, { traffic: { kind: "trace", trace }, rate: 0, packetSize: 1, warmup: 0, measure: 1, seed: o.seed });
  const { check } = o;
  check.checks += res.checker.checks;
  for (const f of res.checker.failures) check.fail(`${label}: ${f}`);
  if (!res.passed && res.checker.failures.length === 0) check.fail(`${label}: the mesh engine reported a failure`);
  const linkFlits = linkFlitsRecord(p.w, p.h, res.linkFlits);
  for (const [l, n] of Object.entries(linkFlits)) check.equal(`${label}: flits on link ${l}`, n, o.expected[l] ?? 0);
  for (const l of Object.keys(o.expected)) if (!(l in linkFlits)) check.fail(`${label}: the golden puts ${o.expected[l]} flits on '${l}', not a link of the ${p.w} x ${p.h} mesh`);
  // The engine creates packets in trace order (all at cycle 0): the phase's own come first.
  let phaseDone = 0;
  for (let i = 0; i < own.length; i++) phaseDone = Math.max(phaseDone, res.packets[i].delivered);
  return { name: t.name, cycles: res.cycles, phaseDone, linkFlits, packets: trace.length };
}
