/**
 * Workloads of the system model as data: decoder-only transformers (dense, Llama-style, and MoE,
 * DeepSeek/Mixtral-style) and the phase they run: prefill of `batch` sequences of `seq` tokens, or
 * one decode step of `batch` sequences with `context` tokens of KV cache each, or one training
 * step (forward and backward) on `batch` sequences of `seq` tokens.
 */
import type { Precision } from "../platform/types.js";

export interface MoeSpec {
  /** Routed experts and how many each token uses. */
  readonly experts: number;
  readonly topK: number;
  /** FFN size of one expert. */
  readonly expertFfn: number;
  /** Experts every token uses besides its top-k (DeepSeek's shared expert). */
  readonly sharedExperts: number;
  /** The first layers keep a dense FFN (DeepSeek-V3: 3). */
  readonly denseLayers: number;
}

export interface TransformerSpec {
  readonly name: string;
  readonly hidden: number;
  readonly heads: number;
  /** Heads of K and V (grouped-query attention when fewer than heads). */
  readonly kvHeads: number;
  readonly headDim: number;
  /** FFN size of a dense layer (gate and up projections each hidden x ffn, down ffn x hidden). */
  readonly ffn: number;
  readonly layers: number;
  readonly precision: Precision;
  readonly moe?: MoeSpec;
}

export type Phase =
  | { readonly kind: "prefill"; readonly batch: number; readonly seq: number }
  | { readonly kind: "decode"; readonly batch: number; readonly context: number }
  | { readonly kind: "train"; readonly batch: number; readonly seq: number };

/** Bytes of one element in each precision. */
export const ELEMENT_BYTES: Readonly<Record<Precision, number>> = { int8: 1, fp16: 2, fp32: 4 };

/**
 * Llama-2-7B (Touvron et al. 2023, the released config): hidden 4096, 32 heads of 128, no GQA,
 * FFN 11008, 32 layers. DeepSeek-V3 (DeepSeek-AI 2024, the released config): hidden 7168,
 * 128 heads, 61 layers, the first 3 dense with FFN 18432, then 256 routed experts top-8 of FFN
 * 2048 and 1 shared expert. Its multi-head latent attention is modelled as plain attention of
 * 128 heads of 128 (a choice: MLA's low-rank projections change the QKV GEMM shapes and the KV
 * cache size, not the attention GEMMs' count).
 */
export const MODEL_PRESETS: Readonly<Record<string, TransformerSpec>> = {
  "llama2-7b": { name: "llama2-7b", hidden: 4096, heads: 32, kvHeads: 32, headDim: 128, ffn: 11008, layers: 32, precision: "fp16" },
  "deepseek-v3": {
    name: "deepseek-v3", hidden: 7168, heads: 128, kvHeads: 128, headDim: 128, ffn: 18432, layers: 61, precision: "fp16",
    moe: { experts: 256, topK: 8, expertFfn: 2048, sharedExperts: 1, denseLayers: 3 },
  },
};

export function modelPreset(name: string): TransformerSpec {
  const m = MODEL_PRESETS[name];
  if (!m) throw new RangeError(`no model preset '${name}'; presets: ${Object.keys(MODEL_PRESETS).join(", ")}`);
  return m;
}

/** Tokens a phase computes (rows of its GEMMs) and the KV length its attention reads. */
export function phaseShape(p: Phase): { tokens: number; sequences: number; queryLen: number; kvLen: number } {
  const pos = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${p.kind}: ${what} = ${v} must be a whole number >= 1`);
  };
  pos(p.batch, "batch");
  if (p.kind === "prefill" || p.kind === "train") {
    pos(p.seq, "seq");
    return { tokens: p.batch * p.seq, sequences: p.batch, queryLen: p.seq, kvLen: p.seq };
  }
  pos(p.context, "context");
  return { tokens: p.batch, sequences: p.batch, queryLen: 1, kvLen: p.context + 1 };
}

/** A phase in a few words, for tables and headers: "prefill 8 x 2048", "decode 64 @ 4096", "train 8 x 2048". */
export function describePhase(p: Phase): string {
  return p.kind === "decode" ? `decode ${p.batch} @ ${p.context}` : `${p.kind} ${p.batch} x ${p.seq}`;
}
