/** The README's tutorial code runs as written, imports included ("tessera" is the sources here, see vitest.config.ts). */
import { expect, it } from "vitest";
import { Module, s, u, simulate } from "tessera";

function mac(): Module {
  const m = new Module("mac");
  const a = m.input("a", s(8)), b = m.input("b", s(8)), clear = m.input("clear", u(1));
  const acc = m.output("acc", s(32));
  m.if(clear, () => m.sync.set(acc, 0))
   .else(() => m.sync.set(acc, acc.add(a.mul(b)).trunc(32)));
  return m;
}

it("tutorial: simulate, processes", async () => {
  const sim = simulate(mac());
  sim.poke("a", -3); sim.poke("b", 7);
  sim.step(2);
  sim.expect("acc", -42);
  const seen: bigint[] = [];
  sim.process(async (ctx) => {
    ctx.set("a", 2); ctx.set("b", 5);
    const [before] = await ctx.tick().sample("acc");
    seen.push(before, ctx.get("acc"));
  });
  await sim.run();
  expect(seen).toEqual([-42n, -32n]);
});
