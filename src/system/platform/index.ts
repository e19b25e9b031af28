/** Platforms for the system-level performance model: the description, its checks, geometry and presets. */
export * from "./types.js";
export * from "./geometry.js";
export * from "./validate.js";
export * from "./presets.js";
export * from "./load.js";
