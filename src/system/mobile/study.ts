/**
 * The MoBiLE study: one token stream through the baseline and through MoBiLE, on the same model,
 * GPU, cache capacity and policy, each schedule timed on the platform and the MoBiLE run checked
 * against the golden properties. What `tessera mobile` and the bench report.
 */
import { runBaseline } from "./baseline.js";
import { runMobile, type FallbackRule, type PrefetchSet } from "./big-little.js";
import type { CachePolicy } from "./cache.js";
import { bigTokens, checkMobileRun, type GoldenReport } from "./golden.js";
import type { ImportanceRule } from "./importance.js";
import { DEFAULT_REDUCED_HIDDEN, DEFAULT_ROUTER, MoeModel, reducedShape, type RouterOptions } from "./model.js";
import { hitCounts, type PrefetchStats, type ScheduleRun } from "./plan.js";
import { DEFAULT_GPU, gpuPlatform, mobileModel, type GpuPlatform, type MobileModelPreset, type WeightPrecision } from "./presets.js";
import { defaultCapacity, modelBytes } from "./sizes.js";
import { DEFAULT_TOKEN_CORRELATION, tokenStream } from "./stream.js";
import { stepCosts, timeRun, type RunTiming } from "./timing.js";
import { DEFAULT_WARMUP_TOKENS, cacheStarts, checkCacheConfig, defaultPinned, warmupCounts } from "./warmup.js";

export interface MobileStudyOptions {
  /** A preset name (MOBILE_MODELS) or a preset. */
  readonly model: string | MobileModelPreset;
  readonly tokens: number;
  /** Default: the model preset's defaultTau. */
  readonly tau?: number;
  readonly rule?: ImportanceRule;
  /** A GPU preset name (GPU_PLATFORMS) or a platform; default rtx4080-16g. */
  readonly gpu?: string | GpuPlatform;
  readonly pcieGBps?: number;
  readonly pcieLatencyUs?: number;
  readonly precision?: WeightPrecision;
  readonly policy?: CachePolicy;
  /** Experts cached per MoE layer; default what fits in GPU memory (sizes.ts defaultCapacity). */
  readonly capacity?: number;
  /** Pinned experts per layer under "pinned"; default half the capacity, at most capacity - k. */
  readonly pinned?: number;
  readonly prefetch?: boolean;
  /** Which predicted experts to prefetch; default "little" (big-little.ts PREFETCH_SETS). */
  readonly prefetchSet?: PrefetchSet;
  readonly fallback?: FallbackRule;
  /** Cut the model to its first `layers` layers (the cache per layer stays what the whole model gets). */
  readonly layers?: number;
  /** Reduced hidden size of the numbers (default 64). */
  readonly hidden?: number;
  readonly seed?: number;
  readonly warmupTokens?: number;
  readonly correlation?: number;
  readonly router?: RouterOptions;
}

export interface SchedulerSummary {
  /** Experts moved over PCIe (demand and prefetch) and their bytes. */
  readonly fetchedExperts: number;
  readonly bytes: number;
  /** Routed expert uses; the share found in the cache (there before the token reached the layer); the share a prefetch brought. */
  readonly uses: number;
  readonly hitRate: number;
  readonly prefetchedShare: number;
  readonly totalMs: number;
  readonly msPerToken: number;
  /** Share of the run the PCIe link was busy, and the share the GPU waited for it. */
  readonly linkUtilization: number;
  readonly gpuIdleShare: number;
}

