/**
 * The mesh for the side-by-side bench (bench/run.ts, bench/verilog/compare.ts): 8x8 routers with
 * 4 VCs per port, classic pipeline. That bench drives every top-level input with random values
 * each cycle: about half the nodes offer a packet each cycle, to random (always valid) nodes, with
 * random sizes (0 meaning 256 flits), so the mesh runs saturated; all three simulators see the
 * same stimulus and must end in the same state.
 */
import { makeMesh } from "../../src/hw/noc/mesh.js";
import type { Module } from "../../src/hdl/index.js";

export function benchMesh(): Module {
  return makeMesh({ w: 8, h: 8, vcs: 4 });
}
