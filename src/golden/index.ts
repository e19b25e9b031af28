/**
 * `tessera/golden`: the bit-exact golden models every unit is checked against, as plain
 * functions on numbers and arrays (no HDL), one file per family. Outside tests import these names;
 * their arguments and return fields are a contract.
 *
 * @module tessera/golden
 */
export * from "./bitslice-bgpp-timing.js";
export * from "./bitslice-brcr-timing.js";
export * from "./bitslice-bstc-timing.js";
export * from "./bitslice-bstc-words.js";
export * from "./bitslice.js";
export * from "./dram-port.js";
export * from "./examples.js";
export * from "./fp16.js";
export * from "./gemm.js";
export * from "./meta-attention.js";
export * from "./noc.js";
export * from "./prng.js";
export * from "./scalesim.js";
export * from "./scalesim-user.js";
export * from "./sofa-dlzs-timing.js";
export * from "./sofa-pipeline.js";
export * from "./sofa-sads-timing.js";
export * from "./sofa-sufa-timing.js";
export * from "./sofa.js";
export * from "./speq-decode-timing.js";
export * from "./speq.js";
export * from "./systolic.js";
export * from "./wsc.js";
