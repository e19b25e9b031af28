/**
 * Octopus (arXiv 2405.17221): orchestrated AI workflows on a scale-out spatial architecture.
 * Workflow graphs of task and control blocks (owg.ts, a JSON reader, seeded agent and RAG
 * generators), their golden realization and expected frequencies, the architecture of TBUs in
 * clusters on a platform's mesh with CBUs on a control plane, the spatial mapping of blocks to TBUs, the baseline and Octopus schedulers
 * (dual, adaptive, proactive, diffusion), the timed run on the event engine, golden checks and the
 * speedup sweep behind `tessera octopus`.
 */
export type { Range, GemmOp, AttentionOp, SampledOp, TaskOp, TaskBlock, BranchBlock, LoopBlock, Block, Flow, Region, WorkflowGraph, RegionIndex } from "./owg.js";
export { indexRegion, topologicalOrder, allBlocks } from "./owg.js";
export { parseWorkflowGraph, readWorkflowGraphFile } from "./owg-read.js";
export { keyedUniform, keyedNormal, keyedInt, pickByProbability, executionKey } from "./seeded-draw.js";
export { branchTarget, loopContinues } from "./decisions.js";
export { taskWork, opWork, drawRange, TASK_DEFAULTS } from "./task-time.js";
export type { TaskWork, TaskTimingModel } from "./task-time.js";
export { GENERATED_GRAPHS, generateAgentGraph, generateRagGraph, generateGraph } from "./generate.js";
export type { GeneratedGraphKind, GeneratorOptions } from "./generate.js";
export { realizeInstance, criticalPathNs, realizedWorkNs } from "./realize.js";
export type { RealizedExecution, ExecutionKind } from "./realize.js";
export { expectedTrips, expectedFrequencies, expectedOpWorkNs, expectedInstanceWork } from "./expected-work.js";
export { arrivalTimes } from "./arrivals.js";
export { buildFabric, defaultClusterSide } from "./fabric.js";
export type { Fabric, Cluster } from "./fabric.js";
export { TransferModel, FORWARDINGS } from "./transfer.js";
export type { Forwarding } from "./transfer.js";
export { diffusionFlows, applyFlows, MAX_DIFFUSION_ALPHA } from "./diffusion.js";
export type { DiffusionFlow } from "./diffusion.js";
export { indiscriminateMapping, proactiveMapping, tbuBlocks, blocksInFlowOrder, snakeOrder, groupNeighbours } from "./mapping.js";
export type { Group, Mapping } from "./mapping.js";
export { SCHEDULER_NAMES, MECHANISMS, SCHEDULER_DEFAULTS, SCHEDULER_PARAM_KEYS, mechanismsOf, checkSchedulerParams } from "./schedulers.js";
export type { SchedulerName, Mechanism, Mechanisms, SchedulerParams } from "./schedulers.js";
export { InstanceRun } from "./control-flow.js";
export type { DataRef, ControlFlowHooks } from "./control-flow.js";
export { runWorkflows, CONTROL_INPUT_BYTES } from "./executor.js";
export type { WorkflowRunOptions, WorkflowRunResult, PieceRecord, CompletionRecord, BlockPlacement } from "./executor.js";
export { realizeRun, checkExactlyOnce, checkWorkConserved, checkMakespanBounds, checkSameSchedule, checkRun, makespanBounds } from "./checks.js";
export { speedupSweep, speedupSweepAsync, sweepPoint, speedupStats, summarizeRun } from "./sweep.js";
export type { SweepOptions, SweepResult, SweepPoint, SpeedupStats, RunSummary } from "./sweep.js";
