/**
 * The numeric MoE model: real weights, real routing, float64 arithmetic, at a reduced hidden size.
 *
 * Layer l takes the hidden vector x of a token and gives x + FFN_l(rmsnorm(x)): the next layer's
 * input is this layer's output plus the residual. A dense layer's FFN is one SwiGLU; an MoE
 * layer's is sum_r g_r * E_r(y) over the chosen routed experts in rank order, plus its shared
 * experts (gate 1), where y = rmsnorm(x). The router gives p = softmax(W_r y + b) over the routed
 * experts. An expert is a SwiGLU, down(silu(gate y) * up y), as in Mixtral, DeepSeek and Qwen.
 * Attention is not computed (its time is, timing.ts): a token's layer input is the previous
 * layer's output.
 *
 * Reduced size: the hidden size is `hidden` (32 for the CLI and bench, 2-16 in tests; Mixtral's is
 * 4096) and each FFN keeps the preset's ratio to the hidden size (Mixtral's 14336/4096 gives 112 at
 * 32, DeepSeek's and Qwen's 1408/2048 give 22). Layers, experts, top-k and shared experts are the
 * preset's. Only bytes and times come from the full shapes (sizes.ts); at the reduced size the
 * weights stay cheap to generate (a 128-token study of a preset takes a second or two) and the
 * routing keeps its structure: router logits are scaled by 1/sqrt(hidden), so their spread does
 * not depend on the size (the quartiles of the little-set mass at 32 and at 64 agree within 0.02).
 *
 * Weights are seeded per (layer, expert), generated on first use and kept: N(0, 1/fan-in) for
 * every projection. The router's rows are N(0, routerScale^2 / hidden), so its logits have a spread
 * of about routerScale; the bias b (N(0, popularitySkew^2) per expert) stands in for the uneven
 * popularity of experts that trained routers show, without which an LRU cache would see uniform
 * traffic. Both are our choices (parameters; defaults calibrated in DEFAULT_ROUTER).
 */
import { mulberry32 } from "../../golden/prng.js";
import { dotRow, gaussian, mixSeed, rmsNorm, silu, softmax } from "./numerics.js";
import type { MobileModelPreset } from "./presets.js";

export interface MoeModelShape {
  /** All layers, dense ones first. */
  readonly layers: number;
  readonly denseLayers: number;
  readonly experts: number;
  readonly topK: number;
  readonly sharedExperts: number;
  /** Reduced sizes the numbers are computed at. */
  readonly hidden: number;
  readonly expertFfn: number;
  readonly denseFfn: number;
}

export interface RouterOptions {
  /** Spread (standard deviation) of the router logits from the weights. */
  readonly routerScale: number;
  /** Standard deviation of the per-expert logit bias (expert popularity). */
  readonly popularitySkew: number;
}

/**
 * Our choice (the paper has no router to copy; a trained one is what we lack). With these, on the
 * default stream (stream.ts) at the default reduced size, Mixtral's top expert carries half of the
 * router's mass on average (0.50; DeepSeek-V2-Lite's top one of 64: 0.23), about 40% of a token's
 * top-2 repeat the previous token's in the same layer (25% by chance), and the baseline's 4-of-8
 * LRU cache hits about two times in three (Mixtral-offloading reports 40-60% for its LRU cache of
 * 2-4 experts per layer on real text).
 */
export const DEFAULT_ROUTER: RouterOptions = { routerScale: 1.5, popularitySkew: 0.75 };

/** The reduced hidden size of the CLI and the bench. */
export const DEFAULT_REDUCED_HIDDEN = 32;

/** A preset's layer structure at hidden size `hidden`, cut to its first `layers` layers if given. */
export function reducedShape(p: MobileModelPreset, hidden = DEFAULT_REDUCED_HIDDEN, layers = p.layers): MoeModelShape {
  if (!Number.isInteger(hidden) || hidden < 2) throw new RangeError(`reduced hidden size ${hidden} must be a whole number >= 2`);
  if (!Number.isInteger(layers) || layers <= p.moe.denseLayers || layers > p.layers) {
    throw new RangeError(`layers = ${layers} must be a whole number ${p.moe.denseLayers + 1}..${p.layers} (${p.name} has ${p.layers}, the first ${p.moe.denseLayers} dense)`);
  }
  const scale = (f: number) => (f === 0 ? 0 : Math.max(2, Math.round((hidden * f) / p.hidden)));
  return {
    layers, denseLayers: p.moe.denseLayers, experts: p.moe.experts, topK: p.moe.topK, sharedExperts: p.moe.sharedExperts,
    hidden, expertFfn: scale(p.moe.expertFfn), denseFfn: scale(p.denseFfn),
  };
}

export class MoeModel {
  private readonly weights = new Map<string, Float64Array>();

  constructor(
    readonly shape: MoeModelShape,
    readonly seed: number,
    readonly router: RouterOptions = DEFAULT_ROUTER,
  ) {
    const s = shape;
    for (const [k, v] of Object.entries(s)) if (!Number.isInteger(v) || v < 0) throw new RangeError(`model shape: ${k} = ${v} must be a whole number >= 0`);
    if (s.topK < 1 || s.topK > s.experts) throw new RangeError(`model shape: topK = ${s.topK} must be 1..${s.experts} (the experts)`);
    if (s.hidden < 1 || s.expertFfn < 1) throw new RangeError("model shape: hidden and expertFfn must be >= 1");
    if (s.denseLayers >= s.layers) throw new RangeError(`model shape: ${s.denseLayers} dense layers leave no MoE layer of ${s.layers}`);
    if (s.denseLayers > 0 && s.denseFfn < 1) throw new RangeError("model shape: dense layers need denseFfn >= 1");
  }

  isDense(layer: number): boolean {
    return layer < this.shape.denseLayers;
  }

