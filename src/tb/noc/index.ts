/** The mesh NoC family's testbenches, for the registry (src/tb/registry.ts). */
import type { Testbench } from "../types.js";
import { nocTb } from "./noc.js";

export const testbenches: Testbench[] = [nocTb];
