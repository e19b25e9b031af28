/**
 * Run a transformer phase on a platform in the discrete-event engine and report where the time
 * goes (PALM's model): each pipeline stage of each data-parallel replica is a process that takes
 * its micro-batches' passes in the order of the pipeline schedule (schedule.ts: forward alone for
 * prefill and decode; forwards and backwards, GPipe or 1F1B, for a training step), runs its
 * layers' operators in dependence order on its tensor-parallel group, all-reduces over the group's
 * ring, fetches weights from DRAM when they do not fit (dataflow.ts), and sends its activations to
 * the next stage (its gradients to the previous one) over the mesh. A training step ends with each
 * stage's weight gradients all-reduced over the data-parallel replicas and an optimizer step.
 *
 * Virtual tile aggregation (PALM): the tiles of a TP group run the same operator on equal shards
 * in lockstep, so with `aggregate` (the default) a group is one virtual tile and an operator one
 * event pair, however many tiles it spans; without, every tile is its own resource and process.
 * Both give the same times (test/system/run.test.ts): what differs is the number of events.
 * Weight fetches and collectives are per tile in both (they use links and DRAM channels the
 * tiles share with others).
 */
import { EventSim, Resource, hold } from "../des/index.js";
import type { ProcessBody, SimEvent } from "../des/index.js";
import { MeshNetwork, ringCollective, type Collective, type LinkUse } from "../comm/index.js";
import type { TimingModel } from "../compute.js";
import { edgeDramPorts } from "../platform/geometry.js";
import type { Platform, TileCoord } from "../platform/types.js";
import { ELEMENT_BYTES, phaseShape, type Phase, type TransformerSpec } from "../workload/model.js";
import { layerOps, type LayerOp } from "../workload/ops.js";
import { layerBackwardOps } from "../workload/backward.js";
import { peakInFlight, stageSteps, type Schedule } from "./schedule.js";
import { fetchBytes, stageDataflow, type StageDataflow } from "./dataflow.js";
import { placeGroups, type Mapping } from "./placement.js";
import { opComputeTime } from "./timing.js";

/** Which pass of a training step an operator belongs to (forward-only phases have forward alone). */
export type Pass = "forward" | "backward" | "update";

export interface OpSpan {
  readonly replica: number;
  readonly stage: number;
  readonly microbatch: number;
  readonly layer: number;
  readonly op: string;
  readonly pass: Pass;
  readonly kind: LayerOp["kind"] | "fetch" | "send";
  readonly model: TimingModel | "network" | "dram";
  readonly start: number;
  readonly end: number;
}

export interface SystemRun {
  readonly platform: string;
  readonly model: string;
  readonly phase: Phase;
  readonly mapping: Mapping;
  /** The pipeline schedule (it orders the passes of a training step; forward-only phases are the same under both). */
  readonly schedule: Schedule;
  readonly aggregate: boolean;
  /** End to end, ns. */
  readonly latencyNs: number;
  /** Stage 0's time per layer for the first micro-batch of replica 0, ns. */
  readonly perLayerNs: number;
  readonly tokensPerSecond: number;
  readonly stages: readonly StageDataflow[];
  /** One micro-batch through every stage with no contention and nothing overlapped, ns: a lower bound on latency for one micro-batch. */
  readonly criticalPathNs: number;
  /** Training: per stage, the most micro-batches whose activations it keeps at once (GPipe: all; 1F1B: at most pp - stage). */
  readonly stashedMicrobatches?: readonly number[];
  /** Busy tile-time over (tiles used x latency). */
  readonly computeUtilization: number;
  readonly linkUtilization: { readonly mean: number; readonly max: number; readonly links: number };
  readonly dramUtilization: number;
  /** Compute time by timing model, tile-ns summed over groups (how much rests on verified models). */
  readonly computeNsByModel: Readonly<Record<string, number>>;
  readonly events: number;
  readonly spans: readonly OpSpan[];
  /** Every link used, with its traffic (and busy intervals when spans are kept). */
  readonly links: readonly LinkUse[];
  /** The tiles of each replica's stages, in ring order. */
  readonly groups: readonly (readonly (readonly TileCoord[])[])[];
}

export interface RunOptions {
  readonly aggregate?: boolean;
  /** Keep every operator's span (for --trace); default true. */
  readonly spans?: boolean;
}

