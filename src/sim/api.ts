/**
 * The testbench-facing contract of the simulator (implemented in simulator.ts).
 *
 * Values: `peek` returns the integer a signal holds as a bigint — negative for a signed signal
 * whose sign bit is set. `poke` takes a number or bigint that fits the signal's shape (for a
 * signed signal, the unsigned bit pattern is accepted too).
 *
 * Time: every clock domain has a period (default 10 time units, the VCD timescale is 1ns) and a
 * phase; a "cycle" is one rising edge of the default domain (the design's first, "sync" when used).
 *
 * Sync layer:
 *  - poke(sig, v) sets a top-level input; comb logic settles before anything reads it.
 *  - peek(sig) reads any signal (by object or hierarchical name "top.sub.sig").
 *  - step(n) advances n rising edges of the default domain (other domains' edges in between run
 *    too). At an edge: comb settles, registers sample, memories write, comb settles again.
 *  - expect(sig, v) throws ExpectationError naming signal, cycle, observed and expected in hex and binary.
 *  - stepUntil(cond, maxCycles) steps until cond() is true (checked before each step); throws on timeout.
 *
 * Async layer (cocotb/Amaranth style), see process.ts for the full semantics:
 *  - sim.process(async (ctx) => { ctx.set(a, 1); await ctx.tick(); ctx.get(q) ... }, { background })
 *  - await sim.run({ maxCycles }) runs until every non-background process has returned.
 *  - `await ctx.tick(domain?).sample(x, y)` resolves to the values x and y had just before the edge.
 */
export type Value = number | bigint;
