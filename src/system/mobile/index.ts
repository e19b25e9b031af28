/**
 * MoBiLE (arXiv 2510.12357, papers.md section 3): big-little experts for offloaded MoE inference on
 * a consumer GPU. A numeric MoE model (seeded router and SwiGLU experts in float64 at a reduced
 * size), model presets at their full sizes (mixtral-8x7b, deepseek-v2-lite, qwen-moe), a GPU with
 * an expert cache (LRU or pinned) behind a PCIe link, the baseline and MoBiLE schedulers, their
 * timing on the event engine, the golden checks, and the study `tessera mobile` runs.
 */
export { WEIGHT_PRECISIONS, BYTES_PER_WEIGHT, MOBILE_MODELS, mobileModel, PCIE4_X16, GPU_PLATFORMS, DEFAULT_GPU, gpuPlatform } from "./presets.js";
export type { WeightPrecision, MobileModelPreset, GpuPlatform } from "./presets.js";
export { modelBytes, moeLayerCount, defaultCapacity, capacityForBytes } from "./sizes.js";
export type { ModelBytes } from "./sizes.js";
export { MoeModel, reducedShape, addResidual, DEFAULT_ROUTER, DEFAULT_REDUCED_HIDDEN } from "./model.js";
export type { MoeModelShape, RouterOptions } from "./model.js";
export { tokenStream, DEFAULT_TOKEN_CORRELATION } from "./stream.js";
export type { StreamOptions } from "./stream.js";
export { rankExperts, littleCount, renormalisedGates, routeSets } from "./routing.js";
export type { Routing } from "./routing.js";
export { IMPORTANCE_RULES, isImportant, littleMass } from "./importance.js";
export type { ImportanceRule } from "./importance.js";
export { CACHE_POLICIES, ExpertCache } from "./cache.js";
export type { CachePolicy, CacheAccess } from "./cache.js";
export { DEFAULT_WARMUP_TOKENS, warmupCounts, defaultPinned, checkCacheConfig, cacheStarts, makeCaches } from "./warmup.js";
export type { CacheConfig, CacheStart } from "./warmup.js";
export { hitCounts } from "./plan.js";
export type { StepMode, ExpertUse, Transfer, Step, PrefetchStats, ScheduleRun } from "./plan.js";
export { runBaseline } from "./baseline.js";
export { runMobile, FALLBACK_RULES, PREFETCH_SETS } from "./big-little.js";
export type { FallbackRule, MobileOptions, PrefetchSet } from "./big-little.js";
export { BoundedExpertMemory } from "./gpu-memory.js";
export { stepCosts, timeRun } from "./timing.js";
export type { StepCosts, RunTiming } from "./timing.js";
export { baselineLayer, baselineRouting, sameBits, checkBigSteps, checkLittleSteps, baselineFetchesOn, checkBigTokens, bigTokens, checkMobileRun } from "./golden.js";
export type { GoldenReport } from "./golden.js";
export { runMobileStudy } from "./study.js";
export type { MobileStudyOptions, MobileStudyResult, SchedulerSummary } from "./study.js";
