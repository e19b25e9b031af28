/**
 * The MoE models and the consumer-GPU platform of the MoBiLE study (arXiv 2510.12357, papers.md
 * section 3), at their real sizes. The numeric model (model.ts) runs the same layer structure at a
 * reduced hidden size; everything that costs bytes or time (expert sizes, what stays resident,
 * the cache capacity, PCIe transfers, GPU rooflines) is computed from the full shapes here.
 *
 * The paper names neither its GPU nor its models' precision in what we have read (papers.md: "GPU
 * type and models are not confirmed"); it targets "consumer-grade GPUs with limited HBM (e.g.
 * 8-16 GB)" behind PCIe 4.0. The choices below are ours, and each is a parameter.
 */
import type { MoeSpec } from "../workload/model.js";

/** How expert (and all other) weights are stored in host memory, moved over PCIe and read from GPU memory. */
export const WEIGHT_PRECISIONS = ["fp16", "int8", "int4"] as const;
export type WeightPrecision = (typeof WEIGHT_PRECISIONS)[number];

/**
 * Bytes per weight, quantization metadata included. int8: 8 bits plus one fp16 scale per group of
 * 64 weights (8.25 bits); int4: 4 bits plus an fp16 scale and an fp16 zero point per group of 64
 * (4.5 bits), the layout of the GPTQ/HQQ-style 4-bit builds people run MoE models with on
 * consumer GPUs. The group size is our choice.
 */
export const BYTES_PER_WEIGHT: Readonly<Record<WeightPrecision, number>> = { fp16: 2, int8: 8.25 / 8, int4: 4.5 / 8 };

export interface MobileModelPreset {
  readonly name: string;
  /** Where the shapes come from. */
  readonly source: string;
  readonly hidden: number;
  /** All decoder layers, dense ones included. */
  readonly layers: number;
  readonly vocab: number;
  /** The MoE shape, in the system layer's own terms (workload/model.ts MoeSpec). */
  readonly moe: MoeSpec;
  /** FFN size of the dense layers (moe.denseLayers of them at the bottom); 0 when there are none. */
  readonly denseFfn: number;
  /** Weights of one layer's attention block (projections; norms left out). */
  readonly attentionParams: number;
  /** The precision the preset is run in by default (see the comment on MOBILE_MODELS). */
  readonly precision: WeightPrecision;
  /**
   * Default importance threshold tau for the "mass" rule (a token is important when its top-ceil(k/2)
   * router mass is below tau). Our choice per preset, since the mass of the top half of k experts
   * out of 8 or of 60 is on different scales: each is the median of that mass over the default
   * stream's token-layers (rounded), so about half of them are judged unimportant (they then go
   * little or fall back; bench/mobile/run.ts prints the shares measured).
   */
  readonly defaultTau: number;
}

/**
 * Shapes from the models' released configs (Hugging Face config.json):
 * - mixtral-8x7b (mistralai/Mixtral-8x7B-v0.1): hidden 4096, 32 layers, 8 experts top-2 of FFN
 *   14336, 32 heads with 8 KV heads of 128 (attention q/o 4096x4096, k/v 4096x1024), vocab 32000.
 * - deepseek-v2-lite (deepseek-ai/DeepSeek-V2-Lite): hidden 2048, 27 layers of which the first is
 *   dense (FFN 10944), then 64 routed experts top-6 of FFN 1408 plus 2 shared ones; MLA attention
 *   without a query LoRA: q 2048 x 16*192, kv_a 2048 x (512+64), kv_b 512 x 16*256, o 16*128 x 2048;
 *   vocab 102400.
 * - qwen-moe (Qwen/Qwen1.5-MoE-A2.7B): hidden 2048, 24 layers, 60 experts top-4 of FFN 1408 and a
 *   shared expert of FFN 5632, modelled as 4 shared experts of 1408 (a SwiGLU of 4f is four of f side
 *   by side: the same function and the same bytes); 16 heads of 128 without GQA; vocab 151936.
 * Precision: Mixtral in int4, because at fp16 one expert is 352 MB and a 16 GB card holds about one
 * per layer, fewer than its top-2 (nobody offloads Mixtral unquantized: Mixtral-offloading runs it
 * at 2-4 bits); the two smaller models in fp16, their released precision, in which they are 30 and
 * 29 GB and must be offloaded on a 16 GB card (in int4 DeepSeek-V2-Lite's experts would all fit).
 */
