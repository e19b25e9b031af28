/**
 * Golden model of MoE inference on a wafer-scale mesh (MoEntwine, papers.md section 1): the block
 * and entwined-ring (ER) mappings of TP groups and full token domains (FTDs), per-link loads of the
 * all-to-all and ring all-reduce phases under dimension-order routing, the traffic of one MoE layer
 * from a seeded routing, and the NI-Balancer planner. Pure functions, integer bytes, deterministic.
 *
 * Geometry as the mesh NoC (src/golden/noc.ts): node id = y * W + x, x grows East, y South. A
 * directed link is the string "src->dst" between 4-neighbours; only router-to-router links are
 * counted (a message to itself, or the ejection at its destination, is not a link).
 *
 * What the paper leaves open, and the choices made here:
 *   - ring order: a TP group's ring is the snake (boustrophedon) order of its devices over the
 *     group's own grid (the block's rows; for ER the grid of FTD blocks), closing from the last
 *     back to the first;
 *   - FTD index k under block mapping: the local row-major offset inside each block; a FTD lists
 *     its members in TP-group order;
 *   - expert placement: expert e on device e mod N (one expert per device when E = N);
 *   - a token's dispatch source: under an FTD mapping, the member of the token's TP group inside
 *     the FTD of the expert's device (so the all-to-all stays inside FTDs); under "global" (no FTD,
 *     block TP groups), the token's owner, member (i mod T) of its group;
 *   - ring all-reduce of M bytes over T devices: each ring edge carries 2 (T - 1) chunks of
 *     ceil(M / T) bytes (reduce-scatter + all-gather);
 *   - migration steps: the XY path of a copy split into maximal runs of intra-FTD links (local
 *     steps, hidden in the all-reduce) and inter-FTD links (global steps, hidden in the all-to-all).
 */
import { type Routing, hops, path } from "./noc.js";
import { mulberry32 } from "./prng.js";
import { transpose } from "./sofa.js";

export type WscMappingKind = "block" | "entwined";
/** The three ways the issue compares: FTD mappings, and the global all-to-all without FTDs. */
export type WscTrafficMapping = WscMappingKind | "global";

export interface WscMapping {
  /** D = bw * bh TP groups, each listed in its ring (snake) order. */
  readonly tpGroups: number[][];
  /** T = W * H / D FTDs, each with exactly one member per TP group, in TP-group order. */
  readonly ftds: number[][];
}

function checkMesh(fn: string, W: number, H: number): void {
  for (const [k, v] of [["W", W], ["H", H]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 64) throw new Error(`${fn}: ${k} = ${v} must be a whole number 1..64`);
  }
}

function checkBlocks(fn: string, W: number, H: number, bw: number, bh: number): void {
  checkMesh(fn, W, H);
  for (const [k, v, of, n] of [["bw", bw, "W", W], ["bh", bh, "H", H]] as const) {
    if (!Number.isInteger(v) || v < 1 || n % v !== 0) throw new Error(`${fn}: ${k} = ${v} must be a whole number dividing ${of} = ${n}`);
  }
}

/** Snake order over a gw x gh grid: row 0 left to right, row 1 right to left, ... */
function snake(gw: number, gh: number): [number, number][] {
  const out: [number, number][] = [];
  for (let gy = 0; gy < gh; gy++) for (let i = 0; i < gw; i++) out.push([gy % 2 === 0 ? i : gw - 1 - i, gy]);
  return out;
}

/**
 * block: D = bw * bh TP groups, each a contiguous (W / bw) x (H / bh) block (group g = by * bw + bx);
 *   FTD k = the device at local row-major offset k of every block.
 * entwined: FTD f = a contiguous bw x bh block (f row-major over the (W / bw) x (H / bh) blocks);
 *   TP group g = the devices at offset (x mod bw, y mod bh), g = oy * bw + ox.
 */
