/**
 * The balancing side of `wsc-moe`: predicted expert loads from the routing's history (temporal
 * locality), the NI-Balancer plan on the layer's FTD mapping, device loads before and after on the
 * layer's actual routing, and the check that balancing moves work without changing results: the
 * MoE layer's outputs, computed wherever the replicas put each (token, expert) pair with the
 * weights each device actually received, equal the outputs without replicas.
 */
import {
  type BalancerPlan, type MoeLayerSpec, type MoeLayerTraffic, assignReplicas, deviceLoads, expertLoadHistory, expertLoads,
  moeOutputs, niBalancerPlan,
} from "../../golden/wsc.js";
import { type Checker, randInt, rng } from "../harness.js";
import type { WscMoeConfig } from "./params.js";

export interface BalanceOutcome {
  /** The plan (undefined when balancer = none). */
  readonly plan: BalancerPlan | undefined;
  /** l_e predicted from the history. */
  readonly predicted: number[];
  /** The layer's own expert loads (tokens per expert). */
  readonly actual: number[];
  /** Devices holding each expert, home first. */
  readonly replicas: number[][];
  /** Device loads of the layer's routing without replicas, and with them. */
  readonly before: number[];
  readonly after: number[];
}

/** Plan on the predicted loads; measure on the actual ones. */
export function planBalance(c: WscMoeConfig, spec: MoeLayerSpec, t: MoeLayerTraffic): BalanceOutcome {
  const N = c.w * c.h;
  const predicted = expertLoadHistory(spec, c.history);
  const actual = expertLoads(t, c.experts);
  const home = t.placement.map((d) => [d]);
  const plan = c.balancer === "none" ? undefined : niBalancerPlan({ W: c.w, H: c.h, mapping: t.mapping, placement: t.placement, loads: predicted, slots: c.slots, alpha: c.alpha });
  const replicas = plan ? plan.replicas : home;
  return { plan, predicted, actual, replicas, before: deviceLoads(home, actual, N), after: deviceLoads(replicas, actual, N) };
}

/** Activation width of the output check: small, it only has to tell copies apart. */
const DIM = 4;

/**
 * The MoE layer's outputs with replicas equal those without. `copies[d]` lists the experts device
 * d holds weights of (home copies and completed migrations); a pair computed on a device without
 * a copy uses zero weights and is reported. Weights and activations: small integers from `seed`.
 */
export function checkOutputs(t: MoeLayerTraffic, replicas: readonly (readonly number[])[], copies: readonly ReadonlySet<number>[], seed: number, check: Checker): void {
  const r = rng(seed);
  const weights = replicas.map(() => Array.from({ length: DIM }, () => Array.from({ length: DIM }, () => randInt(r, -8, 8))));
  const acts = t.route.map((g) => g.map(() => Array.from({ length: DIM }, () => randInt(r, -8, 8))));
  const zero = Array.from({ length: DIM }, () => new Array<number>(DIM).fill(0));
  const missing = new Set<string>();
  const weightsOf = (d: number, e: number) => {
    if (copies[d]?.has(e)) return weights[e];
    missing.add(`expert ${e} on device ${d}`);
    return zero;
  };
  const x = (g: number, i: number) => acts[g][i];
  const want = moeOutputs(t.route, assignReplicas(t.route, t.placement.map((d) => [d])), x, (_d, e) => weights[e]);
  const got = moeOutputs(t.route, assignReplicas(t.route, replicas), x, weightsOf);
  check.ok(`every (token, expert) pair is computed on a device holding the expert's weights (missing: ${[...missing].slice(0, 4).join(", ")})`, missing.size === 0);
  let differ = 0, first = "";
  got.forEach((g, gi) => g.forEach((o, i) => {
    if (o.join(",") === want[gi][i].join(",")) return;
    if (!differ++) first = ` (first: group ${gi} token ${i}: ${o.join(",")} vs ${want[gi][i].join(",")})`;
  }));
  check.equal(`MoE outputs that differ from the layer without replicas${first}`, differ, 0);
}
