/** The XY-Serve family's testbenches (meta-attention), for the registry (src/tb/registry.ts). */
import type { Testbench } from "../types.js";
import { metaAttentionTb } from "./meta-attention.js";

export const testbenches: Testbench[] = [metaAttentionTb];
