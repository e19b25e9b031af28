/**
 * The control decisions of a workflow instance, as pure functions of the run seed and the
 * execution's key (seeded-draw.ts): which target a branch takes, and whether a loop runs another
 * trip. The event-driven run (control-flow.ts) and the golden realization (realize.ts) both ask
 * these, so the run's control flow is the one the golden model predicts, under every scheduler.
 */
import type { BranchBlock, LoopBlock } from "./owg.js";
import { keyedUniform, pickByProbability } from "./seeded-draw.js";

/** The target branch `b` takes in the execution keyed `key`. */
export function branchTarget(b: BranchBlock, seed: number, key: string): string {
  const targets = Object.keys(b.probs);
  return targets[pickByProbability(targets.map((t) => b.probs[t]), keyedUniform(seed, `${key}/branch`))];
}

/**
 * Whether loop `b` runs another trip after trip `trip` (0-based), in the decision keyed `key`:
 * never past maxTrips trips, else with probability continueProb.
 */
export function loopContinues(b: LoopBlock, trip: number, seed: number, key: string): boolean {
  return trip + 1 < b.maxTrips && keyedUniform(seed, `${key}/continue`) < b.continueProb;
}
