/** Systolic GEMM engines: arrays (os/ws/is), cores, tile scheduler, the tiled multi-core engine. */
export { makeEngine, ENGINE_PHASES } from "./engine.js";
export type { EngineIo } from "./engine.js";
export { geometry } from "./geometry.js";
export type { Geometry, Walk, TileEntry } from "./geometry.js";
export { DATAFLOWS, checkParams, defaultTile } from "./params.js";
export type { Dataflow, EngineParams } from "./params.js";
export { makeOsArray } from "./array-os.js";
export { makeStationaryArray } from "./array-stationary.js";
export { makeOsCore } from "./core-os.js";
export { makeStationaryCore } from "./core-stationary.js";
export { makeScheduler } from "./scheduler.js";
export { gmemModelPorts, gmemWidths } from "./gmem-port.js";