export interface MobileStudyResult {
  readonly model: string;
  readonly gpu: string;
  readonly precision: WeightPrecision;
  readonly tokens: number;
  readonly layers: number;
  readonly seed: number;
  readonly tau: number;
  readonly rule: ImportanceRule;
  readonly policy: CachePolicy;
  readonly capacity: number;
  readonly pinned: number;
  readonly prefetch: boolean;
  readonly prefetchSet: PrefetchSet;
  readonly fallback: FallbackRule;
  readonly pcieGBps: number;
  readonly pcieLatencyUs: number;
  /** Bytes of one routed expert at the full size, and the reduced sizes the numbers ran at. */
  readonly expertBytes: number;
  readonly reduced: { readonly hidden: number; readonly expertFfn: number };
  readonly baseline: SchedulerSummary;
  readonly mobile: SchedulerSummary & {
    /** Shares of MoE token-layers: little, fallen back to big, judged important. */
    readonly littleShare: number;
    readonly fallbackShare: number;
    readonly importantShare: number;
    readonly prefetch: PrefetchStats & { readonly bytes: number };
  };
  /** Baseline time over MoBiLE time. */
  readonly speedup: number;
  /** MoBiLE bytes over baseline bytes. */
  readonly bytesRatio: number;
  /**
   * MoBiLE's final hidden vectors against the baseline's: the max abs difference over all tokens;
   * the mean over tokens of |MoBiLE - baseline| / |baseline| (L2); the RMS of the baseline's
   * outputs for scale; the max abs difference over the tokens that took the big set in every layer
   * (0, and how many there are); and the big steps (important or fallen back), each bit-identical
   * to the baseline layer on its input (checked in `checks`).
   */
  readonly error: {
    readonly maxAbs: number; readonly meanRelative: number; readonly outputRms: number;
    readonly maxAbsBigTokens: number; readonly bigTokens: number; readonly bigSteps: number;
  };
  readonly checks: GoldenReport;
}

function summarize(run: ScheduleRun, timing: RunTiming, expertBytes: number, tokens: number): SchedulerSummary {
  const { uses, hits, prefetched } = hitCounts(run);
  const total = timing.totalNs;
  return {
    fetchedExperts: run.transfers.length, bytes: run.transfers.length * expertBytes, uses, hitRate: uses ? hits / uses : 1, prefetchedShare: uses ? prefetched / uses : 0,
    totalMs: total / 1e6, msPerToken: tokens ? total / 1e6 / tokens : 0,
    linkUtilization: total ? timing.linkBusyNs / total : 0, gpuIdleShare: total ? 1 - timing.gpuBusyNs / total : 0,
  };
}

