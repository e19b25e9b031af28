/**
 * Parameters and derived widths of the meta-attention unit (meta-attention.ts), checked with
 * errors that name the parameter and how to mend it.
 */
import { bitsFor } from "../../hdl/index.js";
import { checkExpConfig } from "../../golden/sofa.js";
import { DEFAULT_META, type MetaAttentionConfig, type MetaPipeline } from "../../golden/meta-attention.js";
import { requireWhole } from "../param-check.js";

export interface MetaAttentionParams {
  /** 2 (decode: QK and softmax fused), 3 (QK -> softmax -> SV) or 4 (KV split, online update). */
  readonly pipeline: MetaPipeline;
  /** Q/K lanes (int16) and V lanes (int8). */
  readonly headDim: number;
  readonly valueDim: number;
  /** Query rows a tile may have (the Q memory's depth). */
  readonly maxRows: number;
  /** Keys the K/V memories hold: a whole number of KV blocks. */
  readonly kvCap: number;
  /** KV block (a power of two): the QK GEMM runs over whole blocks, the padding's scores zeroed. */
  readonly kvBlock: number;
  /** 4-stage KV split (keys per split); ignored by the other pipelines. */
  readonly split: number;
  /** Largest speculation length (the draft tree is specMax x specMax bits). */
  readonly specMax: number;
  /** Scores, exps, reciprocal and outputs: the golden's configuration (scoreShift included). */
  readonly cfg?: MetaAttentionConfig;
}

export const META_Q_BITS = 16;
export const META_K_BITS = 16;
export const META_V_BITS = 8;
export const META_COUNTER_BITS = 32;

export interface MetaAttentionShape {
  /** Keys one job (a row, or a row's split) may have: the score and probability buffers' bank depth. */
  readonly jobMax: number;
  /** Score buffer banks: 1 in the 2-stage pipeline (QK waits for the softmax), else 2. */
  readonly sBanks: number;
  readonly posBits: number;
  readonly kvLenBits: number;
  readonly rowBits: number;
  readonly rowsBits: number;
  readonly specBits: number;
  readonly offBits: number;
  readonly jobLenBits: number;
  /** Sums of exps: <= kvCap * 2^probBits. */
  readonly sumBits: number;
  /** Accumulators of exp (or probability) times value: |acc| <= 2^probBits * 128 * kvCap. */
  readonly accBits: number;
  /** Reciprocal quotient bits: recipBits - probBits + 1 (a sum is >= 1.0). */
  readonly qBits: number;
  /** Outputs: |O| <= 128 * 2^outBits plus the floors' slack. */
  readonly outWidth: number;
  readonly probWidth: number;
}

export function metaAttentionShape(p: MetaAttentionParams): MetaAttentionShape {
  const c = p.cfg ?? DEFAULT_META;
  checkExpConfig(c);
  const int = (k: string, v: number, lo: number, hi: number, mend = "") => requireWhole("meta-attention unit", k, v, lo, hi, mend);
  if (![2, 3, 4].includes(p.pipeline)) throw new Error(`meta-attention unit: pipeline = ${p.pipeline}: use 2, 3 or 4`);
  int("headDim", p.headDim, 1, 256);
  int("valueDim", p.valueDim, 1, 256);
  int("maxRows", p.maxRows, 1, 1 << 12);
  int("kvBlock", p.kvBlock, 1, 1 << 12, "a power of two");
  if ((p.kvBlock & (p.kvBlock - 1)) !== 0) throw new Error(`meta-attention unit: kvBlock = ${p.kvBlock} must be a power of two (KV blocks are)`);
  int("kvCap", p.kvCap, p.kvBlock, 1 << 16, "a whole number of KV blocks");
  if (p.kvCap % p.kvBlock) throw new Error(`meta-attention unit: kvCap = ${p.kvCap} must be a whole number of kvBlock = ${p.kvBlock} keys`);
  int("split", p.split, 1, p.kvCap, "at most kvCap");
  int("specMax", p.specMax, 1, 31, "speculation lengths up to 31 (a tree word per draft)");
  int("scoreShift", c.scoreShift, 0, 48);
  int("recipBits", c.recipBits, c.probBits + 1, 60, "above probBits");
  int("outBits", c.outBits, 0, c.probBits, "at most probBits");
  const P = c.probBits;
  const jobMax = p.pipeline === 4 ? p.split : p.kvCap;
  return {
    jobMax,
    sBanks: p.pipeline === 2 ? 1 : 2,
    posBits: bitsFor(p.kvCap),
    kvLenBits: bitsFor(p.kvCap + 1),
    rowBits: bitsFor(p.maxRows),
    rowsBits: bitsFor(p.maxRows + 1),
    specBits: bitsFor(p.specMax + 1),
    offBits: bitsFor(jobMax),
    jobLenBits: bitsFor(jobMax + 1),
    sumBits: P + 1 + bitsFor(p.kvCap),
    accBits: P + META_V_BITS + 2 + bitsFor(p.kvCap),
    qBits: c.recipBits - P + 1,
    outWidth: c.outBits + META_V_BITS + 1,
    probWidth: P + 1,
  };
}
