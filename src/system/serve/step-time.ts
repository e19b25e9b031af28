/**
 * How long one serving step takes on a platform: every layer of the model runs the step's linear
 * layers and its attention, each decomposed into tiles that are dealt over the platform's cores
 * (every tile of the mesh is a core) and timed by the verified unit models.
 *
 * Linear layers (QKV, O projection, gate/up, down; an MoE layer's router and experts; shapes from
 * workload/ops.ts layerOps, so grouped-query attention and MoE come out as `tessera system` has
 * them): each is one GEMM with M = the step's tokens, its M x N output cut into tiles
 * (linearTiles) of 128 x 128 rounded up to whole arrays, each tile timed by the PE-array cycle
 * model (gemmCycles: a tile of m x n over the full K on the tile's array).
 *
 * Attention: attentionTiles(step, heads), each timed by the meta-attention unit's cycles
 * (golden/meta-attention-timing.ts metaAttentionCycles) in the pipeline selectPipeline picks for the
 * step. One meta-attention unit does headDim MACs per cycle (its QK and SV GEMMs take one key per
 * cycle for a headDim-wide row), so a core's array of rows x cols MACs makes
 * max(1, floor(rows * cols / headDim)) units, and a tile's cycles are divided by them (the tile's
 * rows, or for a single decode row its keys, split evenly over the units).
 *
 * Both are scaled from the array's native rate (2 x rows x cols ops per cycle) to the tile's peak
 * in the model's precision, as workload timing does (run/timing.ts): a tile whose peak is several
 * arrays' worth (dojo-tile) runs that much faster, one whose array runs the precision at half rate
 * (palm-wafer, fp16) that much slower.
 *
 * Per layer, the operators run one after another (each needs the one before), each over all cores,
 * so a layer's compute is the sum of their makespans over the cores. A layer also moves its weights
 * and the KV its attention reads (the positions before each stage) and writes (the stage's own)
 * between DRAM and the cores, over all DRAM channels at once; the layer takes the longer of its
 * compute and that transfer (a roofline: transfers overlap compute, as weight prefetch does).
 * Weights stay on chip, and cost no DRAM time, when the whole model fits in the cores' SRAM; the
 * KV too when, besides, the KV every request in flight holds fits. Decode-heavy steps on a
 * platform that streams its weights are DRAM-bound: their time is the weight read, whatever the
 * scheduler does.
 */
import { metaAttentionCycles } from "../../golden/meta-attention-timing.js";
import { gemmCycles } from "../compute.js";
import { edgeDramPorts, tileCount } from "../platform/geometry.js";
import type { Platform } from "../platform/types.js";
import { ELEMENT_BYTES, type TransformerSpec } from "../workload/model.js";
import { layerOps, type LayerOp } from "../workload/ops.js";
import { attentionTiles, linearTiles, selectPipeline, type AttentionTile, type LinearTile, type Pipeline } from "./decompose.js";
import { dealTiles } from "./deal.js";
import type { SchedulerName, Step } from "./scheduler.js";

/** Edge of a linear tile before rounding up to whole arrays (a SmoothGEMM-style fixed tile). */
const LINEAR_TILE = 128;

export interface StepTime {
  /** The step's duration. */
  readonly ns: number;
  /** Over all layers: compute (sum of operator makespans), and DRAM transfer time. */
  readonly computeNs: number;
  readonly dramNs: number;
  /** Core-time the cores were busy, over all layers. */
  readonly busyCoreNs: number;
  /** Max core load / mean core load - 1, for a layer's attention, and for its linear layers (sum of makespans over sum of means). */
  readonly attentionImbalance: number;
  readonly linearImbalance: number;
  readonly pipeline: Pipeline;
}

/** Layers alike in shape (an MoE model's dense first layers, then its MoE layers), timed once each. */
interface LayerKind {
  readonly layer: number;
  readonly count: number;
  readonly weightBytes: number;
}

/** A linear layer's time over the cores, per layer of a kind: cycles. */
interface LinearTime {
  readonly makespan: number;
  readonly busy: number;
}

