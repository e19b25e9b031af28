/** The MCBP bit-slice family's testbenches, for the registry (src/tb/registry.ts). */
import type { Testbench } from "../types.js";
import { mcbpBgppTb } from "./bgpp.js";
import { mcbpBrcrTb } from "./brcr.js";
import { mcbpBstcTb } from "./bstc.js";
import { mcbpGemmTb } from "./gemm.js";

export const testbenches: Testbench[] = [mcbpBstcTb, mcbpBrcrTb, mcbpBgppTb, mcbpGemmTb];