export const MOBILE_MODELS: Readonly<Record<string, MobileModelPreset>> = {
  "mixtral-8x7b": {
    name: "mixtral-8x7b", source: "mistralai/Mixtral-8x7B-v0.1 config.json",
    hidden: 4096, layers: 32, vocab: 32000,
    moe: { experts: 8, topK: 2, expertFfn: 14336, sharedExperts: 0, denseLayers: 0 },
    denseFfn: 0, attentionParams: 2 * 4096 * 4096 + 2 * 4096 * 1024, precision: "int4", defaultTau: 0.47,
  },
  "deepseek-v2-lite": {
    name: "deepseek-v2-lite", source: "deepseek-ai/DeepSeek-V2-Lite config.json",
    hidden: 2048, layers: 27, vocab: 102400,
    moe: { experts: 64, topK: 6, expertFfn: 1408, sharedExperts: 2, denseLayers: 1 },
    denseFfn: 10944, attentionParams: 2048 * 16 * 192 + 2048 * (512 + 64) + 512 * 16 * 256 + 16 * 128 * 2048, precision: "fp16", defaultTau: 0.42,
  },
  "qwen-moe": {
    name: "qwen-moe", source: "Qwen/Qwen1.5-MoE-A2.7B config.json",
    hidden: 2048, layers: 24, vocab: 151936,
    moe: { experts: 60, topK: 4, expertFfn: 1408, sharedExperts: 4, denseLayers: 0 },
    denseFfn: 0, attentionParams: 4 * 2048 * 2048, precision: "fp16", defaultTau: 0.34,
  },
};

export function mobileModel(name: string): MobileModelPreset {
  const m = MOBILE_MODELS[name];
  if (!m) throw new RangeError(`no MoE model preset '${name}'; presets: ${Object.keys(MOBILE_MODELS).join(", ")}`);
  return m;
}

/** A consumer GPU on a PCIe link to host memory, with what the study assumes about running on it. */
export interface GpuPlatform {
  readonly name: string;
  readonly description: string;
  /** GPU memory, bytes. */
  readonly memoryBytes: number;
  /** GPU memory bandwidth, GB/s (1e9 bytes/s). */
  readonly memoryGBps: number;
  /** Peak dense fp16 tensor throughput with fp32 accumulation, ops/s (a MAC is 2 ops). */
  readonly peakOps: number;
  /** Effective host-to-GPU bandwidth of the PCIe link, GB/s. */
  readonly pcieGBps: number;
  /** Fixed cost of one host-to-GPU copy (driver call, DMA set-up), microseconds. */
  readonly pcieLatencyUs: number;
  /** GPU memory kept for everything but weights (CUDA context, KV cache, activations), bytes. */
  readonly reserveBytes: number;
  /** Cost of launching one kernel from the host, microseconds. */
  readonly launchUs: number;
}

const GiB = 1024 ** 3;

/**
 * PCIe 4.0 x16 moves 31.5 GB/s raw after 128b/130b coding; host-to-device copies from pinned
 * memory measure 24-26 GB/s, so 25 GB/s. A cudaMemcpyAsync costs on the order of 10 us before its
 * bytes flow (call, DMA descriptor set-up, the first TLPs); we take 10 us. Both are parameters
 * (`--pcie-gbps`, `--pcie-latency-us`).
 */
export const PCIE4_X16 = { pcieGBps: 25, pcieLatencyUs: 10 } as const;

/**
 * NVIDIA's Ada figures (RTX 4080 / 4090 datasheets and the Ada whitepaper): 16 GB GDDR6X at
 * 716.8 GB/s and 97.5 TFLOPS dense fp16 tensor with fp32 accumulation; 24 GB at 1008 GB/s and
 * 165.2 TFLOPS. Both sit on PCIe 4.0 x16. Our choices: 1.5 GB reserved for the CUDA context, a
 * short KV cache and activations (batch-1 decoding); 5 us per kernel launch (the order of
 * cudaLaunchKernel's latency when each expert is its own launch, without CUDA graphs).
 * The default is the 16 GB card, the upper end of the "8-16 GB" the paper targets.
 */
export const GPU_PLATFORMS: Readonly<Record<string, GpuPlatform>> = {
  "rtx4080-16g": {
    name: "rtx4080-16g", description: "RTX 4080: 16 GB at 716.8 GB/s, 97.5 TFLOPS fp16, PCIe 4.0 x16",
    memoryBytes: 16 * GiB, memoryGBps: 716.8, peakOps: 97.5e12, ...PCIE4_X16, reserveBytes: 1.5 * GiB, launchUs: 5,
  },
  "rtx4090-24g": {
    name: "rtx4090-24g", description: "RTX 4090: 24 GB at 1008 GB/s, 165.2 TFLOPS fp16, PCIe 4.0 x16",
    memoryBytes: 24 * GiB, memoryGBps: 1008, peakOps: 165.2e12, ...PCIE4_X16, reserveBytes: 1.5 * GiB, launchUs: 5,
  },
};

export const DEFAULT_GPU = "rtx4080-16g";

export function gpuPlatform(name: string): GpuPlatform {
  const g = GPU_PLATFORMS[name];
  if (!g) throw new RangeError(`no GPU preset '${name}'; presets: ${Object.keys(GPU_PLATFORMS).join(", ")}`);
  return g;
}
