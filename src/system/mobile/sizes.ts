/**
 * What the full model weighs, and so how many routed experts per layer the GPU can cache: the
 * bytes every PCIe transfer and every roofline in the study is computed from. Everything that is
 * not a routed expert (attention, embeddings, LM head, routers, dense layers, shared experts)
 * stays resident in GPU memory; routed experts live in host memory and are cached on the GPU.
 */
import { BYTES_PER_WEIGHT, type GpuPlatform, type MobileModelPreset, type WeightPrecision } from "./presets.js";

export interface ModelBytes {
  readonly precision: WeightPrecision;
  /** One routed expert (gate, up and down projections): one PCIe transfer. */
  readonly expert: number;
  /** A layer's shared experts together. */
  readonly shared: number;
  /** A layer's attention block. */
  readonly attention: number;
  /** A layer's router (experts x hidden). */
  readonly router: number;
  /** A dense layer's FFN. */
  readonly denseFfn: number;
  /** The LM head (vocab x hidden), read once per token. */
  readonly lmHead: number;
  /** Everything resident in GPU memory: all but the routed experts. */
  readonly resident: number;
  /** All routed experts of the model. */
  readonly routedTotal: number;
}

export function moeLayerCount(m: MobileModelPreset): number {
  return m.layers - m.moe.denseLayers;
}

export function modelBytes(m: MobileModelPreset, precision: WeightPrecision = m.precision): ModelBytes {
  const b = BYTES_PER_WEIGHT[precision];
  const { hidden, moe } = m;
  const moeLayers = moeLayerCount(m);
  const expert = 3 * hidden * moe.expertFfn * b;
  const shared = moe.sharedExperts * expert;
  const attention = m.attentionParams * b;
  const router = moe.experts * hidden * b;
  const denseFfn = 3 * hidden * m.denseFfn * b;
  const lmHead = m.vocab * hidden * b;
  const embedding = m.vocab * hidden * b;
  const resident = m.layers * attention + moeLayers * (router + shared) + moe.denseLayers * denseFfn + lmHead + embedding;
  return { precision, expert, shared, attention, router, denseFfn, lmHead, resident, routedTotal: moeLayers * moe.experts * expert };
}

/**
 * Routed experts per MoE layer that fit in the GPU memory left after the reserve, the resident
 * weights and MoBiLE's prefetch buffer (topK experts, one layer's worth; the baseline gets the
 * same cache, so the two runs compare at equal capacity). Every MoE layer gets the same share,
 * as in Mixtral-offloading's per-layer LRU caches. At most all the layer's experts.
 */
export function defaultCapacity(m: MobileModelPreset, gpu: GpuPlatform, precision: WeightPrecision = m.precision): number {
  const bytes = modelBytes(m, precision);
  const free = gpu.memoryBytes - gpu.reserveBytes - bytes.resident - m.moe.topK * bytes.expert;
  return Math.max(0, Math.min(m.moe.experts, Math.floor(free / (moeLayerCount(m) * bytes.expert))));
}

/** Experts per layer that a cache budget of `budgetBytes` for the whole model holds. */
export function capacityForBytes(m: MobileModelPreset, budgetBytes: number, precision: WeightPrecision = m.precision): number {
  const bytes = modelBytes(m, precision);
  return Math.max(0, Math.min(m.moe.experts, Math.floor(budgetBytes / (moeLayerCount(m) * bytes.expert))));
}
