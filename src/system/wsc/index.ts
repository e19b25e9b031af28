/** The wafer-scale MoE studies: expert-load traces, the balancers, migration schedules and the wsc-moe report (tables, SVG heatmaps). */
export * from "./balance-study.js";
export * from "./greedy-balancer.js";
export * from "./load-trace.js";
export * from "./migration-schedule.js";
export * from "./report-data.js";
export * from "./report-files.js";
export * from "./svg-heatmap.js";
