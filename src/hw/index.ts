/**
 * `tessera/hw`: the hardware models, one namespace per family (each built with the HDL of
 * `tessera` and checked against `tessera/golden`): `pe` processing elements, `systolic` GEMM
 * engines, `noc` mesh routers and meshes, `sofa`, `bitslice`, `speq`, `xyserve` units, `examples`.
 *
 *     import { systolic } from "tessera/hw";
 *     const engine = systolic.makeEngine({ ... });
 *
 * @module tessera/hw
 */
export * as pe from "./pe/index.js";
export * as systolic from "./systolic/index.js";
export * as noc from "./noc/index.js";
export * as sofa from "./sofa/index.js";
export * as bitslice from "./bitslice/index.js";
export * as speq from "./speq/index.js";
export * as xyserve from "./xyserve/index.js";
export * as examples from "./examples/index.js";
export { requireWhole } from "./param-check.js";
