/** SOFA sort/softmax units: leading-zero score prediction, distributed top-k sorting, softmax, sorted-updating FlashAttention, and their pipeline. */
export * from "./bitonic.js";
export * from "./dlzs-array.js";
export * from "./dlzs-params.js";
export * from "./dlzs-pe.js";
export * from "./dlzs-unit.js";
export * from "./exp-unit.js";
export * from "./lzc.js";
export * from "./pipeline.js";
export * from "./reciprocal.js";
export * from "./sads-params.js";
export * from "./sads-segment.js";
export * from "./sads-unit.js";
export * from "./softmax-unit.js";
export * from "./sort-core.js";
export * from "./sufa-unit.js";
export * from "./tile-controller.js";
