/**
 * Testbench helpers for valid/ready streams (src/hdl/stream.ts), as async processes: a source
 * that offers items (optionally with idle cycles between them) and a sink that accepts them
 * (optionally with back-pressure), both honouring the handshake: a transfer happens at an edge
 * where valid and ready were both 1 just before it.
 */
import type { Stream } from "../hdl/stream.js";
import type { Simulator } from "./simulator.js";
import type { Value } from "./api.js";

export interface StreamSourceOptions {
  /** Probability of offering an item on a cycle (1: always), from a seeded `random`. */
  validRate?: number;
  random?: () => number;
  domain?: string;
}

/** Drive `items` into a sink stream of the design (its valid/payload are top-level inputs). */
export function streamSource(sim: Simulator, st: Stream, items: readonly Value[], opts: StreamSourceOptions = {}): Promise<void> {
  const rate = opts.validRate ?? 1, rnd = opts.random ?? Math.random;
  return new Promise<void>((resolve, reject) => {
    sim.process(async (ctx) => {
      try {
        let i = 0;
        ctx.set(st.valid, 0);
        while (i < items.length) {
          const offer = rate >= 1 || rnd() < rate;
          ctx.set(st.valid, offer ? 1 : 0);
          if (offer) ctx.set(st.payload, items[i]);
          const [valid, ready] = await ctx.tick(opts.domain).sample(st.valid, st.ready);
          if (valid && ready) i++;
        }
        ctx.set(st.valid, 0);
        resolve();
      } catch (e) {
        reject(e);
        throw e;
      }
    });
  });
}

export interface StreamSinkOptions {
  /** Probability of being ready on a cycle (1: always). */
  readyRate?: number;
  random?: () => number;
  domain?: string;
  /** Stop after this many items (run() then ends when the source does too). */
  count?: number;
}

/** Accept items from a source stream of the design (its ready is a top-level input). */
export function streamSink(sim: Simulator, st: Stream, opts: StreamSinkOptions = {}): bigint[] {
  const got: bigint[] = [];
  const rate = opts.readyRate ?? 1, rnd = opts.random ?? Math.random;
  sim.process(async (ctx) => {
    while (opts.count === undefined || got.length < opts.count) {
      ctx.set(st.ready, rate >= 1 || rnd() < rate ? 1 : 0);
      const [valid, ready, payload] = await ctx.tick(opts.domain).sample(st.valid, st.ready, st.payload);
      if (valid && ready) got.push(payload);
    }
    ctx.set(st.ready, 0);
  }, { background: opts.count === undefined });
  return got;
}
