/** XY-Serve units: the meta-attention primitive (GEMM -> softmax -> GEMM) in its 2/3/4-stage pipelines. */
export { makeMetaAttention } from "./meta-attention.js";
export { metaAttentionShape, META_Q_BITS, META_K_BITS, META_V_BITS, META_COUNTER_BITS } from "./meta-attention-params.js";
export type { MetaAttentionParams, MetaAttentionShape } from "./meta-attention-params.js";
