/**
 * Random draws keyed by what they decide, not by when they are made: the number a control
 * decision or a task's duration gets is a hash of (run seed, instance, block, loop trips, purpose).
 *
 * Why: a scheduler changes the order in which the event engine reaches decisions. Drawing from one
 * sequential stream would give the baseline and Octopus different workflows from the same seed,
 * and the golden realization (realize.ts) could not predict what the run must execute. Keyed draws
 * make a workflow run's control flow and task times a function of the seed alone, the same under
 * every scheduler, so the speedup compares the same work.
 */
import { mulberry32 } from "../../golden/prng.js";

/** FNV-1a over the key's UTF-16 code units, 32 bits. */
function fnv1a(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform number in [0, 1) for (seed, key); the same pair always gives the same number. */
export function keyedUniform(seed: number, key: string): number {
  // Mix the seed in with a multiplier so seeds 1 and 2 do not give neighbouring states.
  return mulberry32((fnv1a(key) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0)();
}

/** A standard normal for (seed, key) (Box-Muller over two keyed uniforms). */
export function keyedNormal(seed: number, key: string): number {
  const u1 = keyedUniform(seed, key + "#n1"), u2 = keyedUniform(seed, key + "#n2");
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/** A whole number in [lo, hi] for (seed, key). */
export function keyedInt(seed: number, key: string, lo: number, hi: number): number {
  return lo + Math.min(hi - lo, Math.floor(keyedUniform(seed, key) * (hi - lo + 1)));
}

/** The index picked by `probs` (which sum to 1) for the uniform draw `u`. */
export function pickByProbability(probs: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < probs.length; i++) {
    acc += probs[i];
    if (u < acc) return i;
  }
  // Rounding can leave the sum a hair under 1: the last target with any probability takes the rest.
  for (let i = probs.length - 1; i >= 0; i--) if (probs[i] > 0) return i;
  return probs.length - 1;
}

/**
 * The key of one execution of a block: instance, block id and the trip of each enclosing loop,
 * outermost first ("3:plan@2.0": instance 3, block plan, trip 2 of the outer loop, trip 0 of the
 * inner). Unique per execution, since ids are unique across the graph.
 */
export function executionKey(instance: number, block: string, trips: readonly number[]): string {
  return `${instance}:${block}@${trips.join(".")}`;
}