function nearest(ports: readonly TileCoord[], t: TileCoord): number {
  let best = 0;
  for (let i = 1; i < ports.length; i++) {
    const d = (q: TileCoord) => Math.abs(q.x - t.x) + Math.abs(q.y - t.y);
    if (d(ports[i]) < d(ports[best])) best = i;
  }
  return best;
}

/** Run to the end and report. */
export function runSystem(p: Platform, spec: TransformerSpec, phase: Phase, mapping: Mapping, o: RunOptions = {}): SystemRun {
  const b = buildRun(p, spec, phase, mapping, o);
  return b.finish(b.sim.run());
}

/**
 * The same run in slices of events, giving the event loop a turn between them and calling
 * `onProgress(layers done, layers in all)` (a layer of one micro-batch of one replica): for
 * progress bars on long runs. Same result as runSystem.
 */
export async function runSystemAsync(
  p: Platform, spec: TransformerSpec, phase: Phase, mapping: Mapping, o: RunOptions = {},
  onProgress: (done: number, total: number) => void = () => {},
): Promise<SystemRun> {
  const b = buildRun(p, spec, phase, mapping, o);
  for (let n = 1; b.sim.step(); n++) {
    if (n % SLICE_EVENTS === 0) {
      onProgress(b.layersDone(), b.layersTotal);
      await new Promise((r) => setImmediate(r));
    }
  }
  onProgress(b.layersTotal, b.layersTotal);
  return b.finish(b.sim.now);
}

const SLICE_EVENTS = 50_000;

