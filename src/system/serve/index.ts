/**
 * Serving studies (XY-Serve): request traces, automatic prefix caching over block-paged KV,
 * token-budget scheduling of prefill, decode and verify into steps with their Token-Tables, and
 * the serving run in time on a platform (serveSim, `tessera serve-sim`).
 */
export { generateTrace, readTraceCsv, promptTokens, TRACE_KINDS, TRACE_SHAPES } from "./trace.js";
export type { ServeRequest, TraceKind, TraceOptions } from "./trace.js";
export { PrefixCache, kvSequence } from "./prefix-cache.js";
export type { KvBlock, PrefixMatch } from "./prefix-cache.js";
export { SCHEDULERS, formStep, applyStep, runSchedule, dvTokens, acceptedDrafts, checkSchedulerOptions } from "./scheduler.js";
export type { SchedulerName, SchedulerOptions, StageKind, TokenTableEntry, Step, RequestState, ScheduleRun } from "./scheduler.js";
export { attentionTiles, linearTiles, reorder, selectPipeline } from "./decompose.js";
export type { AttentionTile, LinearTile, Pipeline, PipelineChoice } from "./decompose.js";
export { greedyAssign, dealTiles } from "./deal.js";
export { percentile, distribution } from "./distribution.js";
export type { Distribution } from "./distribution.js";
export { StepTimer } from "./step-time.js";
export type { StepTime } from "./step-time.js";
export { serveSim, serveSimAsync } from "./serve-sim.js";
export type { ServeSimOptions, ServeSimResult, RequestOutcome, StepRecord } from "./serve-sim.js";
