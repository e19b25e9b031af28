/** The async layer: documented semantics of processes, ticks and samples. */
import { describe, expect, it } from "vitest";
import { Module, u } from "../../src/hdl/index.js";
import { simulate } from "../../src/sim/index.js";

function pipe() {
  const m = new Module("pipe");
  const d = m.input("d", u(8));
  const q1 = m.output("q1", u(8));
  const q2 = m.output("q2", u(8));
  m.sync.set(q1, d);
  m.sync.set(q2, q1);
  return m;
}

describe("async processes", () => {
  it("set settles at once; after tick, get sees post-edge values; sample sees pre-edge ones", async () => {
    const sim = simulate(pipe());
    const log: string[] = [];
    sim.process(async (ctx) => {
      ctx.set("d", 5);
      expect(ctx.get("d")).toBe(5n);
      const [before] = await ctx.tick().sample("q1");
      log.push(`pre ${before} post ${ctx.get("q1")}`);
      ctx.set("d", 6);
      await ctx.tick();
      log.push(`q1 ${ctx.get("q1")} q2 ${ctx.get("q2")} cycle ${ctx.cycle}`);
    });
    await sim.run();
    expect(log).toEqual(["pre 0 post 5", "q1 6 q2 5 cycle 2"]);
  });

  it("processes resume in the order they were added; background ones do not keep run() going", async () => {
    const sim = simulate(pipe());
    const order: string[] = [];
    sim.process(async (ctx) => {
      for (;;) {
        await ctx.tick();
        order.push(`mon@${ctx.cycle}`);
      }
    }, { background: true });
    sim.process(async (ctx) => {
      for (let i = 0; i < 3; i++) {
        await ctx.tick();
        order.push(`drv@${ctx.cycle}`);
      }
    });
    await sim.run();
    expect(order).toEqual(["mon@1", "drv@1", "mon@2", "drv@2", "mon@3", "drv@3"]);
  });

  it("repeat(n) waits n edges", async () => {
    const sim = simulate(pipe());
    sim.process(async (ctx) => {
      await ctx.tick().repeat(5);
      expect(ctx.cycle).toBe(5);
    });
    await sim.run();
  });

  it("overlapping sets of one input from two processes are an error", async () => {
    const sim = simulate(pipe());
    sim.process(async (ctx) => {
      ctx.set("d", 1);
      await ctx.tick();
    });
    sim.process(async (ctx) => {
      ctx.set("d", 2);
      await ctx.tick();
    });
    await expect(sim.run()).rejects.toThrow(/already set it since the last edge/);
  });

  it("a failing process fails run(), and maxCycles bounds it", async () => {
    const sim = simulate(pipe());
    sim.process(async (ctx) => {
      await ctx.tick();
      throw new Error("boom");
    });
    await expect(sim.run()).rejects.toThrow("boom");
    const sim2 = simulate(pipe());
    sim2.process(async (ctx) => {
      for (;;) await ctx.tick();
    });
    await expect(sim2.run({ maxCycles: 7 })).rejects.toThrow(/still running after 7 cycles/);
  });

  it("step() refuses to run while processes are pending", () => {
    const sim = simulate(pipe());
    sim.process(async (ctx) => {
      await ctx.tick();
    });
    expect(() => sim.step()).toThrow(/use 'await sim.run\(\)'/);
  });
});
