/**
 * `tessera/system`: models above the RTL units, timed by them. Today: the wafer-scale MoE studies
 * (expert-load traces, invasive and non-invasive balancers, the wsc-moe report), as `wsc`, and the
 * discrete-event engine the system-level models run on, as `des`, with their platforms (meshes of
 * dies of tiles, presets, a validating reader) as `platform`, the link-as-resource network with
 * p2p transfers and ring collectives as `comm`, transformer workloads as `workload`, runs of a
 * workload on a platform (placement, dataflow choice, virtual tile aggregation) as `run`, and
 * serving (request traces, prefix caching, token-budget scheduling, the timed serving run) as `serve`.
 * Orchestrated AI workflows on a scale-out spatial architecture (workflow graphs, TBUs and CBUs, the
 * baseline and Octopus schedulers, golden checks) are `octopus`.
 * Big-little experts for offloaded MoE inference on a consumer GPU (MoBiLE: the numeric MoE model,
 * expert caches behind PCIe, the baseline and MoBiLE schedulers, their timing and golden checks)
 * are `mobile`.
 *
 * @module tessera/system
 */
export * as wsc from "./wsc/index.js";
export * as des from "./des/index.js";
export * as platform from "./platform/index.js";
export * as comm from "./comm/index.js";
export * as workload from "./workload/index.js";
export * as run from "./run/index.js";
export * as serve from "./serve/index.js";
export * as mobile from "./mobile/index.js";
export * as octopus from "./octopus/index.js";
