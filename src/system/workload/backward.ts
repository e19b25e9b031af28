/**
 * The backward pass of one layer on one shard, derived from its forward operators (training).
 *
 * A GEMM Y[m x n] = X[m x k] W[k x n] has two gradients: dX = dY W^T (m x k, inner n) and
 * dW = X^T dY (k x n, inner m). Attention's GEMMs of two activations (Q K^T, S V) have the same
 * two, one per operand, and no weights. So every forward GEMM becomes a "dgrad" (the gradient
 * that flows on) and a "wgrad", each with the forward's MAC count.
 *
 * Weight bytes: the dgrad reads the weights again, so it carries the forward's weight bytes (a
 * weight-streaming stage fetches them again); the wgrad carries them too, standing for the
 * gradient shard it writes (when the weights do not fit in SRAM their gradients do not either,
 * and the write-back costs what a fetch does on the same DRAM channel and links).
 *
 * Vector operators: BACKWARD_VECTOR_FACTOR x the forward's operations (a choice: the backward of
 * a norm, softmax or SiLU reads the saved output and the incoming gradient and does about twice
 * the forward's arithmetic). Collectives: each TP all-reduce of the forward has one in the
 * backward (Megatron's f and g operators swap: the all-reduce moves from after O and down to
 * before QKV and gate/up, with the same size); each EP all-to-all is mirrored (the combine's
 * gradient goes out as a dispatch).
 *
 * Order: the forward reversed. Dependences: an operator's backward waits for the gradients of its
 * forward consumers' outputs (their dgrad, or their own backward if not a GEMM); a wgrad is a leaf.
 */
import type { LayerOp } from "./ops.js";

export const BACKWARD_VECTOR_FACTOR = 2;

export function layerBackwardOps(forward: readonly LayerOp[]): LayerOp[] {
  const consumers = forward.map(() => [] as number[]);
  for (const op of forward) for (const d of op.deps) consumers[d].push(op.id);
  const ops: LayerOp[] = [];
  // gradOut[i]: the backward operator that produces the gradient of forward op i's input.
  const gradOut = new Array<number>(forward.length);
  const add = (op: Omit<LayerOp, "id">): number => ops.push({ ...op, id: ops.length }) - 1;
  for (let i = forward.length - 1; i >= 0; i--) {
    const f = forward[i];
    const deps = consumers[i].map((c) => gradOut[c]);
    const common = { weightBytes: f.weightBytes, deps, ...(f.expert ? { expert: true } : {}) };
    if (f.gemm) {
      const { m, n, k, count } = f.gemm;
      gradOut[i] = add({ ...common, name: `${f.name} dgrad`, kind: "gemm", gemm: { m, n: k, k: n, count } });
      add({ ...common, name: `${f.name} wgrad`, kind: "gemm", gemm: { m: k, n, k: m, count } });
    } else if (f.vector) {
      gradOut[i] = add({ ...common, name: `${f.name} backward`, kind: "vector", vector: { elements: f.vector.elements, opsPerElement: f.vector.opsPerElement * BACKWARD_VECTOR_FACTOR } });
    } else {
      gradOut[i] = add({ ...common, name: `${f.name} backward`, kind: f.kind, bytes: f.bytes });
    }
  }
  return ops;
}