export class StepTimer {
  readonly cores: number;
  /** Meta-attention units per core (see the file's comment). */
  readonly units: number;
  /** What native-rate cycles are multiplied by: the array's native ops/s over the tile's peak in the model's precision (2.048 on palm-wafer in fp16). */
  readonly rateScale: number;
  /** Cache size of Eq. 1 (bytes): see the constructor. */
  readonly cacheBytes: number;
  /** The model's weight bytes, and whether they fit in the cores' SRAM (then they cost no DRAM time). */
  readonly weightBytes: number;
  readonly weightsOnChip: boolean;
  private readonly kinds: LayerKind[];
  private readonly tm: number;
  private readonly tn: number;
  private readonly dramGBps: number;
  private readonly sramBytes: number;
  /** K and V bytes of one token in one layer. */
  private readonly kvTokenBytes: number;
  private readonly linearMemo = new Map<number, LinearTime[]>();
  private readonly tileMemo = new Map<string, number>();

  constructor(readonly platform: Platform, readonly spec: TransformerSpec, readonly scheduler: SchedulerName, readonly alpha = 4) {
    if (!(alpha > 0)) throw new RangeError(`alpha = ${alpha}: must be > 0`);
    const { rows, cols } = platform.tile.array;
    this.cores = tileCount(platform);
    this.units = Math.max(1, Math.floor((rows * cols) / spec.headDim));
    this.rateScale = (2 * rows * cols * platform.clockGHz * 1e9) / platform.tile.peakOps[spec.precision];
    this.tm = rows * Math.ceil(LINEAR_TILE / rows);
    this.tn = cols * Math.ceil(LINEAR_TILE / cols);
    this.sramBytes = platform.tile.sramBytes * this.cores;
    // Eq. 1 compares the score blocks all cores work on at once with the cache that holds them. On
    // the Ascend the paper targets that is the L2 all cores share; a mesh has no shared cache, so
    // the cores' SRAMs together stand for it (one tile's SRAM against the sum over hundreds of
    // cores would pick the 4-stage pipeline for every step with a prefill in it).
    this.cacheBytes = this.sramBytes;
    this.dramGBps = edgeDramPorts(platform).length * platform.dram.bandwidthGBps;
    const eb = ELEMENT_BYTES[spec.precision];
    this.kvTokenBytes = 2 * spec.kvHeads * spec.headDim * eb;
    const dense = spec.moe ? Math.min(spec.moe.denseLayers, spec.layers) : spec.layers;
    const kinds = [{ layer: 0, count: dense }, { layer: dense, count: spec.layers - dense }].filter((k) => k.count > 0);
    this.kinds = kinds.map((k) => ({ ...k, weightBytes: this.linearOps(k.layer, 1).reduce((s, o) => s + o.weightBytes, 0) }));
    this.weightBytes = this.kinds.reduce((s, k) => s + k.count * k.weightBytes, 0);
    this.weightsOnChip = this.weightBytes <= this.sramBytes;
  }

  /** The GEMMs of a layer that carry weights (attention's QK and SV carry none: they are the meta-attention's). */
  private linearOps(layer: number, tokens: number): LayerOp[] {
    return layerOps(this.spec, { kind: "prefill", batch: 1, seq: tokens }, 1, layer).filter((o) => o.gemm && o.weightBytes > 0);
  }

