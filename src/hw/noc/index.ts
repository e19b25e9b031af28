/** The mesh NoC: flits, the input-queued VC router, network interfaces, whole meshes and their parameters. */
export * from "./bits.js";
export * from "./flit.js";
export * from "./mesh.js";
export * from "./ni.js";
export * from "./params.js";
export * from "./router.js";
export * from "./topology.js";
