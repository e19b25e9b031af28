/** The example family's testbenches, for the registry (src/tb/registry.ts). */
import type { Testbench } from "../types.js";
import { counterTb } from "./counter.js";
import { macGridTb } from "./mac-grid.js";

export const testbenches: readonly Testbench[] = [counterTb, macGridTb];
