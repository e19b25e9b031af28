export { ELEMENT_BYTES, MODEL_PRESETS, describePhase, modelPreset, phaseShape } from "./model.js";
export type { MoeSpec, Phase, TransformerSpec } from "./model.js";
export { layerMacs, layerOps } from "./ops.js";
export type { LayerOp, OpKind } from "./ops.js";
export { loadTransformer, parseTransformer } from "./read.js";
export { BACKWARD_VECTOR_FACTOR, layerBackwardOps } from "./backward.js";