export function wscMapping(kind: WscMappingKind, W: number, H: number, bw: number, bh: number): WscMapping {
  checkBlocks("wscMapping", W, H, bw, bh);
  const id = (x: number, y: number) => y * W + x;
  if (kind === "block") {
    const sw = W / bw, sh = H / bh;
    const tpGroups: number[][] = [];
    for (let by = 0; by < bh; by++) for (let bx = 0; bx < bw; bx++) tpGroups.push(snake(sw, sh).map(([lx, ly]) => id(bx * sw + lx, by * sh + ly)));
    const ftds: number[][] = [];
    for (let ly = 0; ly < sh; ly++) for (let lx = 0; lx < sw; lx++) {
      const f: number[] = [];
      for (let by = 0; by < bh; by++) for (let bx = 0; bx < bw; bx++) f.push(id(bx * sw + lx, by * sh + ly));
      ftds.push(f);
    }
    return { tpGroups, ftds };
  }
  if (kind === "entwined") {
    const gw = W / bw, gh = H / bh;
    const tpGroups: number[][] = [];
    for (let oy = 0; oy < bh; oy++) for (let ox = 0; ox < bw; ox++) tpGroups.push(snake(gw, gh).map(([bx, by]) => id(bx * bw + ox, by * bh + oy)));
    const ftds: number[][] = [];
    for (let by = 0; by < gh; by++) for (let bx = 0; bx < gw; bx++) {
      const f: number[] = [];
      for (let oy = 0; oy < bh; oy++) for (let ox = 0; ox < bw; ox++) f.push(id(bx * bw + ox, by * bh + oy));
      ftds.push(f);
    }
    return { tpGroups, ftds };
  }
  throw new Error(`wscMapping: kind '${kind}' must be 'block' or 'entwined'`);
}

export const linkKey = (src: number, dst: number): string => `${src}->${dst}`;

/** The directed router-to-router links a message from src to dst crosses, in order. */
export function routeLinks(W: number, src: number, dst: number, routing: Routing = "xy"): string[] {
  const out: string[] = [];
  for (const hp of path(routing, W, src, dst)) {
    if (hp.dir === "L") continue;
    const step = hp.dir === "E" ? 1 : hp.dir === "W" ? -1 : hp.dir === "S" ? W : -W;
    out.push(linkKey(hp.node, hp.node + step));
  }
  return out;
}

/** Every directed link of a W x H mesh: 2 (W - 1) H + 2 W (H - 1). */
export function meshLinks(W: number, H: number): string[] {
  checkMesh("meshLinks", W, H);
  const out: string[] = [];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x;
    if (x + 1 < W) out.push(linkKey(i, i + 1), linkKey(i + 1, i));
    if (y + 1 < H) out.push(linkKey(i, i + W), linkKey(i + W, i));
  }
  return out;
}

/** Add `amount` on every link of the src -> dst route. */
function addRoute(loads: Record<string, number>, W: number, src: number, dst: number, amount: number, routing: Routing): void {
  if (amount === 0) return;
  for (const l of routeLinks(W, src, dst, routing)) loads[l] = (loads[l] ?? 0) + amount;
}

/** Unit messages per directed link when every ordered pair inside each group sends one message. */
export function a2aLinkLoads(W: number, H: number, groups: readonly (readonly number[])[], routing: Routing = "xy"): Record<string, number> {
  checkMesh("a2aLinkLoads", W, H);
  const loads: Record<string, number> = {};
  for (const g of groups) for (const s of g) for (const d of g) if (s !== d) addRoute(loads, W, s, d, 1, routing);
  return loads;
}

/** Hop distance of each ring edge (ring[i] -> ring[i + 1]), the closing edge last. */
export function ringHops(W: number, H: number, ring: readonly number[], routing: Routing = "xy"): number[] {
  checkMesh("ringHops", W, H);
  if (ring.length < 2) return [];
  return ring.map((s, i) => routeLinks(W, s, ring[(i + 1) % ring.length], routing).length);
}

export function maxLinkLoad(loads: Readonly<Record<string, number>>): number {
  return Object.values(loads).reduce((a, b) => Math.max(a, b), 0);
}

/** Sum over links: hop-weighted volume. */
export function totalLinkLoad(loads: Readonly<Record<string, number>>): number {
  return Object.values(loads).reduce((a, b) => a + b, 0);
}

/** The FTD index of every device. */
export function ftdOf(m: WscMapping, N: number): number[] {
  const out = new Array<number>(N).fill(-1);
  m.ftds.forEach((f, k) => f.forEach((d) => (out[d] = k)));
  return out;
}

/** The links whose two ends lie in different FTDs (cold during an FTD all-to-all). */
export function interFtdLinks(W: number, H: number, m: WscMapping): string[] {
  const f = ftdOf(m, W * H);
  return meshLinks(W, H).filter((l) => {
    const [a, b] = l.split("->").map(Number);
    return f[a] !== f[b];
  });
}

