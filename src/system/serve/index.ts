/**
 * Serving studies (XY-Serve): request traces, automatic prefix caching over block-paged KV, and
 * token-budget scheduling of prefill, decode and verify into steps with their Token-Tables.
 */
export { generateTrace, readTraceCsv, promptTokens, TRACE_KINDS, TRACE_SHAPES } from "./trace.js";
export type { ServeRequest, TraceKind, TraceOptions } from "./trace.js";
export { PrefixCache, kvSequence } from "./prefix-cache.js";
export type { KvBlock, PrefixMatch } from "./prefix-cache.js";
export { SCHEDULERS, formStep, runSchedule, dvTokens, acceptedDrafts, checkSchedulerOptions } from "./scheduler.js";
export type { SchedulerName, SchedulerOptions, StageKind, TokenTableEntry, Step, RequestState, ScheduleRun } from "./scheduler.js";
export { attentionTiles, linearTiles, reorder, selectPipeline } from "./decompose.js";
export type { AttentionTile, LinearTile, Pipeline, PipelineChoice } from "./decompose.js";