export function runMobileStudy(o: MobileStudyOptions): MobileStudyResult {
  const preset = typeof o.model === "string" ? mobileModel(o.model) : o.model;
  const base = typeof o.gpu === "object" ? o.gpu : gpuPlatform(o.gpu ?? DEFAULT_GPU);
  const gpu: GpuPlatform = { ...base, pcieGBps: o.pcieGBps ?? base.pcieGBps, pcieLatencyUs: o.pcieLatencyUs ?? base.pcieLatencyUs };
  if (!(gpu.pcieGBps > 0)) throw new RangeError(`PCIe bandwidth ${gpu.pcieGBps} GB/s must be > 0`);
  if (!(gpu.pcieLatencyUs >= 0)) throw new RangeError(`PCIe latency ${gpu.pcieLatencyUs} us must be >= 0`);
  const precision = o.precision ?? preset.precision;
  const seed = o.seed ?? 1;
  const tau = o.tau ?? preset.defaultTau;
  const rule = o.rule ?? "mass";
  const policy = o.policy ?? "lru";
  const prefetch = o.prefetch ?? true;
  const prefetchSet = o.prefetchSet ?? "little";
  const fallback = o.fallback ?? "resident";
  const { topK, experts } = preset.moe;
  const capacity = o.capacity ?? defaultCapacity(preset, gpu, precision);
  if (o.capacity === undefined && capacity < topK) {
    const bytes = modelBytes(preset, precision);
    throw new RangeError(`${preset.name} in ${precision} leaves room for ${capacity} experts per layer on ${gpu.name} (resident weights ${(bytes.resident / 2 ** 30).toFixed(1)} GB, an expert ${(bytes.expert / 2 ** 20).toFixed(1)} MB), fewer than its top-${topK}; give a cache size, a larger GPU or a smaller precision`);
  }
  const pinned = policy === "pinned" ? o.pinned ?? defaultPinned(capacity, topK) : 0;
  if (policy === "lru" && o.pinned !== undefined && o.pinned !== 0) throw new RangeError("pinned experts are a setting of the pinned policy; the lru policy pins nothing");
  checkCacheConfig({ policy, capacity, pinned }, experts, topK);

  const shape = reducedShape(preset, o.hidden ?? DEFAULT_REDUCED_HIDDEN, o.layers ?? preset.layers);
  const model = new MoeModel(shape, seed, o.router ?? DEFAULT_ROUTER);
  const correlation = o.correlation ?? DEFAULT_TOKEN_CORRELATION;
  const counts = warmupCounts(model, o.warmupTokens ?? DEFAULT_WARMUP_TOKENS, seed, correlation);
  const starts = cacheStarts(counts, { policy, capacity, pinned }, shape.denseLayers);
  const stream = tokenStream({ tokens: o.tokens, hidden: shape.hidden, seed, correlation });

  const baselineRun = runBaseline(model, stream, starts, capacity);
  const mobileRun = runMobile(model, stream, starts, capacity, { tau, rule, fallback, prefetch, prefetchSet });
  const bytes = modelBytes(preset, precision);
  const costs = stepCosts(preset, bytes, gpu);
  const baseline = summarize(baselineRun, timeRun(baselineRun, costs), bytes.expert, o.tokens);
  const mob = summarize(mobileRun, timeRun(mobileRun, costs), bytes.expert, o.tokens);

  const moeSteps = mobileRun.steps.filter((s) => s.mode !== "dense");
  const share = (f: (m: string, important: boolean) => boolean) => (moeSteps.length ? moeSteps.filter((s) => f(s.mode, s.important)).length / moeSteps.length : 0);
  const big = bigTokens(mobileRun);
  let maxAbs = 0, maxAbsBig = 0, ss = 0, n = 0, relSum = 0;
  mobileRun.outputs.forEach((out, t) => {
    const ref = baselineRun.outputs[t];
    let dd = 0, rr = 0;
    for (let i = 0; i < out.length; i++) {
      const d = Math.abs(out[i] - ref[i]);
      maxAbs = Math.max(maxAbs, d);
      if (big.has(t)) maxAbsBig = Math.max(maxAbsBig, d);
      dd += d * d;
      rr += ref[i] * ref[i];
    }
    ss += rr;
    n += out.length;
    relSum += rr > 0 ? Math.sqrt(dd / rr) : 0;
  });
  const pf = mobileRun.prefetch!;
  return {
    model: preset.name, gpu: gpu.name, precision, tokens: o.tokens, layers: shape.layers, seed, tau, rule, policy, capacity, pinned, prefetch, prefetchSet, fallback,
    pcieGBps: gpu.pcieGBps, pcieLatencyUs: gpu.pcieLatencyUs, expertBytes: bytes.expert, reduced: { hidden: shape.hidden, expertFfn: shape.expertFfn },
    baseline,
    mobile: {
      ...mob, littleShare: share((m) => m === "little"), fallbackShare: share((m) => m === "fallback"), importantShare: share((_, imp) => imp),
      prefetch: { ...pf, bytes: (pf.fills + pf.speculative) * bytes.expert },
    },
    speedup: mob.totalMs > 0 ? baseline.totalMs / mob.totalMs : 1,
    bytesRatio: baseline.bytes > 0 ? mob.bytes / baseline.bytes : mob.bytes > 0 ? Infinity : 1,
    error: {
      maxAbs, meanRelative: o.tokens ? relSum / o.tokens : 0, outputRms: n ? Math.sqrt(ss / n) : 0,
      maxAbsBigTokens: maxAbsBig, bigTokens: big.size, bigSteps: moeSteps.filter((s) => s.mode !== "little").length,
    },
    checks: checkMobileRun(model, mobileRun, baselineRun, starts, capacity),
  };
}