  /** A matrix block of normal weights scaled by 1/sqrt(fanIn), seeded by its name. */
  private block(key: string, seedParts: number[], count: number, make: (rand: () => number, out: Float64Array) => void): Float64Array {
    let w = this.weights.get(key);
    if (!w) {
      w = new Float64Array(count);
      make(mulberry32(mixSeed(this.seed, ...seedParts)), w);
      this.weights.set(key, w);
    }
    return w;
  }

  /** SwiGLU weights: gate (f x h), up (f x h), down (h x f), one block. */
  private swiglu(key: string, seedParts: number[], f: number): Float64Array {
    const h = this.shape.hidden;
    return this.block(key, seedParts, 3 * f * h, (rand, w) => {
      const sIn = 1 / Math.sqrt(h), sOut = 1 / Math.sqrt(f);
      for (let i = 0; i < 2 * f * h; i++) w[i] = gaussian(rand) * sIn;
      for (let i = 2 * f * h; i < 3 * f * h; i++) w[i] = gaussian(rand) * sOut;
    });
  }

  /** down(silu(gate y) * up y); each dot product summed in index order (numerics.ts dotRow, inlined). */
  private static runSwiglu(w: Float64Array, y: Float64Array, h: number, f: number): Float64Array {
    const a = new Float64Array(f);
    const upAt = f * h, downAt = 2 * f * h;
    for (let j = 0; j < f; j++) {
      let g = 0, u = 0;
      const gj = j * h, uj = upAt + j * h;
      for (let i = 0; i < h; i++) g += w[gj + i] * y[i];
      for (let i = 0; i < h; i++) u += w[uj + i] * y[i];
      a[j] = silu(g) * u;
    }
    const out = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      let d = 0;
      const di = downAt + i * f;
      for (let j = 0; j < f; j++) d += w[di + j] * a[j];
      out[i] = d;
    }
    return out;
  }

  /** The router's probabilities over the routed experts for layer input x, and the normalized input y. */
  route(layer: number, x: Float64Array): { y: Float64Array; probs: Float64Array } {
    this.checkMoe(layer);
    const { experts: e, hidden: h } = this.shape;
    const w = this.block(`r${layer}`, [2, layer], e * h + e, (rand, out) => {
      const s = this.router.routerScale / Math.sqrt(h);
      for (let i = 0; i < e * h; i++) out[i] = gaussian(rand) * s;
      for (let i = e * h; i < e * h + e; i++) out[i] = gaussian(rand) * this.router.popularitySkew;
    });
    const y = rmsNorm(x);
    const z = new Float64Array(e);
    for (let i = 0; i < e; i++) z[i] = dotRow(w, i, y, h) + w[e * h + i];
    return { y, probs: softmax(z) };
  }

  /** Routed expert `expert` of `layer` applied to the normalized input y. */
  expert(layer: number, expert: number, y: Float64Array): Float64Array {
    this.checkMoe(layer);
    if (!Number.isInteger(expert) || expert < 0 || expert >= this.shape.experts) throw new RangeError(`expert ${expert} is not one of 0..${this.shape.experts - 1}`);
    return MoeModel.runSwiglu(this.swiglu(`e${layer}.${expert}`, [1, layer, expert], this.shape.expertFfn), y, this.shape.hidden, this.shape.expertFfn);
  }

  /**
   * The MoE block's output for normalized input y: sum over r (in the order given) of gates[r] *
   * expert(experts[r]), then the shared experts in index order. Accumulated left to right from 0.
   * A memo, if given, must only ever see this layer and this y.
   */
  moeOutput(layer: number, y: Float64Array, experts: readonly number[], gates: readonly number[], memo?: Map<number, Float64Array>): Float64Array {
    if (experts.length !== gates.length) throw new RangeError(`moeOutput: ${experts.length} experts but ${gates.length} gates`);
    const h = this.shape.hidden;
    const out = new Float64Array(h);
    // `memo` keeps each expert's output for this y (shared experts under -1 - s), so two
    // combinations of one token's experts (little and big) compute each expert once.
    const get = (key: number, make: () => Float64Array) => {
      let o = memo?.get(key);
      if (!o) {
        o = make();
        memo?.set(key, o);
      }
      return o;
    };
    experts.forEach((e, r) => {
      const o = get(e, () => this.expert(layer, e, y));
      for (let i = 0; i < h; i++) out[i] += gates[r] * o[i];
    });
    for (let s = 0; s < this.shape.sharedExperts; s++) {
      const o = get(-1 - s, () => MoeModel.runSwiglu(this.swiglu(`s${layer}.${s}`, [3, layer, s], this.shape.expertFfn), y, h, this.shape.expertFfn));
      for (let i = 0; i < h; i++) out[i] += o[i];
    }
    return out;
  }

  /** A dense layer: x + SwiGLU(rmsnorm(x)). */
  denseLayer(layer: number, x: Float64Array): Float64Array {
    if (!this.isDense(layer)) throw new RangeError(`layer ${layer} is an MoE layer, not dense`);
    const w = this.swiglu(`d${layer}`, [4, layer], this.shape.denseFfn);
    return addResidual(x, MoeModel.runSwiglu(w, rmsNorm(x), this.shape.hidden, this.shape.denseFfn));
  }

  private checkMoe(layer: number): void {
    if (!Number.isInteger(layer) || layer < this.shape.denseLayers || layer >= this.shape.layers) {
      throw new RangeError(`layer ${layer} is not an MoE layer (${this.shape.denseLayers}..${this.shape.layers - 1})`);
    }
  }
}

/** x + out, elementwise: the residual connection. */
export function addResidual(x: Float64Array, out: Float64Array): Float64Array {
  const r = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) r[i] = x[i] + out[i];
  return r;
}