  /** A layer's linear GEMMs with M = `tokens`, per layer kind; memoized (depends on the token count only). */
  private linear(tokens: number): LinearTime[] {
    let out = this.linearMemo.get(tokens);
    if (out) return out;
    out = this.kinds.map((kind) => {
      let makespan = 0, busy = 0;
      for (const op of this.linearOps(kind.layer, tokens)) {
        const { m, n, k, count } = op.gemm!;
        const one = linearTiles(m, n, this.tm, this.tn);
        const tiles = count === 1 ? one : Array.from({ length: count }, () => one).flat();
        const a = dealTiles(this.scheduler, tiles.map((t) => t.load), this.cores);
        // At most four tile shapes (whole, last row, last column, corner): time each once.
        const shapes = new Map<number, number>();
        const cycles = (t: LinearTile) => {
          const key = t.rows * (this.tn + 1) + t.cols;
          let c = shapes.get(key);
          if (c === undefined) shapes.set(key, (c = gemmCycles(this.platform.tile.array, t.rows, t.cols, k) * this.rateScale));
          return c;
        };
        const perCore = a.perCore.map((idx) => idx.reduce((s, i) => s + cycles(tiles[i]), 0));
        makespan += Math.max(...perCore);
        busy += perCore.reduce((s, c) => s + c, 0);
      }
      return { makespan, busy };
    });
    this.linearMemo.set(tokens, out);
    return out;
  }

  /** Cycles of one attention tile on one core: its meta-attention cycles over the core's units; memoized (heads and steps repeat tiles). */
  private tileCycles(t: AttentionTile, pipeline: Pipeline): number {
    const key = `${pipeline} ${t.rows} ${t.start}`;
    let c = this.tileMemo.get(key);
    if (c === undefined) {
      c = (metaAttentionCycles({ pipeline, rows: t.rows, start: t.start }) * this.rateScale) / this.units;
      this.tileMemo.set(key, c);
    }
    return c;
  }

  /** The step's time; `kvTokensHeld` is the KV (tokens) every request in flight holds, which decides whether KV stays on chip. */
  time(step: Step, kvTokensHeld: number): StepTime {
    const clock = this.platform.clockGHz;
    const tiles = attentionTiles(step, this.spec.heads);
    const a = dealTiles(this.scheduler, tiles.map((t) => t.load), this.cores);
    const { pipeline } = selectPipeline(tiles, a, this.cacheBytes, this.alpha);
    // A stage's heads are consecutive tiles alike: time the first, reuse it for the rest.
    const cycles = new Float64Array(tiles.length);
    tiles.forEach((t, i) => {
      const prev = tiles[i - 1];
      cycles[i] = prev && prev.start === t.start && prev.rows === t.rows ? cycles[i - 1] : this.tileCycles(t, pipeline);
    });
    const attnPerCore = a.perCore.map((idx) => idx.reduce((s, i) => s + cycles[i], 0));
    const attnMakespan = Math.max(...attnPerCore);
    const attnBusy = attnPerCore.reduce((s, c) => s + c, 0);

    const kvOnChip = this.weightsOnChip && this.weightBytes + kvTokensHeld * this.kvTokenBytes * this.spec.layers <= this.sramBytes;
    let kvTokens = 0;
    for (const e of step.table) kvTokens += e.kvLen; // read the positions before the stage (start), write its own (tokenNum)
    const kvBytes = kvOnChip ? 0 : kvTokens * this.kvTokenBytes;

    let ns = 0, computeNs = 0, dramNs = 0, busyCycles = 0, linMakespan = 0, linBusy = 0;
    this.linear(step.tokens).forEach((lin, i) => {
      const kind = this.kinds[i];
      const compute = (attnMakespan + lin.makespan) / clock;
      const dram = ((this.weightsOnChip ? 0 : kind.weightBytes) + kvBytes) / this.dramGBps;
      ns += kind.count * Math.max(compute, dram);
      computeNs += kind.count * compute;
      dramNs += kind.count * dram;
      busyCycles += kind.count * (attnBusy + lin.busy);
      linMakespan += kind.count * lin.makespan;
      linBusy += kind.count * lin.busy;
    });
    return {
      ns, computeNs, dramNs, busyCoreNs: busyCycles / clock, pipeline,
      // max >= mean; the clamp only hides rounding (-1e-16 when every core has the same load).
      attentionImbalance: attnBusy > 0 ? Math.max(0, attnMakespan / (attnBusy / this.cores) - 1) : 0,
      linearImbalance: linBusy > 0 ? Math.max(0, linMakespan / (linBusy / this.cores) - 1) : 0,
    };
  }
}