// ------------------------------------------------------------------ one MoE layer's traffic

/**
 * Seeded token-to-expert routing: per token the top-k experts by gate score (ties to the lower
 * expert id). Scores are uniform noise plus `skew` * log-popularity, popularity Zipf-like over a
 * seeded permutation of the experts (skew 0: uniform routing).
 */
export function moeRouting(tokens: number, experts: number, topk: number, seed: number, skew = 0): number[][] {
  if (!Number.isInteger(experts) || experts < 1) throw new Error(`moeRouting: experts = ${experts} must be a whole number >= 1`);
  if (!Number.isInteger(topk) || topk < 1 || topk > experts) throw new Error(`moeRouting: topk = ${topk} must be a whole number 1..experts (${experts})`);
  if (!Number.isInteger(tokens) || tokens < 0) throw new Error(`moeRouting: tokens = ${tokens} must be a whole number >= 0`);
  const r = mulberry32(seed);
  const rank = Array.from({ length: experts }, (_, e) => e);
  for (let i = experts - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [rank[i], rank[j]] = [rank[j], rank[i]];
  }
  const bias = rank.map((k) => -skew * Math.log(k + 1));
  return Array.from({ length: tokens }, () => {
    const score = bias.map((b) => b + r());
    return Array.from({ length: experts }, (_, e) => e).sort((a, b) => score[b] - score[a] || a - b).slice(0, topk);
  });
}

/** Device of each expert: e mod N. */
export function expertPlacement(experts: number, N: number): number[] {
  return Array.from({ length: experts }, (_, e) => e % N);
}

export interface MoeLayerSpec {
  readonly W: number;
  readonly H: number;
  readonly bw: number;
  readonly bh: number;
  readonly mapping: WscTrafficMapping;
  readonly experts: number;
  readonly topk: number;
  /** Tokens per TP group (each group's batch). */
  readonly tokens: number;
  readonly bytesPerToken: number;
  readonly seed: number;
  readonly skew?: number;
  readonly routing?: Routing;
}

export interface RingTraffic {
  readonly group: number;
  readonly ring: number[];
  /** Bytes on each ring edge (ring[i] -> ring[i + 1]). */
  readonly edgeBytes: number;
}

export interface MoeLayerTraffic {
  readonly mapping: WscMapping;
  /** Per TP group, per token, its experts. */
  readonly route: number[][][];
  /** Device of each expert (without replicas). */
  readonly placement: number[];
  /** dispatch[src][dst] bytes; combine is its transpose. src == dst stays on the device. */
  readonly dispatch: number[][];
  readonly combine: number[][];
  readonly allreduce: RingTraffic[];
  /** Bytes per directed link in each phase. */
  readonly phases: { readonly allreduce: Record<string, number>; readonly dispatch: Record<string, number>; readonly combine: Record<string, number> };
}

// One transpose for every golden model (src/golden/sofa.ts); re-exported because callers of the
// wafer-scale golden use it on dispatch matrices.
export { transpose };

export function matrixLinkBytes(W: number, matrix: readonly (readonly number[])[], routing: Routing = "xy"): Record<string, number> {
  const loads: Record<string, number> = {};
  matrix.forEach((row, s) => row.forEach((b, d) => s !== d && addRoute(loads, W, s, d, b, routing)));
  return loads;
}

/** Ring all-reduce of M bytes over a ring of T devices: bytes on each edge. */
export function ringAllReduceEdgeBytes(M: number, T: number): number {
  return T < 2 ? 0 : 2 * (T - 1) * Math.ceil(M / T);
}

