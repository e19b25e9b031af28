/**
 * When the workflow instances (requests) of a run arrive: a Poisson process of `ratePerMs`
 * instances per millisecond from time 0, seeded; the first arrives at time 0 so a run's makespan
 * counts from its first request. Rate Infinity: all at once (a batch).
 */
import { mulberry32 } from "../../golden/prng.js";

/** Arrival times in ns, non-decreasing, the first 0. */
export function arrivalTimes(instances: number, ratePerMs: number, seed: number): number[] {
  if (!Number.isInteger(instances) || instances < 1) throw new RangeError(`instances = ${instances}: must be a whole number >= 1`);
  if (!(ratePerMs > 0)) throw new RangeError(`rate = ${ratePerMs} per ms: must be > 0 (Infinity: all at time 0)`);
  // Its own stream (the seed mixed with a constant), apart from the keyed draws of decisions.
  const r = mulberry32((seed ^ 0x5eed0a11) >>> 0);
  const out = [0];
  for (let i = 1; i < instances; i++) out.push(ratePerMs === Infinity ? 0 : out[i - 1] + (-Math.log(1 - r()) / ratePerMs) * 1e6);
  return out;
}
