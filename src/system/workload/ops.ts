/**
 * One transformer layer as a list of operators for one tensor-parallel shard (Megatron-style TP:
 * QKV and gate/up split by columns, O and down by rows, an all-reduce after each of the two).
 * The list is in dependence order; `deps` names each operator's inputs. Vector operators count
 * operations per element as stated below (choices: the elementwise work is small beside the
 * GEMMs and runs on the roofline).
 */
import { ELEMENT_BYTES, phaseShape, type Phase, type TransformerSpec } from "./model.js";

export type OpKind = "gemm" | "vector" | "all-reduce" | "all-to-all";

export interface LayerOp {
  readonly id: number;
  readonly name: string;
  readonly kind: OpKind;
  /** gemm: one GEMM's shape on the shard, and how many independent GEMMs of it (heads x sequences, experts). */
  readonly gemm?: { readonly m: number; readonly n: number; readonly k: number; readonly count: number };
  /** vector: elements on the shard and operations per element. */
  readonly vector?: { readonly elements: number; readonly opsPerElement: number };
  /** Attention's softmax: `rows` rows of `length` scores each (a tile's softmax units time it by rows). */
  readonly softmax?: { readonly rows: number; readonly length: number };
  /** all-reduce (over the TP group), all-to-all (over the EP group): bytes each member contributes. */
  readonly bytes?: number;
  /** Weight bytes the shard holds for this operator. */
  readonly weightBytes: number;
  /** The weights are routed experts' (split over EP replicas, so their gradients are reduced over fewer replicas). */
  readonly expert?: boolean;
  readonly deps: readonly number[];
}

/** Operations per element: RMSNorm (square, sum, scale, multiply), softmax (max, subtract, exp, sum, divide), SiLU x up. */
const NORM_OPS = 4, SOFTMAX_OPS = 5, ACT_OPS = 4;

function divide(total: number, by: number, what: string, param = "tp"): number {
  if (total % by !== 0) throw new RangeError(`${param} = ${by} does not divide ${what} (${total}); choose a ${param} that divides it`);
  return total / by;
}

/**
 * The operators of layer `layer` (0-based) on one of `tp` shards. With expert parallelism over
 * `ep` replicas, an MoE layer holds experts / ep of the experts; its tokens go to the replicas
 * holding their experts in an all-to-all (dispatch) and come back in another (combine), each
 * member sending its tokens' top-k copies (routing spread evenly, so each replica's experts get
 * as many token slots as it sends).
 */
export function layerOps(spec: TransformerSpec, phase: Phase, tp: number, layer: number, ep = 1): LayerOp[] {
  if (!Number.isInteger(tp) || tp < 1) throw new RangeError(`tp = ${tp} must be a whole number >= 1`);
  if (!Number.isInteger(ep) || ep < 1) throw new RangeError(`ep = ${ep} must be a whole number >= 1`);
  const { tokens: T, sequences, queryLen, kvLen } = phaseShape(phase);
  const eb = ELEMENT_BYTES[spec.precision];
  const h = spec.hidden, hd = spec.headDim;
  const hs = divide(spec.heads, tp, "the heads");
  const kvs = Math.ceil(spec.kvHeads / tp); // fewer KV heads than shards: replicated
  const ops: LayerOp[] = [];
  const add = (op: Omit<LayerOp, "id">): number => ops.push({ ...op, id: ops.length }) - 1;
  const gemm = (name: string, m: number, n: number, k: number, deps: number[], weighted = true, count = 1) =>
    add({ name, kind: "gemm", gemm: { m, n, k, count }, weightBytes: weighted ? n * k * count * eb : 0, deps });
  const vector = (name: string, elements: number, opsPerElement: number, deps: number[]) =>
    add({ name, kind: "vector", vector: { elements, opsPerElement }, weightBytes: 0, deps });
  const allReduce = (name: string, dep: number) => (tp > 1 ? add({ name, kind: "all-reduce", bytes: T * h * eb, weightBytes: 0, deps: [dep] }) : dep);

  const norm1 = vector("attn norm", T * h, NORM_OPS, []);
  const qkv = gemm("qkv", T, (hs + 2 * kvs) * hd, h, [norm1]);
  const qk = gemm("q x k", queryLen, kvLen, hd, [qkv], false, sequences * hs);
  const sm = vector("softmax", sequences * hs * queryLen * kvLen, SOFTMAX_OPS, [qk]);
  ops[sm] = { ...ops[sm], softmax: { rows: sequences * hs * queryLen, length: kvLen } };
  const sv = gemm("s x v", queryLen, hd, kvLen, [sm], false, sequences * hs);
  const o = gemm("o proj", T, h, hs * hd, [sv]);
  const ar1 = allReduce("attn all-reduce", o);
  const norm2 = vector("ffn norm", T * h, NORM_OPS, [ar1]);

  const moe = spec.moe && layer >= spec.moe.denseLayers ? spec.moe : undefined;
  let out: number;
  if (!moe) {
    const f = divide(spec.ffn, tp, "the FFN size");
    const up = gemm("gate+up", T, 2 * f, h, [norm2]);
    const act = vector("silu x up", T * f, ACT_OPS, [up]);
    out = gemm("down", T, h, f, [act]);
  } else {
    // Routing spread evenly (a choice; skewed loads are the wsc study's subject): T * topK token
    // slots over the experts, each expert that gets any taking an equal share.
    const f = divide(moe.expertFfn, tp, "the expert FFN size");
    const local = divide(moe.experts, ep, "the experts", "ep");
    const router = gemm("router", T, moe.experts, h, [norm2]);
    const slots = T * moe.topK;
    const dispatch = ep > 1 ? add({ name: "dispatch all-to-all", kind: "all-to-all", bytes: slots * h * eb, weightBytes: 0, deps: [router] }) : router;
    const active = Math.min(local, slots);
    const perExpert = Math.ceil(slots / active);
    const up = gemm("experts gate+up", perExpert, 2 * f, h, [dispatch], false, active);
    const act = vector("experts silu x up", active * perExpert * f, ACT_OPS, [up]);
    let down = gemm("experts down", perExpert, h, f, [act], false, active);
    // The weights of every local expert live on the shard, used or not.
    ops[up] = { ...ops[up], weightBytes: local * 2 * f * h * eb, expert: true };
    ops[down] = { ...ops[down], weightBytes: local * f * h * eb, expert: true };
    if (ep > 1) down = add({ name: "combine all-to-all", kind: "all-to-all", bytes: slots * h * eb, weightBytes: 0, deps: [down] });
    ops[router] = { ...ops[router], weightBytes: moe.experts * h * eb };
    let last = down;
    if (moe.sharedExperts > 0) {
      const sf = moe.sharedExperts * f;
      const sup = gemm("shared gate+up", T, 2 * sf, h, [norm2]);
      const sact = vector("shared silu x up", T * sf, ACT_OPS, [sup]);
      const sdown = gemm("shared down", T, h, sf, [sact]);
      last = vector("combine", T * h, 2, [down, sdown]);
    }
    out = last;
  }
  allReduce("ffn all-reduce", out);
  return ops;
}

/** Multiply-accumulate operations (x2 = ops) of a layer's GEMMs on one shard. */
export function layerMacs(ops: readonly LayerOp[]): number {
  return ops.reduce((s, o) => s + (o.gemm ? o.gemm.m * o.gemm.n * o.gemm.k * o.gemm.count : 0), 0);
}
