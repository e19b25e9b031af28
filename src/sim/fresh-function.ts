/**
 * `new Function` for generated simulator code, with a source no other call in the process has.
 *
 * V8 keeps a compilation cache keyed by source text: a second `new Function` with the same text
 * (the same design simulated again, a testbench's bank over the same signals) gets the first one's
 * SharedFunctionInfo, so both closures share one feedback-driven optimisation. Our generated code
 * reaches its typed arrays through its closure; once two closures with different arrays share the
 * code, TurboFan can no longer specialise on them, and the later simulators ran at an unpredictable
 * speed: `tessera run mac-grid` 16x16 steady state 0.70-0.88M cycles/s in half of the runs, 1.05-1.12M
 * in the others, after a warm-up run of the same design in the same process (bench/speed/case.ts
 * mac-grid-tb). A sweep's seeds, `run all` and vitest all build designs again in one process.
 * A numbered comment makes each source its own: 1.03-1.12M in 9 runs of 10.
 */
let made = 0;

export function freshFunction(params: readonly string[], body: string): (...args: never[]) => unknown {
  return new Function(...params, `// tessera generated function ${++made}\n${body}`) as (...args: never[]) => unknown;
}