export function moeLayerTraffic(s: MoeLayerSpec): MoeLayerTraffic {
  const { W, H, bw, bh } = s;
  const routing = s.routing ?? "xy";
  const N = W * H;
  if (s.mapping !== "block" && s.mapping !== "entwined" && s.mapping !== "global") throw new Error(`moeLayerTraffic: mapping '${s.mapping}' must be block, entwined or global`);
  for (const [k, v] of [["tokens", s.tokens], ["bytesPerToken", s.bytesPerToken]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`moeLayerTraffic: ${k} = ${v} must be a whole number >= 0`);
  }
  const mapping = wscMapping(s.mapping === "entwined" ? "entwined" : "block", W, H, bw, bh);
  const ftd = ftdOf(mapping, N);
  const placement = expertPlacement(s.experts, N);
  const route = mapping.tpGroups.map((_, g) => moeRouting(s.tokens, s.experts, s.topk, s.seed * 7919 + g, s.skew ?? 0));
  const dispatch = Array.from({ length: N }, () => new Array<number>(N).fill(0));
  mapping.tpGroups.forEach((group, g) => {
    // The member of group g in each FTD.
    const inFtd = new Map(group.map((d) => [ftd[d], d]));
    route[g].forEach((exps, i) => {
      for (const e of exps) {
        const dst = placement[e];
        const src = s.mapping === "global" ? group[i % group.length] : inFtd.get(ftd[dst])!;
        dispatch[src][dst] += s.bytesPerToken;
      }
    });
  });
  const combine = transpose(dispatch);
  const M = s.tokens * s.bytesPerToken;
  const allreduce = mapping.tpGroups.map((ring, group) => ({ group, ring, edgeBytes: ringAllReduceEdgeBytes(M, ring.length) }));
  const ar: Record<string, number> = {};
  for (const r of allreduce) if (r.ring.length > 1) r.ring.forEach((a, i) => addRoute(ar, W, a, r.ring[(i + 1) % r.ring.length], r.edgeBytes, routing));
  return {
    mapping, route, placement, dispatch, combine, allreduce,
    phases: { allreduce: ar, dispatch: matrixLinkBytes(W, dispatch, routing), combine: matrixLinkBytes(W, combine, routing) },
  };
}

/** Tokens routed to each expert (its load l_e) in one layer. */
export function expertLoads(t: MoeLayerTraffic, experts: number): number[] {
  const l = new Array<number>(experts).fill(0);
  for (const g of t.route) for (const exps of g) for (const e of exps) l[e]++;
  return l;
}

/**
 * Phase latency, contention model: the busiest link's bytes over the link bandwidth plus the
 * longest route's hops times the link latency. `bw` bytes per cycle (or per second: any unit).
 */
export function phaseLatency(loads: Readonly<Record<string, number>>, maxHops: number, bw: number, linkLatency: number): number {
  return maxLinkLoad(loads) / bw + maxHops * linkLatency;
}

// ------------------------------------------------------------------ NI-Balancer

/** Predicted load per device: H_d = sum over experts e held by d of l_e / r_e. */
export function deviceLoads(replicas: readonly (readonly number[])[], loads: readonly number[], N: number): number[] {
  const Hd = new Array<number>(N).fill(0);
  replicas.forEach((devs, e) => devs.forEach((d) => (Hd[d] += loads[e] / devs.length)));
  return Hd;
}

export const imbalance = (Hd: readonly number[]): number => {
  const mean = Hd.reduce((a, b) => a + b, 0) / Hd.length;
  return mean === 0 ? 1 : Math.max(...Hd) / mean;
};

export interface MigrationStep {
  /** local: links inside one FTD (hidden in the all-reduce); global: links between FTDs (hidden in the all-to-all). */
  readonly kind: "local" | "global";
  readonly src: number;
  readonly dst: number;
  readonly links: string[];
}

export interface Migration {
  readonly expert: number;
  readonly from: number;
  readonly to: number;
  readonly steps: MigrationStep[];
}

/** Split the XY route of a copy into maximal runs of intra-FTD (local) and inter-FTD (global) links. */
export function migrationSteps(W: number, ftd: readonly number[], from: number, to: number, routing: Routing = "xy"): MigrationStep[] {
  const steps: MigrationStep[] = [];
  for (const l of routeLinks(W, from, to, routing)) {
    const [a, b] = l.split("->").map(Number);
    const kind = ftd[a] === ftd[b] ? "local" : "global";
    const last = steps[steps.length - 1];
    if (last && last.kind === kind) {
      last.links.push(l);
      (last as { dst: number }).dst = b;
    } else steps.push({ kind, src: a, dst: b, links: [l] });
  }
  return steps;
}

