/** The PE-array family's testbenches, for the registry (src/tb/registry.ts). */
import type { Testbench } from "../types.js";
import { gemmTiledTb } from "./gemm-tiled.js";
import { systolicTb } from "./systolic.js";

export const testbenches: Testbench[] = [systolicTb, gemmTiledTb];
