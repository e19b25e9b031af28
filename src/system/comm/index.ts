export { MeshNetwork } from "./network.js";
export type { LinkUse } from "./network.js";
export { COLLECTIVES, ringCollective, collectiveIdleTime } from "./collectives.js";
export type { Collective } from "./collectives.js";
export { RTL_FLIT_BYTES, crossCheck, platformOfMesh } from "./rtl-crosscheck.js";
export type { CrossResult, CrossTransfer } from "./rtl-crosscheck.js";
