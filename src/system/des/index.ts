export { EventSim, Process, URGENT, NORMAL } from "./engine.js";
export type { ProcessBody } from "./engine.js";
export { SimEvent } from "./event.js";
export { Resource, hold, holdAll } from "./resource.js";
