/** The SPEQ family's testbenches, for the registry (src/tb/registry.ts). speq-array and speq-decode are to come (issue 10). */
import type { Testbench } from "../types.js";
import { speqFp16Tb } from "./fp16.js";

export const testbenches: Testbench[] = [speqFp16Tb];
