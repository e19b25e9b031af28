/**
 * Pipeline schedules: the order in which one pipeline stage takes the forward (F) and backward (B)
 * passes of its micro-batches in a training step.
 *
 *   gpipe (Huang et al. 2019): every forward, then every backward. A stage keeps the activations
 *         of all M micro-batches until their backward passes.
 *   1f1b  (PipeDream-Flush, Narayanan et al. 2021): stage s of P runs min(P - 1 - s, M) forwards
 *         to fill the pipeline, then alternates one forward and one backward, then drains the
 *         backwards. It keeps at most min(P - s, M) micro-batches' activations.
 *
 * Both have the same bubble, (P - 1) x (forward + backward) with uniform stages: they differ in
 * memory, not time. Forward-only phases (prefill, decode) take the forwards in order under both.
 * Backward passes run in micro-batch order under both (a choice: torchgpipe does the same).
 */
export const SCHEDULES = ["gpipe", "1f1b"] as const;
export type Schedule = (typeof SCHEDULES)[number];

export interface PipelineStep {
  readonly pass: "forward" | "backward";
  readonly microbatch: number;
}

/** Stage `stage` of `stages`: its steps in order. With `backward` false, the forwards alone. */
export function stageSteps(schedule: Schedule, stages: number, stage: number, microbatches: number, backward = true): PipelineStep[] {
  if (!(SCHEDULES as readonly string[]).includes(schedule)) throw new RangeError(`mapping: schedule '${schedule}': use ${SCHEDULES.join(" or ")}`);
  const F = (microbatch: number): PipelineStep => ({ pass: "forward", microbatch });
  const B = (microbatch: number): PipelineStep => ({ pass: "backward", microbatch });
  const all = Array.from({ length: microbatches }, (_, j) => j);
  if (!backward) return all.map(F);
  if (schedule === "gpipe") return [...all.map(F), ...all.map(B)];
  const warm = Math.min(stages - 1 - stage, microbatches);
  const steps = all.slice(0, warm).map(F);
  for (let j = warm; j < microbatches; j++) steps.push(F(j), B(j - warm));
  for (let j = microbatches - warm; j < microbatches; j++) steps.push(B(j));
  return steps;
}

/** The most micro-batches whose forward has run and whose backward has not, over the steps. */
export function peakInFlight(steps: readonly PipelineStep[]): number {
  let now = 0, peak = 0;
  for (const s of steps) {
    now += s.pass === "forward" ? 1 : -1;
    peak = Math.max(peak, now);
  }
  return peak;
}
