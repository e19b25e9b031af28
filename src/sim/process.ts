/**
 * Async testbench processes (Amaranth/cocotb style), run cooperatively and deterministically.
 *
 * Semantics:
 *  - Processes start in the order they were added, when `sim.run()` is called; each runs until it
 *    awaits a tick or returns.
 *  - `ctx.set(sig, v)` drives a top-level input at once; comb logic settles before the next read.
 *    Two processes setting the same input between the same two edges is an error.
 *  - `ctx.get(sig)` reads the current (settled) value.
 *  - `await ctx.tick(domain?)` waits for the next rising edge of `domain` (the default domain if
 *    omitted); after it, `get` returns post-edge values. `await ctx.tick().sample(a, b)` resolves
 *    to the values a and b had just before that edge (what the registers sampled).
 *    `ctx.tick().repeat(n)` waits for n edges (samples are from before the last one).
 *  - At an edge, the processes waiting for it resume one at a time, in the order they were added.
 *  - `run()` ends when every non-background process has returned (background processes, such as
 *    monitors and free-running drivers, are then dropped), or fails with the first error any
 *    process throws, or fails when `maxCycles` edges of the default domain pass first.
 */
import type { Signal } from "../hdl/expr.js";
import type { Value } from "./api.js";

export interface ProcessContext {
  get(sig: Signal | string): bigint;
  getNumber(sig: Signal | string): number;
  set(sig: Signal | string, v: Value): void;
  tick(domain?: string): TickTrigger;
  /** Rising edges of the default domain so far. */
  readonly cycle: number;
}

export interface Waiter {
  domain: number;
  sample: (Signal | string)[];
  remaining: number;
  resolve: (values: bigint[]) => void;
}

/** Awaitable for the next edge(s) of a domain. */
export class TickTrigger implements PromiseLike<bigint[]> {
  private sampled: (Signal | string)[] = [];
  private count = 1;
  constructor(private readonly park: (w: Waiter) => void, private readonly domain: number) {}

  /** Resolve to these signals' values from just before the edge. */
  sample(...sigs: (Signal | string)[]): this {
    this.sampled = sigs;
    return this;
  }

  /** Wait for n edges instead of one. */
  repeat(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new Error(`tick().repeat(${n}): n must be a whole number >= 1`);
    this.count = n;
    return this;
  }

  then<R1 = bigint[], R2 = never>(
    onfulfilled?: ((value: bigint[]) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2> {
    const p = new Promise<bigint[]>((resolve) => {
      this.park({ domain: this.domain, sample: this.sampled, remaining: this.count, resolve });
    });
    return p.then(onfulfilled, onrejected);
  }
}

export interface ProcessRecord {
  readonly id: number;
  readonly background: boolean;
  readonly fn: (ctx: ProcessContext) => Promise<void>;
  done: boolean;
  waiter: Waiter | null;
}