export interface BalancerSpec {
  readonly W: number;
  readonly H: number;
  readonly mapping: WscMapping;
  /** Device of each expert (its home copy). */
  readonly placement: readonly number[];
  /** l_e: predicted (history-average) load of each expert. */
  readonly loads: readonly number[];
  /** Free shadow slots per device. */
  readonly slots: number;
  /** Trigger threshold: plan only when max H / mean H > 1 + alpha; stop once it is <= 1 + alpha. */
  readonly alpha: number;
  readonly routing?: Routing;
  /** Replicas already in place (per expert, home first); default: home copies only. */
  readonly replicas?: readonly (readonly number[])[];
}

export interface BalancerPlan {
  readonly triggered: boolean;
  readonly migrations: Migration[];
  /** Devices holding each expert after the plan (home first). */
  readonly replicas: number[][];
  readonly before: number[];
  readonly after: number[];
}

/**
 * NI-Balancer's topology-aware greedy planner: while max H / mean H > 1 + alpha, take the most
 * loaded device (lowest id on ties) and its experts hottest first (l_e / r_e, lowest id on ties);
 * the first of them with a target moves: among devices not holding it, with a free shadow slot and
 * whose new load H_d + l_e / (r_e + 1) stays below the current maximum, the nearest in mesh hops
 * (lowest id on ties) receives a copy from the hot device. Stops when no expert of the hottest
 * device can move. Each move lowers every holder's load and keeps the new holder below the
 * maximum, so the maximum never rises.
 */
export function niBalancerPlan(s: BalancerSpec): BalancerPlan {
  const N = s.W * s.H;
  const routing = s.routing ?? "xy";
  const ftd = ftdOf(s.mapping, N);
  const replicas = (s.replicas ?? s.placement.map((d) => [d])).map((r) => [...r]);
  const used = new Array<number>(N).fill(0);
  replicas.forEach((devs, e) => devs.slice(1).forEach((d) => used[d]++));
  const before = deviceLoads(replicas, s.loads, N);
  const migrations: Migration[] = [];
  const triggered = imbalance(before) > 1 + s.alpha;
  if (triggered) {
    for (;;) {
      const Hd = deviceLoads(replicas, s.loads, N);
      const max = Math.max(...Hd);
      if (imbalance(Hd) <= 1 + s.alpha) break;
      const a = Hd.indexOf(max);
      const held = replicas.map((devs, e) => (devs.includes(a) ? e : -1)).filter((e) => e >= 0 && s.loads[e] > 0);
      held.sort((x, y) => s.loads[y] / replicas[y].length - s.loads[x] / replicas[x].length || x - y);
      let moved = false;
      for (const e of held) {
        const share = s.loads[e] / (replicas[e].length + 1);
        let best = -1;
        for (let d = 0; d < N; d++) {
          if (replicas[e].includes(d) || used[d] >= s.slots || !(Hd[d] + share < max)) continue;
          if (best < 0 || hops(s.W, a, d) < hops(s.W, a, best)) best = d;
        }
        if (best < 0) continue;
        replicas[e].push(best);
        used[best]++;
        migrations.push({ expert: e, from: a, to: best, steps: migrationSteps(s.W, ftd, a, best, routing) });
        moved = true;
        break;
      }
      if (!moved) break;
    }
  }
  return { triggered, migrations, replicas, before, after: deviceLoads(replicas, s.loads, N) };
}

/**
 * Whether a migration step may run in a phase: every link of its path carries no traffic of that
 * phase (strict, threshold 0) or at most `threshold` times the phase's busiest link (relaxed).
 */
export function stepLegal(step: MigrationStep, phase: Readonly<Record<string, number>>, threshold = 0): boolean {
  const limit = threshold * maxLinkLoad(phase);
  return step.links.every((l) => (phase[l] ?? 0) <= limit);
}

/**
 * Which device computes each (token, expert) pair: the replicas of an expert share its tokens
 * round robin in token order (group by group). Used to show balancing moves work, not results.
 */
export function assignReplicas(route: readonly (readonly (readonly number[])[])[], replicas: readonly (readonly number[])[]): number[][][] {
  const next = new Array<number>(replicas.length).fill(0);
  return route.map((g) => g.map((exps) => exps.map((e) => replicas[e][next[e]++ % replicas[e].length])));
}

/**
 * The MoE layer's output with integer experts, wherever each pair is computed: expert e maps a
 * token's activation vector x (dim values) to W_e x; a token's output is the sum over its experts.
 * `weightsOf(device, e)` gives the copy of W_e that device holds: a replica's copy must equal the
 * home copy for the outputs to equal the unbalanced ones (what the migration must preserve).
 */
