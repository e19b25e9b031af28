/**
 * Run a transformer phase on a platform in the discrete-event engine and report where the time
 * goes (PALM's model): each pipeline stage of each data-parallel replica is a process that takes
 * its micro-batches in order (forward only, so GPipe and 1F1B issue the same order), runs its
 * layers' operators in dependence order on its tensor-parallel group, all-reduces over the group's
 * ring, fetches weights from DRAM when they do not fit (dataflow.ts), and sends its activations to
 * the next stage over the mesh.
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
import { fetchBytes, stageDataflow, type StageDataflow } from "./dataflow.js";
import { placeGroups, type Mapping } from "./placement.js";
import { opComputeTime } from "./timing.js";

export interface OpSpan {
  readonly replica: number;
  readonly stage: number;
  readonly microbatch: number;
  readonly layer: number;
  readonly op: string;
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
  readonly aggregate: boolean;
  /** End to end, ns. */
  readonly latencyNs: number;
  /** Stage 0's time per layer for the first micro-batch of replica 0, ns. */
  readonly perLayerNs: number;
  readonly tokensPerSecond: number;
  readonly stages: readonly StageDataflow[];
  /** One micro-batch through every stage with no contention and nothing overlapped, ns: a lower bound on latency for one micro-batch. */
  readonly criticalPathNs: number;
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
  if (!Number.isInteger(ep) || ep < 1 || dp % ep !== 0) throw new RangeError(`mapping: ep = ${ep} must be a whole number that divides dp = ${dp} (experts are split over data-parallel replicas)`);
  if (ep > 1 && !spec.moe) throw new RangeError(`mapping: ep = ${ep}, but ${spec.name} has no experts; use ep 1`);
  if (spec.layers % pp !== 0) throw new RangeError(`pp = ${pp} does not divide the ${spec.layers} layers of ${spec.name}; choose a pp that divides it`);
  if (phase.batch % (dp * microbatches) !== 0) throw new RangeError(`dp x microbatches = ${dp * microbatches} does not divide the batch of ${phase.batch}`);
  const mbPhase: Phase = { ...phase, batch: phase.batch / (dp * microbatches) };
  const perStage = spec.layers / pp;
  const eb = ELEMENT_BYTES[spec.precision];
  const { tokens: mbTokens } = phaseShape(mbPhase);
  const stageLayers = Array.from({ length: pp }, (_, s) => Array.from({ length: perStage }, (_, l) => layerOps(spec, mbPhase, tp, s * perStage + l, ep)));
  const stages = stageLayers.map((ls) => stageDataflow(spec, ls, p.tile.sramBytes));

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
  const arrived: SimEvent<undefined>[][][] = groups.map((rs) => rs.map(() => Array.from({ length: microbatches }, () => sim.event<undefined>("activations"))));
  const span = (s: Omit<OpSpan, "end">) => {
    if (keepSpans) spans.push({ ...s, end: sim.now });
  };

  // An all-to-all runs once the ep replicas of an EP group have all reached it: the last to
  // arrive starts it (one ring per TP shard, each carrying that shard's share of the tokens), and
  // all of them wait for it.
  const meets = new Map<string, { arrived: number; done: SimEvent<undefined> }>();
  const epMembers = (r: number, s: number, shard: number) => Array.from({ length: ep }, (_, k) => groups[Math.floor(r / ep) * ep + k][s][shard]);
  function* allToAll(r: number, s: number, key: string, bytes: number): ProcessBody<void> {
    let m = meets.get(key);
    if (!m) meets.set(key, (m = { arrived: 0, done: sim.event<undefined>(`all-to-all ${key}`) }));
    if (++m.arrived === ep) {
      const done = m.done;
      const rings = Array.from({ length: tp }, (_, i) => sim.process(ringCollective(net, "all-to-all", epMembers(r, s, i), bytes / tp), "all-to-all"));
      sim.process((function* (): ProcessBody<void> {
        yield sim.allOf(rings);
        done.succeed(undefined);
      })());
    }
    yield m.done;
  }

  const fetch = function* (tile: TileCoord, bytes: number): ProcessBody<void> {
    const i = nearest(ports, tile);
    yield* hold(sim, dram[i], bytes / p.dram.bandwidthGBps);
    yield* net.transfer(ports[i], tile, bytes);
  };

  function* stage(r: number, s: number): ProcessBody<void> {
    const tiles = groups[r][s], flow = stages[s].choice;
    for (let j = 0; j < microbatches; j++) {
      if (s > 0) yield arrived[r][s][j];
      for (let l = 0; l < perStage; l++) {
        for (const op of stageLayers[s][l]) {
          const base = { replica: r, stage: s, microbatch: j, layer: s * perStage + l, op: op.name };
          if (op.kind === "all-reduce") {
            const t0 = sim.now;
            yield* ringCollective(net, "all-reduce", tiles, op.bytes!);
            span({ ...base, kind: "all-reduce", model: "network", start: t0 });
            continue;
          }
          if (op.kind === "all-to-all") {
            const t0 = sim.now;
            yield* allToAll(r, s, `${Math.floor(r / ep)}/${s}/${j}/${base.layer}/${op.id}`, op.bytes!);
            span({ ...base, kind: "all-to-all", model: "network", start: t0 });
            continue;
          }
          const bytes = fetchBytes(op, flow, eb);
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
        layersDone++;
      }
      if (s + 1 < pp) {
        // The stage's output goes from its last tile to the next stage's first, while this stage
        // takes its next micro-batch.
        const from = tiles[tiles.length - 1], to = groups[r][s + 1][0], ready = arrived[r][s + 1][j];
        const jj = j;
        sim.process((function* (): ProcessBody<void> {
          const t0 = sim.now;
          yield* net.transfer(from, to, mbTokens * spec.hidden * eb);
          span({ replica: r, stage: s, microbatch: jj, layer: (s + 1) * perStage - 1, op: "activations to next stage", kind: "send", model: "network", start: t0 });
          ready.succeed(undefined);
        })(), "send");
      }
    }
  }

  for (let r = 0; r < dp; r++) for (let s = 0; s < pp; s++) sim.process(stage(r, s), `replica ${r} stage ${s}`);
  return { sim, layersDone: () => layersDone, layersTotal: dp * pp * microbatches * perStage, finish };

  function finish(latencyNs: number): SystemRun {
    // The no-contention path of one micro-batch: every operator, fetch, collective and hand-over
    // of replica 0 at its idle time, one after the other.
    // Every layer repeats its collectives on the same rings with the same sizes: each is simulated once.
    const idle = new Map<string, number>();
    const collectiveIdle = (kind: Collective, ring: readonly TileCoord[], bytes: number): number => {
      const key = `${kind} ${bytes} ${ring.map((t) => `${t.x},${t.y}`).join(" ")}`;
      let t = idle.get(key);
      if (t === undefined) idle.set(key, (t = ringIdle(new MeshNetwork(new EventSim(), p), kind, ring, bytes)));
      return t;
    };
    let criticalPathNs = 0;
    for (let s = 0; s < pp; s++) {
      const tiles = groups[0][s];
      for (const ops of stageLayers[s]) {
        for (const op of ops) {
          if (op.kind === "all-reduce") {
            criticalPathNs += collectiveIdle("all-reduce", tiles, op.bytes!);
            continue;
          }
          if (op.kind === "all-to-all") {
            criticalPathNs += Math.max(...tiles.map((_, i) => collectiveIdle("all-to-all", epMembers(0, s, i), op.bytes! / tp)));
            continue;
          }
          const bytes = fetchBytes(op, stages[s].choice, eb);
          if (bytes > 0) {
            criticalPathNs += Math.max(...tiles.map((t) => {
              const i = nearest(ports, t);
              return bytes / p.dram.bandwidthGBps + net.idleTime(ports[i], t, bytes);
            }));
          }
          criticalPathNs += opComputeTime(p, spec.precision, op).ns;
        }
      }
      if (s + 1 < pp) criticalPathNs += net.idleTime(tiles[tiles.length - 1], groups[0][s + 1][0], mbTokens * spec.hidden * eb);
    }

    const used = tp * pp * dp;
    const links = net.linkUse();
    const first = spans.filter((x) => x.replica === 0 && x.stage === 0 && x.microbatch === 0);
    const perLayerNs = first.length ? (Math.max(...first.map((x) => x.end)) - Math.min(...first.map((x) => x.start))) / perStage : 0;
    const { tokens } = phaseShape(phase);
    return {
      platform: p.name, model: spec.name, phase, mapping, aggregate, latencyNs, perLayerNs,
      tokensPerSecond: latencyNs > 0 ? tokens / (latencyNs * 1e-9) : 0,
      stages, criticalPathNs,
      computeUtilization: latencyNs > 0 ? busyTileNs / (used * latencyNs) : 0,
      linkUtilization: { mean: links.length ? links.reduce((a, l) => a + l.utilization, 0) / links.length : 0, max: Math.max(0, ...links.map((l) => l.utilization)), links: links.length },
      dramUtilization: dram.length ? dram.reduce((a, d) => a + d.utilization(), 0) / dram.length : 0,
      computeNsByModel: byModel, events: sim.eventsProcessed, spans, links, groups,
    };
  }
}

/** A collective alone on an idle network (its own steps may still share links). */
function ringIdle(net: MeshNetwork, kind: Collective, tiles: readonly TileCoord[], bytes: number): number {
  const sim = net.sim;
  const pr = sim.process(ringCollective(net, kind, tiles, bytes));
  sim.run();
  return pr.value;
}
