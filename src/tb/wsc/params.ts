/**
 * The `wsc-moe` testbench's parameters (their names are a contract with the CLI, the report and
 * scripts), the checks between them, and the typed configuration the run works from.
 */
import type { WscTrafficMapping } from "../../golden/wsc.js";
import { MAX_PACKET_FLITS, NOC_LIMITS } from "../../hw/noc/params.js";
import type { ParamSpec, Params } from "../types.js";

export const WSC_MAPPINGS = ["block", "entwined", "global"] as const;
export const WSC_BALANCERS = ["none", "greedy", "ni"] as const;
export type WscBalancer = (typeof WSC_BALANCERS)[number];

const int = (name: string, description: string, def: number, min: number, max: number, verify?: { min: number; max: number }): ParamSpec => ({
  name, description, type: "int", default: def, min, max, ...(verify ? { verify } : {}),
});
const num = (name: string, description: string, def: number, min: number, max: number, verify?: { min: number; max: number }): ParamSpec => ({
  name, description, type: "number", default: def, min, max, ...(verify ? { verify } : {}),
});

/** Largest mesh side the testbench takes (the NoC takes 32; beyond 16 a run gets slow). */
const MAX_SIDE = Math.min(16, NOC_LIMITS.w[1], NOC_LIMITS.h[1]);

export const WSC_MOE_PARAMS: readonly ParamSpec[] = [
  int("w", "mesh columns (dies per row)", 4, 1, MAX_SIDE, { min: 2, max: 4 }),
  int("h", "mesh rows", 4, 1, MAX_SIDE, { min: 2, max: 4 }),
  int("bw", "FTD width (entwined) / TP-group blocks per row (block); divides w", 2, 1, MAX_SIDE, { min: 1, max: 2 }),
  int("bh", "FTD height (entwined) / TP-group blocks per column (block); divides h", 2, 1, MAX_SIDE, { min: 1, max: 2 }),
  int("experts", "experts of the MoE layer (expert e lives on device e mod w*h)", 16, 1, 4096, { min: 1, max: 20 }),
  int("topk", "experts per token", 2, 1, 64, { min: 1, max: 4 }),
  int("tokens", "tokens per TP group (each group's batch)", 8, 1, 4096, { min: 1, max: 12 }),
  int("bytesPerToken", "bytes of one token's activation sent to one expert", 256, 1, 1 << 20, { min: 16, max: 512 }),
  { name: "mapping", description: "TP groups and FTDs: block, entwined (ER-Mapping) or global (block TP groups, all-to-all over every device)", type: "enum", default: "entwined", values: WSC_MAPPINGS },
  { name: "balancer", description: "expert balancing: none, greedy (invasive: pause, migrate, resume) or ni (NI-Balancer: steps hidden in the phases at low priority)", type: "enum", default: "ni", values: WSC_BALANCERS },
  num("alpha", "balancer trigger: plan while max/mean predicted device load > 1 + alpha", 0.1, 0, 100, { min: 0, max: 0.5 }),
  int("seed", "seed of the token routing and the expert-load history (the run's --seed drives only the output check's weights and activations)", 1, 0, 2 ** 31 - 1),
  int("flitBytes", "link bytes per flit (a message of B bytes is ceil(B / flitBytes) flits)", 64, 1, 1 << 16, { min: 32, max: 128 }),
  int("linkLatency", "cycles a flit takes on a die-to-die link", 1, NOC_LIMITS.linkLatency[0], NOC_LIMITS.linkLatency[1], { min: 1, max: 2 }),
  int("packetFlits", "largest packet in flits (a message is cut into packets of at most this many)", 16, 1, MAX_PACKET_FLITS, { min: 1, max: 16 }),
  num("skew", "routing skew: gate bias skew * log-popularity (0: uniform); gives the balancer work", 1, 0, 20, { min: 0, max: 2 }),
  int("slots", "free shadow slots per device (replicas it can take)", 1, 0, 64, { min: 0, max: 2 }),
  int("expertBytes", "bytes of one expert's weights that a migration copies", 1024, 1, 1 << 24, { min: 64, max: 2048 }),
  int("history", "earlier iterations of the routing averaged into the predicted loads l_e", 4, 1, 64, { min: 1, max: 4 }),
];

export interface WscMoeConfig {
  readonly w: number;
  readonly h: number;
  readonly bw: number;
  readonly bh: number;
  readonly experts: number;
  readonly topk: number;
  readonly tokens: number;
  readonly bytesPerToken: number;
  readonly mapping: WscTrafficMapping;
  readonly balancer: WscBalancer;
  readonly alpha: number;
  readonly seed: number;
  readonly flitBytes: number;
  readonly linkLatency: number;
  readonly packetFlits: number;
  readonly skew: number;
  readonly slots: number;
  readonly expertBytes: number;
  readonly history: number;
}

/** The defaults of every parameter. */
export function wscMoeDefaults(): Params {
  return Object.fromEntries(WSC_MOE_PARAMS.map((p) => [p.name, p.default]));
}

/** Complete parameters (defaults filled in) as the typed configuration. */
export function wscMoeConfig(params: Params): WscMoeConfig {
  const q = { ...wscMoeDefaults(), ...params };
  const n = (k: string) => Number(q[k]);
  return {
    w: n("w"), h: n("h"), bw: n("bw"), bh: n("bh"), experts: n("experts"), topk: n("topk"), tokens: n("tokens"),
    bytesPerToken: n("bytesPerToken"), mapping: String(q.mapping) as WscTrafficMapping, balancer: String(q.balancer) as WscBalancer,
    alpha: n("alpha"), seed: n("seed"), flitBytes: n("flitBytes"), linkLatency: n("linkLatency"), packetFlits: n("packetFlits"),
    skew: n("skew"), slots: n("slots"), expertBytes: n("expertBytes"), history: n("history"),
  };
}

/**
 * Why the parameters do not go together (naming them and how to mend it), or undefined. Ranges
 * of single parameters are also checked here, for callers that bypass the CLI (runWscMoe).
 */
export function validateWscMoe(params: Params): string | undefined {
  const q = { ...wscMoeDefaults(), ...params };
  for (const spec of WSC_MOE_PARAMS) {
    const v = q[spec.name];
    if (spec.type === "enum") {
      if (!spec.values!.includes(String(v))) return `${spec.name} = '${v}' must be one of ${spec.values!.join(", ")}`;
      continue;
    }
    const x = Number(v);
    const whole = spec.type === "int";
    if (!Number.isFinite(x) || (whole && !Number.isInteger(x)) || x < spec.min! || x > spec.max!) {
      return `${spec.name} = ${v} must be a ${whole ? "whole number" : "number"} ${spec.min}..${spec.max} (${spec.description})`;
    }
  }
  const c = wscMoeConfig(q);
  if (c.w % c.bw !== 0) return `bw = ${c.bw} must divide w = ${c.w} (the mesh splits into w / bw FTD columns); pick bw among the divisors of w`;
  if (c.h % c.bh !== 0) return `bh = ${c.bh} must divide h = ${c.h} (the mesh splits into h / bh FTD rows); pick bh among the divisors of h`;
  if (c.topk > c.experts) return `topk = ${c.topk} must be at most experts = ${c.experts} (a token picks topk distinct experts)`;
  return undefined;
}
