/**
 * Start-up phase times, printed to stderr when TESSERA_TIMING=1: where elaboration, netlist
 * building and code generation spend their seconds on a large design (bench/speed/run.ts reports
 * the totals; this says which phase to look at).
 */
const enabled = !!process.env.TESSERA_TIMING && process.env.TESSERA_TIMING !== "0";

export interface PhaseTimer {
  /** Time since the previous lap (or the start), reported under `phase`. */
  lap(phase: string): void;
}

const quiet: PhaseTimer = { lap() {} };

export function phaseTimer(scope: string): PhaseTimer {
  if (!enabled) return quiet;
  let last = performance.now();
  return {
    lap(phase) {
      const now = performance.now();
      process.stderr.write(`[timing] ${scope}.${phase}: ${(now - last).toFixed(0)} ms (${(now / 1000).toFixed(2)} s since the process started)\n`);
      last = now;
    },
  };
}