function buildRun(p: Platform, spec: TransformerSpec, phase: Phase, mapping: Mapping, o: RunOptions) {
  const aggregate = o.aggregate ?? true, keepSpans = o.spans ?? true;
  const groups = placeGroups(p, mapping);
  const { tp, pp, dp, microbatches } = mapping;
  const ep = mapping.ep ?? 1;
  const schedule = mapping.schedule ?? "1f1b";
  const training = phase.kind === "train";
  if (!Number.isInteger(ep) || ep < 1 || dp % ep !== 0) throw new RangeError(`mapping: ep = ${ep} must be a whole number that divides dp = ${dp} (experts are split over data-parallel replicas)`);
  if (ep > 1 && !spec.moe) throw new RangeError(`mapping: ep = ${ep}, but ${spec.name} has no experts; use ep 1`);
  if (spec.layers % pp !== 0) throw new RangeError(`pp = ${pp} does not divide the ${spec.layers} layers of ${spec.name}; choose a pp that divides it`);
  if (phase.batch % (dp * microbatches) !== 0) throw new RangeError(`dp x microbatches = ${dp * microbatches} does not divide the batch of ${phase.batch}`);
  const steps = Array.from({ length: pp }, (_, s) => stageSteps(schedule, pp, s, microbatches, training));
  const mbPhase: Phase = { ...phase, batch: phase.batch / (dp * microbatches) };
  const perStage = spec.layers / pp;
  const eb = ELEMENT_BYTES[spec.precision];
  const { tokens: mbTokens } = phaseShape(mbPhase);
  const actBytes = mbTokens * spec.hidden * eb;
  const stageLayers = Array.from({ length: pp }, (_, s) => Array.from({ length: perStage }, (_, l) => layerOps(spec, mbPhase, tp, s * perStage + l, ep)));
  // Backward operators of each stage's layers, last layer first.
  const stageBackward = training ? stageLayers.map((ls) => ls.map(layerBackwardOps).reverse()) : [];
  const stages = stageLayers.map((ls) => stageDataflow(spec, ls, p.tile.sramBytes));
  const updates = training ? stageLayers.map((ls) => weightUpdate(ls.flat(), eb)) : [];

  const sim = new EventSim();
  const net = new MeshNetwork(sim, p, keepSpans);
  const ports = edgeDramPorts(p);
  const dram = ports.map((_, i) => new Resource(sim, 1, `dram ${i}`));
  const spans: OpSpan[] = [];
  const byModel: Record<string, number> = {};
  let busyTileNs = 0;
  let layersDone = 0;
  // A resource per tile, or per group when aggregated.
  const units = groups.map((rs) => rs.map((tiles) => (aggregate ? [new Resource(sim, 1, "group")] : tiles.map(() => new Resource(sim, 1, "tile")))));
  const perMicrobatch = (what: string) => groups.map((rs) => rs.map(() => Array.from({ length: microbatches }, () => sim.event<undefined>(what))));
  // arrived[r][s][j]: stage s has micro-batch j's activations; gradients[r][s][j]: its output gradient.
  const arrived = perMicrobatch("activations");
  const gradients = training ? perMicrobatch("gradients") : [];
  const span = (s: Omit<OpSpan, "end">) => {
    if (keepSpans) spans.push({ ...s, end: sim.now });
  };

  // A collective over several replicas (an EP all-to-all, a DP gradient all-reduce) runs once all
  // `count` of them have reached it: the last to arrive starts its rings, and all of them wait.
  const meets = new Map<string, { arrived: number; done: SimEvent<undefined> }>();
  function* meet(key: string, count: number, rings: () => ProcessBody<number>[]): ProcessBody<void> {
    let m = meets.get(key);
    if (!m) meets.set(key, (m = { arrived: 0, done: sim.event<undefined>(key) }));
    if (++m.arrived === count) {
      const done = m.done;
      const running = rings().map((body) => sim.process(body, key));
      sim.process((function* (): ProcessBody<void> {
        yield sim.allOf(running);
        done.succeed(undefined);
      })());
    }
    yield m.done;
  }
  // One ring per TP shard, over the same shard of each member replica.
  const shardRings = (members: readonly number[], s: number) => Array.from({ length: tp }, (_, i) => members.map((r) => groups[r][s][i]));
  const epMembers = (r: number) => Array.from({ length: ep }, (_, k) => Math.floor(r / ep) * ep + k);
  // Replicas holding the same experts: every ep-th one.
  const expertPeers = (r: number) => Array.from({ length: dp / ep }, (_, k) => (r % ep) + k * ep);

  // The DRAM port nearest each tile, found once per tile (fetches ask for it on every operator).
  const portOf = new Map<TileCoord, number>();
  const portNear = (t: TileCoord): number => {
    let i = portOf.get(t);
    if (i === undefined) portOf.set(t, (i = nearest(ports, t)));
    return i;
  };
  const fetch = function* (tile: TileCoord, bytes: number): ProcessBody<void> {
    const i = portNear(tile);
    yield* hold(sim, dram[i], bytes / p.dram.bandwidthGBps);
    yield* net.transfer(ports[i], tile, bytes);
  };

  function* runOp(r: number, s: number, j: number, layer: number, op: LayerOp, pass: Pass, key: string): ProcessBody<void> {
    const tiles = groups[r][s];
    const base = { replica: r, stage: s, microbatch: j, layer, op: op.name, pass };
    if (op.kind === "all-reduce") {
      const t0 = sim.now;
      yield* ringCollective(net, "all-reduce", tiles, op.bytes!);
      span({ ...base, kind: "all-reduce", model: "network", start: t0 });
      return;
    }
    if (op.kind === "all-to-all") {
      const t0 = sim.now;
      yield* meet(`all-to-all ${Math.floor(r / ep)}/${s}/${key}`, ep, () => shardRings(epMembers(r), s).map((ring) => ringCollective(net, "all-to-all", ring, op.bytes! / tp)));
      span({ ...base, kind: "all-to-all", model: "network", start: t0 });
      return;
    }
    const bytes = fetchBytes(op, stages[s].choice, eb);
    if (bytes > 0) {
      const t0 = sim.now;
      yield sim.allOf(tiles.map((t) => sim.process(fetch(t, bytes), "fetch")));
      span({ ...base, kind: "fetch", model: "dram", start: t0 });
    }
    const t = opComputeTime(p, spec.precision, op);
    byModel[t.model] = (byModel[t.model] ?? 0) + t.ns * tiles.length;
    busyTileNs += t.ns * tiles.length;
    const t0 = sim.now;
    yield sim.allOf(units[r][s].map((u) => sim.process(hold(sim, u, t.ns), op.name)));
    span({ ...base, kind: op.kind, model: t.model, start: t0 });
  }

  /** A hand-over between stages, off the sender's critical path: it takes its next step meanwhile. */
  function send(r: number, s: number, j: number, layer: number, from: TileCoord, to: TileCoord, what: string, ready: SimEvent<undefined>, pass: Pass) {
    sim.process((function* (): ProcessBody<void> {
      const t0 = sim.now;
      yield* net.transfer(from, to, actBytes);
      span({ replica: r, stage: s, microbatch: j, layer, op: what, pass, kind: "send", model: "network", start: t0 });
      ready.succeed(undefined);
    })(), "send");
  }

  function* stage(r: number, s: number): ProcessBody<void> {
    const tiles = groups[r][s];
    for (const step of steps[s]) {
      const j = step.microbatch;
      if (step.pass === "forward") {
        if (s > 0) yield arrived[r][s][j];
        for (let l = 0; l < perStage; l++) {
          const layer = s * perStage + l;
          for (const op of stageLayers[s][l]) yield* runOp(r, s, j, layer, op, "forward", `f/${j}/${layer}/${op.id}`);
          layersDone++;
        }
        if (s + 1 < pp) send(r, s, j, (s + 1) * perStage - 1, tiles[tiles.length - 1], groups[r][s + 1][0], "activations to next stage", arrived[r][s + 1][j], "forward");
      } else {
        if (s + 1 < pp) yield gradients[r][s][j];
        for (let l = 0; l < perStage; l++) {
          const layer = (s + 1) * perStage - 1 - l;
          for (const op of stageBackward[s][l]) yield* runOp(r, s, j, layer, op, "backward", `b/${j}/${layer}/${op.id}`);
          layersDone++;
        }
        if (s > 0) send(r, s, j, s * perStage, tiles[0], groups[r][s - 1][tp - 1], "gradients to previous stage", gradients[r][s - 1][j], "backward");
      }
    }
    if (!training) return;
    // The step's end: weight gradients all-reduced over the replicas that hold the same weights
    // (every replica for dense weights, the ep-th ones for experts), then the optimizer.
    const u = updates[s], t0 = sim.now, layer = s * perStage;
    const base = { replica: r, stage: s, microbatch: 0, layer, pass: "update" as const, kind: "all-reduce" as const, model: "network" as const };
    if (dp > 1 && u.denseBytes > 0) {
      yield* meet(`gradients ${s}`, dp, () => shardRings(groups.map((_, k) => k), s).map((ring) => ringCollective(net, "all-reduce", ring, u.denseBytes)));
      span({ ...base, op: "gradient all-reduce", start: t0 });
    }
    if (dp / ep > 1 && u.expertBytes > 0) {
      const t1 = sim.now;
      yield* meet(`expert gradients ${r % ep}/${s}`, dp / ep, () => shardRings(expertPeers(r), s).map((ring) => ringCollective(net, "all-reduce", ring, u.expertBytes)));
      span({ ...base, op: "expert gradient all-reduce", start: t1 });
    }
    yield* runOp(r, s, 0, layer, u.optimizer, "update", "optimizer");
  }

  for (let r = 0; r < dp; r++) for (let s = 0; s < pp; s++) sim.process(stage(r, s), `replica ${r} stage ${s}`);
  const layersTotal = dp * pp * microbatches * perStage * (training ? 2 : 1);
  return { sim, layersDone: () => layersDone, layersTotal, finish };

  function finish(latencyNs: number): SystemRun {
    // The no-contention path of one micro-batch: every operator, fetch, collective and hand-over
    // of replica 0 at its idle time, one after the other, forward through the stages and (when
    // training) backward through them, then stage 0's gradient reduction and optimizer step.
    // Every layer repeats its collectives on the same rings with the same sizes: each is simulated once.
    const idle = new Map<string, number>();
    const collectiveIdle = (kind: Collective, ring: readonly TileCoord[], bytes: number): number => {
      const key = `${kind} ${bytes} ${ring.map((t) => `${t.x},${t.y}`).join(" ")}`;
      let t = idle.get(key);
      if (t === undefined) idle.set(key, (t = ringIdle(new MeshNetwork(new EventSim(), p), kind, ring, bytes)));
      return t;
    };
    const maxOver = (xs: readonly number[]) => Math.max(0, ...xs);
    const opIdle = (s: number, op: LayerOp): number => {
      const tiles = groups[0][s];
      if (op.kind === "all-reduce") return collectiveIdle("all-reduce", tiles, op.bytes!);
      if (op.kind === "all-to-all") return maxOver(shardRings(epMembers(0), s).map((ring) => collectiveIdle("all-to-all", ring, op.bytes! / tp)));
      const bytes = fetchBytes(op, stages[s].choice, eb);
      const fetchNs = bytes > 0 ? maxOver(tiles.map((t) => {
        const i = portNear(t);
        return bytes / p.dram.bandwidthGBps + net.idleTime(ports[i], t, bytes);
      })) : 0;
      return fetchNs + opComputeTime(p, spec.precision, op).ns;
    };
    const layersIdle = (s: number, layers: readonly (readonly LayerOp[])[]) => layers.reduce((a, ops) => a + ops.reduce((b, op) => b + opIdle(s, op), 0), 0);
    let criticalPathNs = 0;
    for (let s = 0; s < pp; s++) {
      criticalPathNs += layersIdle(s, stageLayers[s]);
      if (s + 1 < pp) criticalPathNs += net.idleTime(groups[0][s][tp - 1], groups[0][s + 1][0], actBytes);
    }
    if (training) {
      for (let s = pp - 1; s >= 0; s--) {
        criticalPathNs += layersIdle(s, stageBackward[s]);
        if (s > 0) criticalPathNs += net.idleTime(groups[0][s][0], groups[0][s - 1][tp - 1], actBytes);
      }
      const u = updates[0];
      if (dp > 1 && u.denseBytes > 0) criticalPathNs += maxOver(shardRings(groups.map((_, k) => k), 0).map((ring) => collectiveIdle("all-reduce", ring, u.denseBytes)));
      if (dp / ep > 1 && u.expertBytes > 0) criticalPathNs += maxOver(shardRings(expertPeers(0), 0).map((ring) => collectiveIdle("all-reduce", ring, u.expertBytes)));
      criticalPathNs += opIdle(0, u.optimizer);
    }

    const used = tp * pp * dp;
    const links = net.linkUse();
    const first = spans.filter((x) => x.replica === 0 && x.stage === 0 && x.microbatch === 0 && x.pass === "forward");
    const perLayerNs = first.length ? (Math.max(...first.map((x) => x.end)) - Math.min(...first.map((x) => x.start))) / perStage : 0;
    const { tokens } = phaseShape(phase);
    return {
      platform: p.name, model: spec.name, phase, mapping, schedule, aggregate, latencyNs, perLayerNs,
      tokensPerSecond: latencyNs > 0 ? tokens / (latencyNs * 1e-9) : 0,
      stages, criticalPathNs,
      ...(training ? { stashedMicrobatches: steps.map(peakInFlight) } : {}),
      computeUtilization: latencyNs > 0 ? busyTileNs / (used * latencyNs) : 0,
      linkUtilization: { mean: links.length ? links.reduce((a, l) => a + l.utilization, 0) / links.length : 0, max: Math.max(0, ...links.map((l) => l.utilization)), links: links.length },
      dramUtilization: dram.length ? dram.reduce((a, d) => a + d.utilization(), 0) / dram.length : 0,
      computeNsByModel: byModel, events: sim.eventsProcessed, spans, links, groups,
    };
  }
}

