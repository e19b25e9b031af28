/** The wafer-scale MoE family's testbenches, for the registry (src/tb/registry.ts). */
import type { Testbench } from "../types.js";
import { wscMoeTb } from "./moe.js";

export const testbenches: Testbench[] = [wscMoeTb];
