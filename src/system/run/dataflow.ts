/**
 * PALM's dataflow choice for a pipeline stage, per tile: activations stream through resident
 * weights if the stage's weight shard fits in SRAM; else weights stream from DRAM through resident
 * activations if those fit; else both are reloaded (stationary). Streaming fetches each weighted
 * operator's shard from the nearest DRAM port before it runs; stationary also writes and reads
 * back each operator's output activations.
 */
import { ELEMENT_BYTES, type TransformerSpec } from "../workload/model.js";
import type { LayerOp } from "../workload/ops.js";

export type Dataflow = "act-stream" | "weight-stream" | "stationary";

export interface StageDataflow {
  readonly choice: Dataflow;
  readonly weightBytesPerTile: number;
  readonly activationBytesPerTile: number;
}

export function stageDataflow(spec: TransformerSpec, layers: readonly LayerOp[][], sramBytes: number): StageDataflow {
  const weightBytesPerTile = layers.reduce((s, ops) => s + ops.reduce((t, o) => t + o.weightBytes, 0), 0);
  // The largest operator's input and output are on the tile at once.
  const eb = ELEMENT_BYTES[spec.precision];
  let activationBytesPerTile = 0;
  for (const ops of layers) {
    for (const o of ops) {
      if (o.gemm) activationBytesPerTile = Math.max(activationBytesPerTile, o.gemm.count * o.gemm.m * (o.gemm.k + o.gemm.n) * eb);
    }
  }
  const choice: Dataflow = weightBytesPerTile <= sramBytes ? "act-stream" : activationBytesPerTile <= sramBytes ? "weight-stream" : "stationary";
  return { choice, weightBytesPerTile, activationBytesPerTile };
}

/** Bytes a tile fetches from DRAM before `op` under `flow`: none with resident weights, the weight shard when weights stream, that plus the operator's input and output activations when stationary. */
export function fetchBytes(op: LayerOp, flow: Dataflow, elementBytes: number): number {
  if (flow === "act-stream" || op.weightBytes === 0) return 0;
  const acts = flow === "stationary" && op.gemm ? op.gemm.count * op.gemm.m * (op.gemm.k + op.gemm.n) * elementBytes : 0;
  return op.weightBytes + acts;
}