/**
 * A training step's end on one stage: the bytes of weight gradients each shard all-reduces over
 * the replicas (dense weights over all of them, routed experts' over those holding the same
 * experts), and the optimizer as a vector operator over the shard's weights (Adam: about
 * ADAM_OPS operations per weight for the two moments, bias correction, square root, divide and
 * update; it reads the weights, so a weight-streaming stage fetches them once more).
 */
const ADAM_OPS = 12;
function weightUpdate(ops: readonly LayerOp[], eb: number): { denseBytes: number; expertBytes: number; optimizer: LayerOp } {
  let denseBytes = 0, expertBytes = 0;
  for (const op of ops) {
    if (op.expert) expertBytes += op.weightBytes;
    else denseBytes += op.weightBytes;
  }
  const weightBytes = denseBytes + expertBytes;
  const optimizer: LayerOp = { id: 0, name: "optimizer step", kind: "vector", vector: { elements: Math.max(1, weightBytes / eb), opsPerElement: ADAM_OPS }, weightBytes, deps: [] };
  return { denseBytes, expertBytes, optimizer };
}

/** A collective alone on an idle network (its own steps may still share links). */
function ringIdle(net: MeshNetwork, kind: Collective, tiles: readonly TileCoord[], bytes: number): number {
  const sim = net.sim;
  const pr = sim.process(ringCollective(net, kind, tiles, bytes));
  sim.run();
  return pr.value;
}
