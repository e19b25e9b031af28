/** The SPEQ family's testbenches, for the registry (src/tb/registry.ts). */
import type { Testbench } from "../types.js";
import { speqArrayTb } from "./array.js";
import { speqDecodeTb } from "./decode.js";
import { speqFp16Tb } from "./fp16.js";

export const testbenches: Testbench[] = [speqFp16Tb, speqArrayTb, speqDecodeTb];
