export { MeshNetwork } from "./network.js";
export type { LinkUse } from "./network.js";
export { COLLECTIVES, ringCollective, collectiveIdleTime } from "./collectives.js";
export type { Collective } from "./collectives.js";
