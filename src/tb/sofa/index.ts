/** The SOFA family's testbenches (sort/softmax/attention units), for the registry (src/tb/registry.ts). */
import type { Testbench } from "../types.js";
import { sofaAttentionTb } from "./attention.js";
import { sofaDlzsTb } from "./dlzs.js";
import { sofaSoftmaxTb } from "./softmax.js";
import { sofaSortTb } from "./sort.js";
import { sofaSufaTb } from "./sufa.js";

export const testbenches: Testbench[] = [sofaDlzsTb, sofaSortTb, sofaSoftmaxTb, sofaSufaTb, sofaAttentionTb];