export function moeOutputs(
  route: readonly (readonly (readonly number[])[])[],
  where: readonly (readonly (readonly number[])[])[],
  x: (g: number, i: number) => readonly number[],
  weightsOf: (device: number, e: number) => readonly (readonly number[])[],
): number[][][] {
  return route.map((g, gi) => g.map((exps, i) => {
    const xi = x(gi, i);
    const out = new Array<number>(xi.length).fill(0);
    exps.forEach((e, k) => {
      const We = weightsOf(where[gi][i][k], e);
      We.forEach((row, r) => (out[r] += row.reduce((acc, w, c) => acc + w * xi[c], 0)));
    });
    return out;
  }));
}

// ------------------------------------------------------------------ phases as messages (for the RTL mesh)

/** One transfer of a phase: `bytes` from src to dst (a traffic-matrix entry, a ring edge, a migration step). */
export interface WscMessage {
  readonly src: number;
  readonly dst: number;
  readonly bytes: number;
}

/** Flits a message of `bytes` bytes takes on links of `flitBytes` bytes per flit (a partial flit is a whole one). */
export function messageFlits(bytes: number, flitBytes: number): number {
  if (!Number.isInteger(flitBytes) || flitBytes < 1) throw new Error(`messageFlits: flitBytes = ${flitBytes} must be a whole number >= 1`);
  return Math.ceil(bytes / flitBytes);
}

/**
 * Flits per directed link when every message crosses its route as ceil(bytes / flitBytes) flits
 * (however the sender cuts it into packets). A message to itself crosses no link.
 */
export function messageLinkFlits(W: number, messages: Iterable<WscMessage>, flitBytes: number, routing: Routing = "xy"): Record<string, number> {
  const loads: Record<string, number> = {};
  for (const m of messages) if (m.src !== m.dst) addRoute(loads, W, m.src, m.dst, messageFlits(m.bytes, flitBytes), routing);
  return loads;
}

/** A traffic matrix as messages: one per nonzero entry off the diagonal, row-major. */
export function matrixMessages(matrix: readonly (readonly number[])[]): WscMessage[] {
  const out: WscMessage[] = [];
  matrix.forEach((row, src) => row.forEach((bytes, dst) => src !== dst && bytes > 0 && out.push({ src, dst, bytes })));
  return out;
}

/**
 * The messages of each phase of one MoE layer: allreduce, one per ring edge of every TP group
 * (edgeBytes each, the closing edge included); dispatch and combine, their matrices' entries.
 * Their bytes per link are exactly `t.phases`.
 */
export function moePhaseMessages(t: MoeLayerTraffic): { allreduce: WscMessage[]; dispatch: WscMessage[]; combine: WscMessage[] } {
  const allreduce: WscMessage[] = [];
  for (const r of t.allreduce) {
    if (r.ring.length < 2 || r.edgeBytes === 0) continue;
    r.ring.forEach((a, i) => allreduce.push({ src: a, dst: r.ring[(i + 1) % r.ring.length], bytes: r.edgeBytes }));
  }
  return { allreduce, dispatch: matrixMessages(t.dispatch), combine: matrixMessages(t.combine) };
}

/**
 * Predicted expert loads l_e with temporal locality: the average over `history` earlier
 * iterations of the same routing process (same seeded popularity, fresh gate noise). Each TP
 * group's token stream is moeRouting over (history + 1) * tokens tokens with the layer's seed, so
 * its first `tokens` are the layer's own routing (moeLayerTraffic's `route`) and the next
 * `history` chunks of `tokens` are the history. Returns sum over chunks / history.
 */
export function expertLoadHistory(s: MoeLayerSpec, history: number): number[] {
  if (!Number.isInteger(history) || history < 1) throw new Error(`expertLoadHistory: history = ${history} must be a whole number >= 1`);
  const D = s.bw * s.bh;
  const l = new Array<number>(s.experts).fill(0);
  for (let g = 0; g < D; g++) {
    const stream = moeRouting(s.tokens * (history + 1), s.experts, s.topk, s.seed * 7919 + g, s.skew ?? 0);
    for (const exps of stream.slice(s.tokens)) for (const e of exps) l[e]++;
  }
  return l.map((v) => v / history);
}
